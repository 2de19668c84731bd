import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { OverdueItem } from "../../core/overdue.ts";
import type { RevenueView } from "../../core/views.ts";
import { LedgerApiError } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import type { RunningService } from "../../ledger-service/src/service.ts";
import type { Scenario, Step } from "../../scripts/scenarios/scenario.ts";
import { productBody, revenueMaximumBody, revenueReportBody, withProduct } from "../../scripts/scenarios/fixtures.ts";
import { org, type ActorName } from "../../scripts/scenarios/world.ts";
import { ResponseCheck } from "./openapi-check.ts";
import { clientOf, playOverHttp, scenario, serviceWith } from "./scenario-over-http.ts";

interface Refusal {
  code: string;
  message: string;
  details: Record<string, unknown>;
  detail: string;
}
const YEAR = `${org("op")}/2026`;
const setMaximum: Step = { as: "agency", op: "revenue.setMaximum", body: revenueMaximumBody("op") };
const report = (actualFen: number): Step => ({ as: "op", op: "revenue.report", body: revenueReportBody(actualFen) });

/**
 * Permitted revenue and the 10 % rule through the API on the manual clock: within 10 % the
 * agency has an open guidance item in GET /v1/overdue until it guides or the operator reprices;
 * above it the refusal of a new product names the report and the cap, in English and Chinese.
 */
