import { expect } from "chai";
import { sm3Hex } from "../../core/crypto/sm3.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { h } from "../../scripts/scenarios/fixtures.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { org, type ActorName } from "../../scripts/scenarios/world.ts";
import { seriousViolations } from "./axe.ts";
import { chooseEnglish, signInAsMember, useConsoleSuite } from "./browser.ts";
import { choose, fieldError, fillHop } from "./operator-forms.ts";

/**
 * Lineage hops from the desk in the browser against the real service: the grant's hops listed,
 * a hop recorded by the operator from an earlier hop's output, the form checked with the
 * rulebook's schema before signing, and the admitted partner recording a hop within its
 * admission and refused (in Chinese, then English) for a field outside it, the inputs named.
 */
describe("console: the operator and its partner record lineage hops", function () {
  this.timeout(240_000);
  let c: Record<ActorName, LedgerClient>;
  const t = useConsoleSuite(async (svc) => {
    c = clientsFor(svc.service, svc.url);
    await playStory(svc.service, c);
  });
  const open = async (who: "op" | "pa") => {
    await signInAsMember(t.page, t.svc.url, who, `${who} hops passphrase`);
    await t.page.getByRole("menuitem", { name: "加工环节", exact: true }).click();
    await t.page.locator(".operator-hops tbody tr").filter({ hasText: "H1" }).waitFor();
    return t.page.locator(".hop-record");
  };
  const posts = () => t.traffic.filter((r) => r.method === "POST" && r.url.endsWith("/v1/hops"));

  it("lists the grant's hops and deliveries and passes axe", async () => {
    await open("op");
    const rows = await t.page.locator(".operator-hops tbody tr").allInnerTexts();
    const byId = new Map(rows.map((r) => [r.split("\t")[0]!, r]));
    expect([...byId.keys()].sort()).to.deep.equal(["D1", "H1"]);
    expect(byId.get("H1")).to.include("清洗").and.include(org("op"));
    expect(byId.get("D1")).to.include("交付");
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    expect(t.errors).to.deep.equal([]);
  });

  it("checks the hop with the rulebook's schema before signing: no input, a bad hash, nothing sent", async () => {
    const form = await open("op");
    await form.getByRole("button", { name: "删除输入 1" }).click();
    await form.getByLabel("产出哈希（SM3）").fill("not a hash");
    await form.getByRole("button", { name: "签名并提交" }).click();
    await form.locator(".hop-inputs-errors").getByText("须至少列出一个输入").waitFor();
    await fieldError(form, "产出哈希（SM3）").filter({ hasText: "64 个小写十六进制字符" }).waitFor();
    await t.page.getByText("表单未通过登记簿格式校验").waitFor();
    expect(posts()).to.deep.equal([]);
    expect(await seriousViolations(t.page)).to.deep.equal([]);
  });

  it("records the operator's hop from an earlier hop's output, signed in the browser", async () => {
    await open("op");
    await fillHop(t.page, "H2", "P1", { artifact: "H1" });
    await t.page.locator(".hop-record").getByRole("button", { name: "签名并提交" }).click();
    await t.page.getByText("加工环节 H2 已记录").waitFor();
    await t.page.locator(".operator-hops tbody tr").filter({ hasText: "H2" }).waitFor();
    const [sent] = posts();
    expect(sent!.headers).to.have.property("x-pdl-signature");
    expect((JSON.parse(sent!.body) as { record: unknown }).record).to.deep.include({
      op: "lineage.hop",
      actor: org("op"),
      body: {
        id: "H2",
        grantId: "G1",
        productId: "P1",
        operation: "clean",
        inputs: [{ kind: "artifact", hopId: "H1", hash: h("H1-out") }],
        outputHash: sm3Hex("H2 output"),
        environment: "plain",
        recordCount: 50,
      },
    });
    const hop = await c.op.get<{ view: { actor: string } }>("/v1/hops/H2");
    expect(hop.view.actor).to.equal(org("op"));
  });

  it("the partner records a hop within its admission; a field outside it is refused in Chinese, inputs named", async () => {
    await open("pa");
    await fillHop(t.page, "HP1", "P1", { resource: ["a", "c"] });
    const form = t.page.locator(".hop-record");
    await form.getByRole("button", { name: "签名并提交" }).click();
    const refusal = t.page.locator(".operator-refusal");
    await refusal.waitFor();
    expect(await refusal.innerText())
      .to.include("操作被拒绝：运营合作方超出准入范围")
      .and.include("涉及字段：输入");
    // The refusal stands on the inputs too, naming the admission and the resource.
    await form
      .locator(".hop-inputs-errors")
      .getByText(/A1.*R1/)
      .waitFor();
    expect(await seriousViolations(t.page)).to.deep.equal([]);

    // Within the admission (R1.a, R1.b) the same hop is accepted.
    const card = form.locator(".hop-inputs .ant-card").first();
    await card
      .locator(".ant-select-selection-item")
      .filter({ hasText: "c" })
      .locator(".ant-select-selection-item-remove")
      .click();
    await choose(t.page, card, "所用字段", "b");
    await form.getByRole("button", { name: "签名并提交" }).click();
    await t.page.getByText("加工环节 HP1 已记录").waitFor();
    const hop = await c.op.get<{ view: { actor: string } }>("/v1/hops/HP1");
    expect(hop.view.actor).to.equal(org("pa"));
  });

  it("the partner's refusal in English names the inputs", async () => {
    await open("pa");
    await chooseEnglish(t.page);
    await fillHop(
      t.page,
      "HP2",
      "P1",
      { resource: ["c"] },
      { id: "Hop ID", product: "Data product", operation: "Operation", out: "Output hash (SM3)", count: "Records" },
    );
    await t.page.locator(".hop-record").getByRole("button", { name: "Sign and submit" }).click();
    const refusal = t.page.locator(".operator-refusal");
    await refusal.waitFor();
    const text = await refusal.innerText();
    expect(text)
      .to.include("Refused: The partner acts outside the scope it was admitted for")
      .and.include("Field concerned: Inputs");
    expect(text).to.match(/R1/);
    expect(text).not.to.match(/[\u4e00-\u9fff]/);
    await t.page.locator(".hop-inputs-errors").getByText(/R1/).waitFor();
  });
});
