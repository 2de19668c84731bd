import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { loadSeedCatalog } from "../../scripts/demo/catalog/seed-catalog.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { playDemo, type DemoSummary } from "../../scripts/demo/play.ts";
import { DELIVERIES, HOPS } from "../../scripts/demo/story.ts";
import { addCalendarMonths } from "../../core/time.ts";
import { testConfig } from "../service/test-config.ts";

/**
 * `npm run demo`'s story, played against a service started in this process on a temporary data
 * directory with the manual clock (LEDGER_CLOCK=manual: the demo moves the chain's time) and the
 * anchor timer effectively off (the demo asks for anchors, POST /v1/anchors), twice: the second
 * run reuses the organisations and resources and suffixes everything under its grant.
 */
describe("demo: the Longhua seed story end to end", function () {
  this.timeout(180_000);
  const env = { LEDGER_AGENCY_PASSPHRASE: "demo test" };
  let dir: string;
  let service: RunningService;
  let baseUrl: string;
  const printed: string[] = [];
  let first: DemoSummary;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-demo-"));
    const config = testConfig(dir, { clock: "manual" });
    service = await startService(config, { env });
    baseUrl = `http://127.0.0.1:${service.address().port}`;
    first = await playDemo({
      baseUrl,
      dataDir: dir,
      env,
      print: (l) => printed.push(l),
    });
  });
  after(async () => {
    await service?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("registers the catalog: every organisation, the 10 resources, the 11 products", () => {
    const catalog = loadSeedCatalog();
    expect(first.run).to.equal(1);
    expect(first.grantId).to.equal("LH-GRANT-01");
    expect(first.counts.organisations).to.equal(catalog.organisations.length - 1); // all but the bootstrapped agency
    expect(first.counts.resources).to.equal(10).and.equal(catalog.resources.length);
    expect(first.counts.products).to.equal(11).and.equal(catalog.products.length);
    expect(first.counts.partners).to.equal(1);
    expect(first.rows.filter((r) => r.outcome === "exists")).to.deep.equal([]);
  });

  it("records the lineage of every product, lists all 11 after verification, and delivers", () => {
    expect(first.counts.hops).to.equal(HOPS.length);
    expect(new Set(HOPS.map((h) => h.product)).size).to.equal(11);
    expect(first.counts.listings).to.equal(11);
    expect(first.counts.deliveries).to.equal(DELIVERIES.length);
    expect(first.publicListed).to.equal(11);
  });

  it("refuses the partner's out-of-scope hop with PARTNER_OUT_OF_SCOPE, in English and in Chinese", () => {
    const hop = first.refused.find((r) => r.op === "lineage.hop");
    expect(hop?.code).to.equal("PARTNER_OUT_OF_SCOPE");
    expect(hop?.id).to.equal("LH-P02-X1");
    expect(first.refusedZh.status).to.equal(422);
    expect(first.refusedZh.code).to.equal("PARTNER_OUT_OF_SCOPE");
    expect(first.refusedZh.message).to.match(/[\u4e00-\u9fff]/);
    // The voluntary exit without 3 months' notice and a misquoted service list are the story's other expected refusals.
    expect(first.refused.map((r) => r.code).sort()).to.deep.equal([
      "EXIT_NOTICE_TOO_SHORT",
      "PARTNER_OUT_OF_SCOPE",
      "REVENUE_CAP_PENDING",
      "SERVICE_LIST_FEE_MISMATCH",
    ]);
  });

  it("shows the oversight duties: the service list, risk alerts and the stop from one, a complaint, an objection, and what fell overdue", () => {
    const { serviceList, freshness, alerts, complaint, objection } = first.duties;
    expect(serviceList).to.deep.include({ refusedCode: "SERVICE_LIST_FEE_MISMATCH", entries: 11, free: 3 });
    expect(serviceList.overdueOwedBy, "92 days after the list").to.deep.equal(["operator"]);
    expect(serviceList.overdueAfterRepublishing).to.equal(0);
    // Monthly and daily resources fall due within 92 days; quarterly (3 months + 15 days) and annual ones do not.
    expect(freshness.overdueResources).to.include.members(["LH-HEALTH-RADIOLOGY", "LH-HEALTH-CLAIMS"]);
    expect(freshness.overdueResources).to.not.include("LH-URBAN-VILLAGES");
    expect(freshness.updatedStillOverdue).to.equal(false);
    // LH-P06's delivery of 412 records is above the 400 it declares; LH-P11's 9,870 is within its 10,000.
    expect(alerts.signals).to.include.members(["volume-exceeded", "sensitive-input-delivered"]);
    expect(alerts.signals).to.not.include("recipient-rate-exceeded");
    expect(alerts).to.deep.include({ action: "grant-suspended", grantStatusAfterResume: "active" });
    expect(complaint).to.deep.include({ overdue: true, late: true });
    expect(complaint.id).to.match(/^K-/);
    expect(objection).to.deep.include({ late: true });
    expect(objection.overdueOwedBy).to.have.length.above(0);
  });

  it("shows permitted revenue at the 10 % boundary: a guidance item at exactly 10 %, a held price rise at 10 % and one fen", () => {
    expect(first.revenue).to.deep.include({
      lowerBandBp: 1000,
      guidanceItems: 1,
      guidanceItemsAfter: 0,
      upperBandBp: 1001,
    });
    // The refusal names the report above 10 % and the cap the price rise waits for.
    expect(first.revenue.refusalDetails).to.deep.include({
      year: first.revenue.year + 1,
      domain: "finance",
      chargeUnit: "per-call",
    });
    // The agency's duty to set the caps again: a revenue-caps item until it does.
    expect(first.revenue.pendingCaps).to.deep.equal(["finance/per-call"]);
    expect(first.revenue.capItemsAfter).to.equal(0);
    const reprices = first.rows.filter((r) => r.op === "product.reprice").map((r) => r.outcome);
    expect(reprices).to.deep.equal(["rejected", "accepted"]);
  });

  it("exits after exactly 3 months' notice on the manual clock; the partner's late certificates were overdue until filed", () => {
    const { exit } = first;
    expect(exit.earliestExit, "the refusal names notice + 3 calendar months").to.equal(
      addCalendarMonths(exit.noticeAt, 3),
    );
    expect(exit.exitedAt, "the exit's block is dated exactly then").to.equal(exit.earliestExit);
    expect(exit.deadline).to.equal(exit.exitedAt + 30 * 86_400);
    expect(exit.overdueAtDeadline, "day 30's last second is on time").to.equal(0);
    expect(exit.overdueOwedBy, "day 31: overdue, owed by the partner").to.deep.equal(["partner"]);
    expect(exit.lateCertificates).to.equal(3);
    expect(exit.overdueAfter).to.equal(0);
    const exits = first.rows.filter((r) => r.op === "grant.exit").map((r) => r.outcome);
    expect(exits).to.deep.equal(["rejected", "accepted"]);
    expect(printed.join("\n")).to.match(/exchange asks the service to anchor the log now/);
  });

  it("exits: destruction certificates from both holders, grant closed, nothing overdue", () => {
    expect(first.counts.certificates).to.equal(6);
    expect(first.audit).to.deep.equal({
      status: "closed",
      products: 11,
      hops: HOPS.length + DELIVERIES.length,
      deliveries: DELIVERIES.length,
      certificates: 6,
      overdue: 0,
    });
  });

  it("ends with every receipt anchored (or at least checkpointed) and verifying offline", () => {
    expect(first.accepted).to.be.greaterThan(90);
    expect(first.receipts.pending).to.equal(0);
    expect(first.receipts.anchored + first.receipts.checkpointed).to.equal(first.accepted);
    expect(first.receipts.anchored).to.equal(first.accepted);
    expect(first.verified).to.equal(first.accepted);
    expect(first.anchor?.treeSize).to.be.greaterThan(Math.max(...first.rows.map((r) => r.leafIndex ?? -1)));
  });

  it("prints a summary with every step's receipt state", () => {
    const text = printed.join("\n");
    expect(text).to.include("== Summary");
    const summary = text.slice(text.indexOf("== Summary"));
    for (const r of first.rows)
      expect(summary, `row ${r.n}`).to.match(new RegExp(`^  ${r.n} +${r.actor} +${r.op.replace(".", "\\.")} `, "m"));
    expect(summary).to.match(/\d+ writes accepted \(\d+ anchored, 0 checkpointed, 0 pending/);
  });

  it("plays again on the same ledger: reuses organisations and resources, suffixes the rest", async () => {
    const second = await playDemo({
      baseUrl,
      dataDir: dir,
      env,
      print: () => undefined,
    });
    expect(second.run).to.equal(2);
    expect(second.grantId).to.equal("LH-GRANT-01-r2");
    const existing = second.rows.filter((r) => r.outcome === "exists");
    expect(existing.filter((r) => r.op === "actor.register")).to.have.length(first.counts.organisations);
    expect(existing.filter((r) => r.op === "resource.register")).to.have.length(10);
    expect(second.counts.listings).to.equal(11);
    expect(second.refused.find((r) => r.op === "lineage.hop")).to.include({
      code: "PARTNER_OUT_OF_SCOPE",
      id: "LH-P02-X1-r2",
    });
    expect(second.revenue.year, "run 2 files two later years").to.equal(first.revenue.year + 2);
    expect(second.revenue).to.deep.include({ lowerBandBp: 1000, guidanceItems: 1, upperBandBp: 1001 });
    expect(second.audit.status).to.equal("closed");
    expect(second.exit.exitedAt).to.equal(addCalendarMonths(second.exit.noticeAt, 3));
    expect(second.exit.noticeAt, "run 2 starts where run 1 left the clock").to.be.greaterThan(first.exit.deadline);
    expect(second.exit.overdueOwedBy).to.deep.equal(["partner"]);
    expect(second.receipts.anchored).to.equal(second.accepted);
    expect(second.publicListed).to.equal(22);
  });
});
