import { expect } from "chai";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { MEMBERS, org, type ActorName } from "../../scripts/scenarios/world.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { seriousViolations } from "./axe.ts";
import { signInAsMember, useConsoleSuite } from "./browser.ts";

interface Lineage {
  hops: { hop: { id: string; operation: string }; recordHash: string }[];
}

/** The supervisor follows a product's lineage graph to the signed records and their receipts, verified live. */
describe("console: the lineage graph", function () {
  this.timeout(240_000);
  let c: Record<ActorName, LedgerClient>;
  const t = useConsoleSuite(async (svc) => {
    c = clientsFor(svc.service, svc.url);
    await playStory(svc.service, c);
    await svc.service.checkpointer.checkpoint();
    await svc.service.anchorNow();
  });
  const signInAs = (name: ActorName) => signInAsMember(t.page, t.svc.url, name, "lineage graph passphrase");
  const nodeButton = (kind: string, label: string) =>
    t.page.getByRole("button", { name: new RegExp(`^${kind} ${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`) });

  it("draws resources → hops → artifacts → deliveries → recipients and opens a hop's record and verified receipt", async () => {
    const lineage = await c.sup.get<Lineage>("/v1/products/P1/lineage");
    await signInAs("sup");
    await t.page.getByRole("menuitem", { name: "数据血缘图" }).click();
    await t.page.getByLabel("产品编号").fill("P1");
    await t.page.getByRole("button", { name: "查看血缘" }).click();
    await t.page.locator(".react-flow__node").first().waitFor();
    expect(t.page.url()).to.match(/#\/supervisor\/graph\/P1$/);
    // R1 v1 → H1 → its artifact → D1 → the consumer.
    await nodeButton("数据资源", "R1 v1").waitFor();
    await nodeButton("加工环节", "H1 · clean").waitFor();
    await nodeButton("交付", "D1 · deliver").waitFor();
    expect(await t.page.locator(".lineage-artifact.lineage-node").count()).to.equal(1);
    expect(await t.page.locator(".lineage-recipient.lineage-node").count()).to.equal(1);
    expect(await t.page.locator(".react-flow__node").count()).to.equal(5);
    expect(await t.page.locator(".react-flow__edge").count()).to.equal(4);

    await nodeButton("加工环节", "H1 · clean").click();
    const drawer = t.page.getByRole("dialog");
    const h1 = lineage.hops.find((h) => h.hop.id === "H1")!;
    await drawer.getByText(h1.recordHash).first().waitFor();
    await drawer.getByText("lineage.hop", { exact: true }).waitFor();
    await drawer.getByText("核验通过（已上链锚定）").waitFor();
    const rows = drawer.locator(".receipt-checks tbody tr");
    expect(await rows.count()).to.be.greaterThan(5);
    expect(await drawer.locator(".receipt-checks .ant-tag-error").count()).to.equal(0);
    await drawer.getByText("包含证明（RFC 9162）").waitFor();
    // The receipt was fetched now, by a signed request of the supervisor's.
    const receiptCalls = t.traffic.filter((r) => r.url.endsWith(`/v1/receipts/${h1.recordHash}`));
    expect(receiptCalls).to.have.length(1);
    expect(receiptCalls[0]!.headers["x-pdl-actor"]).to.equal(org("sup"));
    const secret = MEMBERS.sup.sm2PrivateKey.toLowerCase();
    for (const r of t.traffic)
      expect((JSON.stringify(r.headers) + r.url + r.body).toLowerCase()).not.to.include(secret);
    expect(t.errors).to.deep.equal([]);
  });

  it("finds a node by name and opens the recipient's registration", async () => {
    await signInAs("sup");
    await t.page.goto(`${t.svc.url}/#/supervisor/graph/P1`);
    await t.page.locator(".react-flow__node").first().waitFor();
    // Opened by its address, the page still says which product it shows.
    expect(await t.page.getByLabel("产品编号").inputValue()).to.equal("P1");
    await t.page.getByLabel("定位节点").fill(org("con"));
    await t.page.keyboard.press("Enter");
    const drawer = t.page.getByRole("dialog");
    await drawer.getByText("actor.register", { exact: true }).waitFor();
    await drawer.getByText(/核验通过/).waitFor();
  });

  it("shows a recipient only its own deliveries, and an operator outside the grant the service's refusal", async () => {
    await signInAs("con");
    await t.page.goto(`${t.svc.url}/#/supervisor/graph/P1`);
    await t.page.getByText("您是交付接收方：仅显示交付给您的记录。").waitFor();
    await nodeButton("交付", "D1 · deliver").waitFor();
    expect(await t.page.locator(".react-flow__node").count(), "D1, its input artifact, the recipient").to.equal(3);
    expect(await nodeButton("加工环节", "H1 · clean").count()).to.equal(0);

    await t.page.getByRole("button", { name: "退出登录" }).click();
    await signInAs("op2");
    await t.page.goto(`${t.svc.url}/#/supervisor/graph/P1`);
    await t.page.getByRole("alert").filter({ hasText: "请求失败" }).waitFor();
    expect(await t.page.locator(".react-flow__node").count()).to.equal(0);
  });

  it("has no serious or critical accessibility violation, graph and record drawer alike", async () => {
    await signInAs("sup");
    await t.page.goto(`${t.svc.url}/#/supervisor/graph/P1`);
    await nodeButton("加工环节", "H1 · clean").waitFor();
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    await nodeButton("加工环节", "H1 · clean").click();
    await t.page
      .getByRole("dialog")
      .getByText(/核验通过/)
      .waitFor();
    expect(await seriousViolations(t.page)).to.deep.equal([]);
  });
});
