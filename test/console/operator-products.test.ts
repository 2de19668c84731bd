import { expect } from "chai";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import type { ActorName } from "../../scripts/scenarios/world.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { seriousViolations } from "./axe.ts";
import { chooseEnglish, signInAsMember, useConsoleSuite } from "./browser.ts";
import { choose, fieldError } from "./operator-forms.ts";

/**
 * The operator's products page in the browser against the real service: its products under G1
 * with their status and price, a product registered from the form (checked with the rulebook's
 * schema before signing, signed in the browser), a price over the agency's cap refused with the
 * field named in Chinese and, on repricing, in English.
 */
describe("console: the operator registers and reprices its products", function () {
  this.timeout(240_000);
  let c: Record<ActorName, LedgerClient>;
  const t = useConsoleSuite(async (svc) => {
    c = clientsFor(svc.service, svc.url);
    await playStory(svc.service, c);
  });
  const signIn = async () => {
    await signInAsMember(t.page, t.svc.url, "op", "operator products passphrase");
    await t.page.getByRole("menuitem", { name: "数据产品", exact: true }).click();
    await t.page.locator(".operator-products tbody tr").filter({ hasText: "P1" }).waitFor();
  };
  const posts = (path: string) => t.traffic.filter((r) => r.method === "POST" && r.url.endsWith(path));

  it("lists the grant's products with status and price and passes axe", async () => {
    await signIn();
    const row = t.page.locator(".operator-products tbody tr").filter({ hasText: "P1" });
    await row.getByText("Credit score API").waitFor();
    expect(await row.innerText())
      .to.include("已登记")
      .and.include("5.00 · 按次调用");
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    expect(t.errors).to.deep.equal([]);
  });

  it("checks the form with the rulebook's schema before signing: nothing is sent for a bad id", async () => {
    await signIn();
    const form = t.page.locator(".product-register");
    await form.getByLabel("产品编号").fill("not an id!");
    await form.getByRole("button", { name: "签名并提交" }).click();
    // The rulebook's own sentence about ids, and zod's own checks, in Chinese on a Chinese screen.
    await fieldError(form, "产品编号").filter({ hasText: "须为 1–31 个字符" }).waitFor();
    expect(await fieldError(form, "产品名称").innerText()).to.match(/[\u4e00-\u9fff]/);
    await t.page.getByText("表单未通过登记簿格式校验").waitFor();
    expect(posts("/v1/products")).to.deep.equal([]);
    expect(await seriousViolations(t.page)).to.deep.equal([]);
  });

  it("registers a product; a price over the cap is refused in Chinese with the price field", async () => {
    await signIn();
    const form = t.page.locator(".product-register");
    await form.getByLabel("产品编号").fill("P5");
    await form.getByLabel("产品名称").fill("SME credit report");
    await choose(t.page, form, "领域", "金融");
    await form.getByLabel("应用场景").fill("credit assessment");
    await choose(t.page, form, "服务形式", "报告");
    await choose(t.page, form, "来源数据资源", "R1");
    await choose(t.page, form, "计费单位", "按次调用");
    await form.getByLabel("价格（元）").fill("20");
    await form.getByRole("button", { name: "签名并提交" }).click();
    const refusal = t.page.locator(".operator-refusal");
    await refusal.waitFor();
    const text = await refusal.innerText();
    expect(text).to.include("操作被拒绝：价格超过实施机构设定的上限收费标准。").and.include("涉及字段：价格（元）");
    await fieldError(form, "价格（元）").waitFor();
    expect(await seriousViolations(t.page)).to.deep.equal([]);

    await form.getByLabel("价格（元）").fill("8");
    await form.getByRole("button", { name: "签名并提交" }).click();
    await t.page.getByText("产品 P5 已登记").waitFor();
    await t.page.locator(".operator-products tbody tr").filter({ hasText: "SME credit report" }).waitFor();
    const sent = posts("/v1/products");
    expect(sent).to.have.length(2);
    expect(sent[1]!.headers).to.have.property("x-pdl-signature");
    expect((JSON.parse(sent[1]!.body) as { record: unknown }).record).to.deep.include({
      op: "product.register",
      body: {
        id: "P5",
        name: "SME credit report",
        domain: "finance",
        scenario: "credit assessment",
        serviceForm: "report",
        grantId: "G1",
        sources: ["R1"],
        pricing: { model: "industry", chargeUnit: "per-call", priceFen: 800 },
        personalInfo: false,
        tradeSecret: false,
      },
    });
    const doc = await c.op.get<{ view: { priceFen: number; status: string } }>("/v1/products/P5");
    expect(doc.view).to.include({ priceFen: 800, status: "registered" });
  });

  it("reprices a product; over the cap it is refused in English with the price field", async () => {
    await signIn();
    await chooseEnglish(t.page);
    await t.page.getByRole("button", { name: "Reprice P1" }).click();
    const dialog = t.page.getByRole("dialog");
    await dialog.getByLabel("Price (yuan)").fill("15");
    await dialog.getByRole("button", { name: "Sign and submit" }).click();
    const refusal = dialog.locator(".operator-refusal");
    await refusal.waitFor();
    const text = await refusal.innerText();
    expect(text)
      .to.include("Refused: The price exceeds the agency's cap.")
      .and.include("Field concerned: Price (yuan)");
    expect(text).not.to.match(/[\u4e00-\u9fff]/);
    expect(await seriousViolations(t.page)).to.deep.equal([]);

    await dialog.getByLabel("Price (yuan)").fill("6");
    await dialog.getByRole("button", { name: "Sign and submit" }).click();
    await t.page.getByText("Product P1 is repriced").waitFor();
    const doc = await c.op.get<{ view: { priceFen: number } }>("/v1/products/P1");
    expect(doc.view.priceFen).to.equal(600);
    const sent = posts("/v1/records").map((r) => (JSON.parse(r.body) as { record: { op: string } }).record.op);
    expect(sent).to.deep.equal(["product.reprice", "product.reprice"]);
  });
});