describe("permitted revenue: the 10 % rule over HTTP", function () {
  this.timeout(180_000);
  let dir: string;
  let service: RunningService | undefined;
  let check: ResponseCheck | undefined;
  const client = (who: ActorName) => clientOf(service!, who);
  const guidanceItems = async (who: ActorName) =>
    (await client(who).get<{ items: OverdueItem[] }>("/v1/overdue")).items.filter((i) => i.kind === "revenue-guidance");
  const capItems = async (who: ActorName) =>
    (await client(who).get<{ items: OverdueItem[] }>("/v1/overdue")).items.filter((i) => i.kind === "revenue-caps");
  const revenue = async () => (await service!.backend.view({ kind: "revenue", id: YEAR })) as RevenueView | undefined;
  const moveTo = (to: number) => client("agency").request("POST", "/v1/clock", { to });
  const play = async (steps: Step[]) => playOverHttp(service!, { name: "revenue", rule: "", steps } as Scenario);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-revenue-"));
    service = await serviceWith(dir, "manual");
    check = await ResponseCheck.install(`http://127.0.0.1:${service.address().port}`);
  });
  afterEach(async () => {
    expect(check?.failures, "answers that do not match /openapi.json").to.deep.equal([]);
    check?.restore();
    await service?.stop();
    service = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it("10 % and one fen above holds new products until a cap after the report (the conformance scenario over HTTP)", async () => {
    const trace = await play([
      ...scenario(
        "10 % and one fen above holds new products in the domain until its cap is set after the report; at 10 % they are accepted",
      ).steps,
    ]);
    expect(trace.filter((t) => t.startsWith("product.register")).slice(-2)).to.deep.equal([
      "product.register → REVENUE_CAP_PENDING",
      "product.register → ok",
    ]);
  });

  it("exactly 10 % opens the agency's guidance item in GET /v1/overdue until it records its guidance", async () => {
    await play([...withProduct, setMaximum, report(1_100_000)]);
    const view = (await revenue())!;
    expect(view).to.deep.include({ deviationBp: 1000, band: "guidance", guidance: "open" });
    const [reported] = (await service!.store.historyOf("revenue", YEAR)).filter((e) => e.event === "RevenueReported");
    // Due on the report: listed from the next second.
    expect(await guidanceItems("sup")).to.deep.equal([]);
    await moveTo(view.reportedAt + 1);

    const [item, ...rest] = await guidanceItems("sup");
    expect(rest).to.deep.equal([]);
    expect(item).to.deep.include({
      subject: { kind: "revenue", id: YEAR },
      deadline: view.reportedAt,
      startedBy: { kind: "revenue", id: YEAR, recordHash: reported!.recordHash, at: view.reportedAt },
      owedBy: [],
      concerns: [org("op")],
    });
    expect(item!.detail).to.deep.include({ year: 2026, maximumFen: 1_000_000, actualRevenueFen: 1_100_000 });
    for (const who of ["agency", "op"] as const) expect(await guidanceItems(who), who).to.have.length(1);
    for (const who of ["op2", "con", "su1"] as const) expect(await guidanceItems(who), who).to.deep.equal([]);

    await client("agency").submit("revenue.guide", {
      operator: org("op"),
      year: 2026,
      guidance: "lower the per-call price of P1 by 5 %",
    } as never);
    expect(await guidanceItems("agency")).to.deep.equal([]);
    expect((await revenue())!.guidance).to.equal("guided");
  });

  it("a repricing in the covered domain closes the guidance item", async () => {
    await play([...withProduct, setMaximum, report(950_000)]);
    await moveTo((await revenue())!.reportedAt + 1);
    expect(await guidanceItems("agency")).to.have.length(1);
    await play([
      {
        as: "op",
        op: "product.reprice",
        body: { productId: "P1", pricing: { model: "industry", chargeUnit: "per-call", priceFen: 450 } },
      },
    ]);
    expect(await guidanceItems("agency")).to.deep.equal([]);
    expect((await revenue())!.guidance).to.equal("repriced");
  });

  it("above 10 % the refusal names the report and the cap, in English and in Chinese", async () => {
    await play([...withProduct, setMaximum, report(1_100_001)]);
    const { reportedAt } = (await revenue())!;
    await moveTo(reportedAt + 1);
    expect(await guidanceItems("agency")).to.deep.equal([]);
    for (const language of ["en", "zh"] as const) {
      const err = await client("op")
        .withLanguage(language)
        .submit("product.register", productBody({ id: "P2" }) as never)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).to.be.instanceOf(LedgerApiError);
      const refusal = ((err as LedgerApiError).body as { error: Refusal }).error;
      expect([refusal.code, refusal.details]).to.deep.equal([
        "REVENUE_CAP_PENDING",
        { operator: org("op"), year: 2026, domain: "finance", chargeUnit: "per-call", reportedAt },
      ]);
      if (language === "zh") {
        expect(refusal.message).to.contain("偏差超过10%");
        expect(refusal.detail)
          .to.contain(`运营机构：${org("op")}`)
          .and.contain("年度：2026");
        expect(refusal.detail).to.contain("领域：finance").and.contain("计费方式：per-call");
      } else expect(refusal.message).to.contain("more than 10 %");
    }
  });

  it("above 10 % the agency owes new caps: a revenue-caps item until each cap of the domain is set after the report", async () => {
    await play([
      ...withProduct,
      { as: "agency", op: "cap.set", body: { domain: "finance", chargeUnit: "per-period", maxPriceFen: 5000 } },
      setMaximum,
      report(899_999),
    ]);
    const { reportedAt } = (await revenue())!;
    expect(await capItems("agency"), "due on the report: listed from the next second").to.deep.equal([]);
    await moveTo(reportedAt + 1);
    const [item, ...rest] = await capItems("sup");
    expect(rest).to.deep.equal([]);
    expect(item).to.deep.include({ subject: { kind: "revenue", id: YEAR }, deadline: reportedAt, owedBy: [] });
    expect(item!.detail).to.deep.include({
      deviationBp: 1001,
      pendingCaps: ["finance/per-call", "finance/per-period"],
    });
    for (const who of ["agency", "op"] as const) expect(await capItems(who), who).to.have.length(1);
    for (const who of ["op2", "con"] as const) expect(await capItems(who), who).to.deep.equal([]);

    await play([
      { as: "agency", op: "cap.set", body: { domain: "finance", chargeUnit: "per-call", maxPriceFen: 900 } },
    ]);
    expect((await capItems("agency"))[0]!.detail).to.deep.include({ pendingCaps: ["finance/per-period"] });
    await play([
      { as: "agency", op: "cap.set", body: { domain: "finance", chargeUnit: "per-period", maxPriceFen: 4000 } },
    ]);
    expect(await capItems("agency")).to.deep.equal([]);
  });

  it("a later report above 10 % covering the domain takes it over: only that report's item is listed", async () => {
    await play([
      ...withProduct,
      setMaximum,
      report(1_200_000),
      { as: "agency", op: "revenue.setMaximum", body: revenueMaximumBody("op", { year: 2027 }) },
      { as: "op", op: "revenue.report", body: revenueReportBody(800_000, "op", 2027) },
    ]);
    const later = (await service!.backend.view({ kind: "revenue", id: `${org("op")}/2027` })) as RevenueView;
    await moveTo(later.reportedAt + 1);
    expect((await capItems("agency")).map((i) => i.subject.id)).to.deep.equal([`${org("op")}/2027`]);
  });
});
