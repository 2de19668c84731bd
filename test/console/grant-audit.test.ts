import { expect } from "chai";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { MEMBERS, org, type ActorName } from "../../scripts/scenarios/world.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { seriousViolations } from "./axe.ts";
import { chooseEnglish, signInAsMember, useConsoleSuite } from "./browser.ts";

interface Audit {
  deliveries: { id: string; evidence: { recordHash: string } }[];
  products: { id: string; view: { status: "registered" | "listed" | "delisted" } | null }[];
}

/** The supervisor audits grant G1: its status changes, what was done under it, its overdue items, and the graph. */
describe("console: the grant audit", function () {
  this.timeout(240_000);
  let c: Record<ActorName, LedgerClient>;
  const t = useConsoleSuite(async (svc) => {
    c = clientsFor(svc.service, svc.url);
    await playStory(svc.service, c);
    await c.agency.submit("grant.suspend", { grantId: "G1", reason: "quarterly inspection" });
    await c.agency.submit("grant.resume", { grantId: "G1", reason: "inspection passed" });
    await svc.service.checkpointer.checkpoint();
    await svc.service.anchorNow();
  });
  const signInAs = (name: ActorName) => signInAsMember(t.page, t.svc.url, name, "grant audit passphrase");
  const section = (name: string) => t.page.getByRole("region", { name, exact: true });

  it("opens G1 from the list: status history, partners, products, hops, deliveries, each with its record", async () => {
    const audit = await c.sup.get<Audit>("/v1/grants/G1/audit");
    await signInAs("sup");
    await t.page.getByRole("menuitem", { name: "授权审计" }).click();
    await t.page.locator(".audit-grants").getByRole("link", { name: "G1" }).click();
    expect(t.page.url()).to.match(/#\/supervisor\/grant\/G1$/);
    const history = section("状态变更");
    await history.getByText("签发授权").waitFor();
    // Opened from the list, the picker says which grant is shown.
    expect(await t.page.getByLabel("授权编号").inputValue()).to.equal("G1");
    await history.getByText("原因: quarterly inspection").waitFor();
    await history.getByText("原因: inspection passed").waitFor();
    expect(await history.locator(".ant-timeline-item").count()).to.equal(3);
    await t.page.locator(".audit-summary").getByText("有效", { exact: true }).waitFor();

    await section("合作方")
      .getByRole("cell", { name: org("pa") })
      .waitFor();
    await section("数据产品").getByRole("link", { name: "P1", exact: true }).waitFor();
    // Statuses in words of the page's language, not the records' words.
    const words = { registered: "已登记", listed: "已上架", delisted: "已下架", approved: "已批准" } as const;
    const p1 = audit.products.find((p) => p.id === "P1")!;
    await section("数据产品").getByRole("cell", { name: words[p1.view!.status], exact: true }).waitFor();
    await section("合作方").getByRole("cell", { name: words.approved, exact: true }).waitFor();
    const hops = section("加工环节");
    expect(await hops.locator("tbody tr").count(), "H1 and D1").to.equal(2);
    const deliveries = section("交付");
    await deliveries.getByRole("cell", { name: org("con") }).waitFor();
    const d1 = audit.deliveries.find((d) => d.id === "D1")!;
    await deliveries.getByText(d1.evidence.recordHash).waitFor();

    // D1's record opens with its receipt, verified in the browser.
    await deliveries.getByRole("button", { name: "查看记录 hop D1" }).click();
    const drawer = t.page.getByRole("dialog");
    await drawer.getByText("lineage.hop", { exact: true }).waitFor();
    await drawer.getByText("核验通过（已上链锚定）").waitFor();
    expect(await drawer.locator(".receipt-checks .ant-tag-error").count()).to.equal(0);

    const secret = MEMBERS.sup.sm2PrivateKey.toLowerCase();
    for (const r of t.traffic)
      expect((JSON.stringify(r.headers) + r.url + r.body).toLowerCase()).not.to.include(secret);
    expect(t.errors).to.deep.equal([]);
  });

  it("follows a product to its lineage graph and the graph's grant back to the audit", async () => {
    await signInAs("sup");
    await t.page.goto(`${t.svc.url}/#/supervisor/grant/G1`);
    await section("数据产品").getByRole("link", { name: "血缘图 P1" }).click();
    await t.page.locator(".react-flow__node").first().waitFor();
    expect(t.page.url()).to.match(/#\/supervisor\/graph\/P1$/);
    await t.page.getByRole("link", { name: "授权 G1 的审计" }).click();
    await section("状态变更").getByText("签发授权").waitFor();
    expect(t.page.url()).to.match(/#\/supervisor\/grant\/G1$/);
  });

  it("shows the operator's service list overdue only at a time past its 91 days", async () => {
    await signInAs("sup");
    await t.page.goto(`${t.svc.url}/#/supervisor/grant/G1`);
    const overdue = section("逾期事项");
    await overdue.getByText("核查时点无逾期事项。").waitFor();
    const later = new Date(Date.now() + 100 * 86_400_000).toISOString().slice(0, 10);
    await t.page.getByLabel("核查时点").click();
    await t.page.getByLabel("核查时点").fill(later);
    await t.page.keyboard.press("Enter");
    await overdue.getByRole("cell", { name: "服务清单公布逾期" }).waitFor();
    await overdue.getByRole("cell", { name: org("op"), exact: true }).waitFor();
    await t.page.locator(".audit-summary").getByText(later).waitFor();
  });

  it("reads in English", async () => {
    await signInAs("sup");
    await chooseEnglish(t.page);
    await t.page.goto(`${t.svc.url}/#/supervisor/grant/G1`);
    await section("Status changes").getByText("Grant issued").waitFor();
    await section("Deliveries")
      .getByRole("cell", { name: org("con") })
      .waitFor();
    await section("Overdue items").getByText("Nothing is overdue at the time checked.").waitFor();
  });

  it("shows an operator outside the grant the service's refusal, in Chinese and in English", async () => {
    await signInAs("op2");
    await t.page.goto(`${t.svc.url}/#/supervisor/grant/G1`);
    await t.page.getByRole("alert").filter({ hasText: "请求失败" }).waitFor();
    expect(await t.page.locator(".audit-summary").count()).to.equal(0);
    await chooseEnglish(t.page);
    await t.page.getByRole("alert").filter({ hasText: "Request failed" }).waitFor();
    expect(await t.page.locator(".audit-summary").count()).to.equal(0);
  });

  it("has no serious or critical accessibility violation, audit and record drawer alike", async () => {
    await signInAs("sup");
    await t.page.goto(`${t.svc.url}/#/supervisor/grant/G1`);
    await section("交付").getByRole("button", { name: "查看记录 hop D1" }).waitFor();
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    await section("交付").getByRole("button", { name: "查看记录 hop D1" }).click();
    await t.page
      .getByRole("dialog")
      .getByText(/核验通过/)
      .waitFor();
    expect(await seriousViolations(t.page)).to.deep.equal([]);
  });
});
