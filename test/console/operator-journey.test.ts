import { expect } from "chai";
import type { ServiceListView } from "../../core/views.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { MEMBERS, org, type ActorName } from "../../scripts/scenarios/world.ts";
import { seriousViolations } from "./axe.ts";
import { chooseEnglish, signInAsMember, useConsoleSuite } from "./browser.ts";
import { choose, fillHop } from "./operator-forms.ts";

/**
 * The operator's journey end to end in the browser against the real service: sign in with the
 * sealed key, register a product, record its hop, publish the quarterly product and service
 * list from the registered products (each entry at its registered fee) and see when the next
 * is due; then the partner signs in and records a hop, and refusals are shown in Chinese and
 * English with the field. No request carries a key or a passphrase.
 */
describe("console: the operator's journey (products, hops, service list) and its partner's hop", function () {
  this.timeout(300_000);
  let c: Record<ActorName, LedgerClient>;
  const t = useConsoleSuite(async (svc) => {
    c = clientsFor(svc.service, svc.url);
    await playStory(svc.service, c);
  });
  const PASSPHRASE = { op: "operator journey passphrase", pa: "partner journey passphrase" } as const;

  /** No request (url, headers, body) carries a private key or a passphrase. */
  const expectNoSecretSent = () => {
    const secrets = [MEMBERS.op.sm2PrivateKey, MEMBERS.pa.sm2PrivateKey, PASSPHRASE.op, PASSPHRASE.pa];
    expect(t.traffic.length).to.be.greaterThan(0);
    for (const r of t.traffic) {
      const all = `${r.url}\n${JSON.stringify(r.headers)}\n${r.body}`.toLowerCase();
      for (const s of secrets) expect(all, `${r.method} ${r.url}`).not.to.include(s.toLowerCase());
    }
  };

  it("the operator registers a product, records its hop and publishes the service list", async () => {
    await signInAsMember(t.page, t.svc.url, "op", PASSPHRASE.op);

    await t.page.getByRole("menuitem", { name: "数据产品", exact: true }).click();
    const product = t.page.locator(".product-register");
    await product.getByLabel("产品编号").fill("P7");
    await product.getByLabel("产品名称").fill("Public credit lookup");
    await choose(t.page, product, "领域", "金融");
    await product.getByLabel("应用场景").fill("credit assessment");
    await choose(t.page, product, "服务形式", "接口");
    await choose(t.page, product, "来源数据资源", "R1");
    await choose(t.page, product, "定价模式", "公益（免费）");
    await choose(t.page, product, "计费单位", "按次调用");
    await product.getByLabel("价格（元）").fill("0");
    await product.getByRole("button", { name: "签名并提交" }).click();
    await t.page.getByText("产品 P7 已登记").waitFor();

    await t.page.getByRole("menuitem", { name: "加工环节", exact: true }).click();
    await t.page.locator(".operator-hops tbody tr").filter({ hasText: "H1" }).waitFor();
    await fillHop(t.page, "H7", "P7", { resource: ["a", "b"] });
    await t.page.locator(".hop-record").getByRole("button", { name: "签名并提交" }).click();
    await t.page.getByText("加工环节 H7 已记录").waitFor();

    await t.page.getByRole("menuitem", { name: "产品和服务清单", exact: true }).click();
    const entries = t.page.locator(".service-list-entries tbody tr");
    await entries.filter({ hasText: "P7" }).waitFor();
    expect(await entries.filter({ hasText: "P1" }).innerText()).to.include("5.00 · 按次调用");
    expect(await entries.filter({ hasText: "P7" }).innerText()).to.include("免费");
    await t.page.locator(".service-list-duty").getByText("尚未公开").waitFor();
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    for (const id of ["P1", "P7"]) {
      await t.page.getByLabel(`服务内容 ${id}`).fill(`the ${id} service`);
      await t.page.getByLabel(`响应时间 ${id}`).fill("within 1 working day");
    }
    await t.page.getByRole("button", { name: "签名并公开" }).click();
    await t.page.getByText("清单已公开").waitFor();
    await t.page.locator(".service-list-duty").getByText("已公开 1 次（逾期 0 次），上次清单 2 项").waitFor();

    // The list names every registered product at its registered fee, as the chain keeps it.
    const sent = t.traffic.find(
      (r) => r.method === "POST" && r.url.endsWith(`/v1/operators/${org("op")}/service-lists`),
    )!;
    expect(sent.headers).to.have.property("x-pdl-signature");
    expect((JSON.parse(sent.body) as { record: { body: unknown } }).record.body).to.deep.equal({
      operator: org("op"),
      entries: [
        {
          productId: "P1",
          content: "the P1 service",
          responseTime: "within 1 working day",
          fee: { charge: "charged", chargeUnit: "per-call", priceFen: 500 },
        },
        {
          productId: "P7",
          content: "the P7 service",
          responseTime: "within 1 working day",
          fee: { charge: "free", chargeUnit: "per-call", priceFen: 0 },
        },
      ],
    });
    const duty = (await c.op.get<{ view: ServiceListView }>(`/v1/operators/${org("op")}/service-lists`)).view;
    expect(duty).to.include({ publications: 1, entryCount: 2, lateLists: 0 });
    // The next list is due 91 days after this one: the page shows that day.
    const due = new Date((duty.nextListDue + 8 * 3600) * 1000).toISOString().slice(0, 10);
    await t.page.locator(".service-list-duty").getByText(due).waitFor();
    expect(t.errors).to.deep.equal([]);
    expectNoSecretSent();
  });

  it("the partner records a hop; outside its admission it is refused in Chinese with the field", async () => {
    await signInAsMember(t.page, t.svc.url, "pa", PASSPHRASE.pa);
    // The partner's desk offers the hops, not the operator's products or list.
    expect(await t.page.getByRole("menuitem", { name: "数据产品", exact: true }).count()).to.equal(0);
    await t.page.getByRole("menuitem", { name: "加工环节", exact: true }).click();
    await t.page.locator(".operator-hops tbody tr").filter({ hasText: "H1" }).waitFor();
    await fillHop(t.page, "HP7", "P1", { resource: ["c"] });
    const form = t.page.locator(".hop-record");
    await form.getByRole("button", { name: "签名并提交" }).click();
    const refusal = t.page.locator(".operator-refusal");
    await refusal.waitFor();
    expect(await refusal.innerText())
      .to.include("运营合作方超出准入范围")
      .and.include("涉及字段：输入");

    const card = form.locator(".hop-inputs .ant-card").first();
    await card
      .locator(".ant-select-selection-item")
      .filter({ hasText: "c" })
      .locator(".ant-select-selection-item-remove")
      .click();
    await choose(t.page, card, "所用字段", "a");
    await form.getByRole("button", { name: "签名并提交" }).click();
    await t.page.getByText("加工环节 HP7 已记录").waitFor();
    expect((await c.op.get<{ view: { actor: string } }>("/v1/hops/HP7")).view.actor).to.equal(org("pa"));
    expectNoSecretSent();
  });

  it("the operator's price over the cap is refused in English with the field", async () => {
    await signInAsMember(t.page, t.svc.url, "op", PASSPHRASE.op);
    await chooseEnglish(t.page);
    await t.page.getByRole("menuitem", { name: "Data products", exact: true }).click();
    await t.page.getByRole("button", { name: "Reprice P1" }).click();
    const dialog = t.page.getByRole("dialog");
    await dialog.getByLabel("Price (yuan)").fill("10.01");
    await dialog.getByRole("button", { name: "Sign and submit" }).click();
    const text = await dialog.locator(".operator-refusal").innerText();
    expect(text)
      .to.include("Refused: The price exceeds the agency's cap.")
      .and.include("Field concerned: Price (yuan)");
    expectNoSecretSent();
  });
});
