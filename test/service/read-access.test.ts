import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ResponseCheck } from "./openapi-check.ts";
import { sm3Hex } from "../../core/crypto/sm3.ts";
import { addCalendarYears } from "../../core/time.ts";
import { LedgerClient, type SubmitResponse } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import {
  GRANT_SCOPE,
  certificateBody,
  deliverBody,
  delivery,
  h,
  revenueMaximumBody,
  revenueReportBody,
} from "../../scripts/scenarios/fixtures.ts";
import { org, strangerBody, type ActorName } from "../../scripts/scenarios/world.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { testConfig } from "./test-config.ts";

/**
 * Reads filtered by the caller: every signed read route (each lineage export format on its own),
 * asked by one member of every role, plus a second recipient of the same product and an
 * operator of another grant. Each answer is checked for its status, and every answer a recipient
 * gets for leaks of the other recipient's delivery (its org, fingerprint root, watermark
 * commitment) or of the grant (its agreement hash). The route list is checked against the
 * OpenAPI document, so a new read route without a row here fails.
 */
type Caller = "agency" | "su1" | "op" | "op2" | "pa" | "ex" | "sup" | "con" | "con2";
const CALLERS: readonly Caller[] = ["agency", "su1", "op", "op2", "pa", "ex", "sup", "con", "con2"];
const EVERYTHING: readonly Caller[] = ["agency", "ex", "sup"];
/** Who sees grant G1 and what hangs off it: those who read everything, its grantee and its admitted partner. */
const G1: readonly Caller[] = [...EVERYTHING, "op", "pa"];

/** The second recipient: a consumer outside the conformance cast. */
const CON2 = { ...strangerBody("consumer", 91), privateKey: sm3Hex("pdl-conformance-sm2:stranger91") };
const D2_DELIVERY = delivery({
  recipient: CON2.orgId,
  fingerprintRoot: h("fp-root-D2"),
  watermarkCommitment: h("wm-D2"),
});
const D1_MARKERS = [org("con"), h("fp-root"), h("wm")];
const D2_MARKERS = [CON2.orgId, h("fp-root-D2"), h("wm-D2")];
/** What no recipient learns of the grant its delivery went under. */
const GRANT_MARKERS = [h("agreement")];

interface Case {
  readonly label: string;
  /** The route as mounted (Express pattern), for the coverage check. */
  readonly route: string;
  readonly method?: "GET" | "POST";
  readonly path: () => string;
  readonly body?: unknown;
  /** The expected status per caller; callers not named get `otherwise`. */
  readonly allowed: readonly Caller[];
  readonly status?: number;
  readonly otherwise?: number;
  /** Extra checks of an allowed answer. */
  readonly check?: (who: Caller, json: unknown) => void;
}

const hopIds = (json: unknown) => (json as { hops: { hop: { id: string } }[] }).hops.map((n) => n.hop.id).sort();

describe("reads filtered by the caller: every role on every signed read route", function () {
  this.timeout(240_000);
  let dir: string;
  let service: RunningService;
  let clients: Record<Caller, LedgerClient>;
  let story: Record<string, SubmitResponse>;
  const written: Record<string, SubmitResponse> = {};
  let check: ResponseCheck;
  let complaintId = "";

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-read-access-"));
    const config = testConfig(dir);
    service = await startService(config, { env: { LEDGER_AGENCY_PASSPHRASE: "read access test" } });
    const base = `http://127.0.0.1:${service.address().port}`;
    const cast = clientsFor(service, base) as Record<ActorName, LedgerClient>;
    check = await ResponseCheck.install(base);
    story = await playStory(service, cast);
    await cast.ex.issueListingReport("P1");
    const con2 = new LedgerClient({ baseUrl: base, identity: { orgId: CON2.orgId, privateKey: CON2.privateKey } });
    clients = { ...(cast as unknown as Record<Caller, LedgerClient>), con2 };
    const { privateKey: _key, ...con2Body } = CON2;
    await cast.agency.submit("actor.register", con2Body as never);
    written.D2 = await cast.op.submit("lineage.hop", deliverBody("D2", { delivery: D2_DELIVERY }) as never);
    // A second grant, revoked, with a destruction certificate: G1's partner holds nothing of it.
    const now = await service.backend.now();
    await cast.agency.submit("grant.issue", {
      id: "G2",
      grantee: org("op"),
      scope: GRANT_SCOPE,
      scenarios: ["credit assessment"],
      validFrom: now,
      validUntil: addCalendarYears(now, 1),
      agreementHash: h("agreement-G2"),
    } as never);
    await cast.agency.submit("grant.revoke", { grantId: "G2", reason: "agreement terminated" } as never);
    written.C1 = await cast.op.submit("destruction.certify", certificateBody("C1", "raw-data", "G2") as never);
    const lodged = await cast.con.request<{ complaintId: string }>(
      "POST",
      "/v1/public/complaints",
      { subject: { kind: "product", id: "P1" }, text: "the delivered file held another customer's rows" },
      { public: true },
    );
    complaintId = lodged.complaintId;
    // A year's revenue within 10 %, guided at once (so nothing is overdue here).
    await cast.agency.submit("revenue.setMaximum", revenueMaximumBody("op") as never);
    await cast.op.submit("revenue.report", revenueReportBody(1_050_000) as never);
    await cast.agency.submit("revenue.guide", {
      operator: org("op"),
      year: 2026,
      guidance: "lower the per-call price of P1",
    } as never);
    await cast.con.submit("objection.file", {
      id: "O1",
      resourceId: "R1",
      version: 1,
      category: "accuracy",
      summary: "two companies' ratings are swapped",
      evidenceHash: h("objection-O1"),
    } as never);
  });
  after(async () => {
    check?.restore();
    await service?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const receipt = (label: string) => () => `/v1/receipts/${(story[label] ?? written[label])!.recordHash}`;
  const lineageChecks = (who: Caller, json: unknown) => {
    if (who === "con") expect(hopIds(json), "con's lineage").to.deep.equal(["D1"]);
    else if (who === "con2") expect(hopIds(json), "con2's lineage").to.deep.equal(["D2"]);
    else expect(hopIds(json), `${who}'s lineage`).to.deep.equal(["D1", "D2", "H1"]);
  };
  const exportText = (json: unknown) => JSON.stringify(json);
  const lineageExportChecks = (who: Caller, json: unknown) => {
    const text = exportText(json);
    const seesD1 = who !== "con2";
    const seesD2 = who !== "con";
    // Every format names each delivery's recipient and fingerprint root.
    for (const m of D1_MARKERS.slice(0, 2)) expect(text.includes(m), `${who} sees D1's ${m}`).to.equal(seesD1);
    for (const m of D2_MARKERS.slice(0, 2)) expect(text.includes(m), `${who} sees D2's ${m}`).to.equal(seesD2);
  };

  const CASES: readonly Case[] = [
    {
      label: "an organisation",
      route: "GET /v1/actors/:orgId",
      path: () => `/v1/actors/${org("op")}`,
      allowed: CALLERS,
    },
    {
      label: "the organisations (all to those who read everything, itself to any other)",
      route: "GET /v1/actors",
      path: () => "/v1/actors",
      allowed: CALLERS,
      check: (who, json) => {
        const ids = (json as { actors: { orgId: string }[] }).actors.map((a) => a.orgId);
        if (EVERYTHING.includes(who)) expect(ids.length, who).to.be.above(CALLERS.length - 1);
        else expect(ids, who).to.deep.equal([who === "con2" ? CON2.orgId : org(who as ActorName)]);
      },
    },
    {
      label: "the resource catalog",
      route: "GET /v1/resources",
      path: () => "/v1/resources",
      allowed: CALLERS,
      check: (who, json) => {
        const ids = (json as { resources: { id: string }[] }).resources.map((r) => r.id).sort();
        const expected = who === "su1" ? ["R1"] : who === "con" || who === "con2" ? [] : ["R1", "R2"];
        expect(ids, who).to.deep.equal(expected);
      },
    },
    {
      label: "a resource",
      route: "GET /v1/resources/:resourceId",
      path: () => "/v1/resources/R1",
      allowed: [...G1, "op2", "su1"],
    },
    {
      label: "the grant list",
      route: "GET /v1/grants",
      path: () => "/v1/grants",
      allowed: CALLERS,
      check: (who, json) => {
        const ids = (json as { grants: { id: string }[] }).grants.map((g) => g.id).sort();
        const expected = EVERYTHING.includes(who) || who === "op" ? ["G1", "G2"] : who === "pa" ? ["G1"] : [];
        expect(ids, who).to.deep.equal(expected);
      },
    },
    { label: "a grant", route: "GET /v1/grants/:grantId", path: () => "/v1/grants/G1", allowed: G1 },
    {
      label: "a partner admission",
      route: "GET /v1/partners/:admissionId",
      path: () => "/v1/partners/A1",
      allowed: G1,
    },
    {
      label: "a product",
      route: "GET /v1/products/:productId",
      path: () => "/v1/products/P1",
      allowed: [...G1, "con", "con2"],
      check: (who, json) => {
        const doc = json as { created: Record<string, unknown>; changes: unknown[] };
        if (who === "con" || who === "con2") {
          // The public facts only: no grant, no sources, no personal-information flags.
          expect(Object.keys(doc.created).sort(), who).to.deep.equal([
            "charge",
            "chargeUnit",
            "domain",
            "id",
            "name",
            "operator",
            "priceFen",
            "scenario",
            "serviceForm",
            "status",
          ]);
          expect(doc.changes).to.deep.equal([]);
        } else expect(doc.created.grantId, who).to.equal("G1");
      },
    },
    { label: "a lineage hop", route: "GET /v1/hops/:hopId", path: () => "/v1/hops/H1", allowed: G1 },
    { label: "a delivery to con", route: "GET /v1/hops/:hopId", path: () => "/v1/hops/D1", allowed: [...G1, "con"] },
    { label: "a delivery to con2", route: "GET /v1/hops/:hopId", path: () => "/v1/hops/D2", allowed: [...G1, "con2"] },
    {
      label: "a destruction certificate",
      route: "GET /v1/certificates/:certificateId",
      path: () => "/v1/certificates/C1",
      allowed: [...EVERYTHING, "op"],
    },
    {
      label: "a blacklist entry (none; asked about op2)",
      route: "GET /v1/blacklist/:orgId",
      path: () => `/v1/blacklist/${org("op2")}`,
      allowed: [...EVERYTHING, "op2"],
      status: 404,
    },
    {
      label: "the blacklist (empty)",
      route: "GET /v1/blacklist",
      path: () => "/v1/blacklist",
      allowed: EVERYTHING,
      check: (who, json) => expect((json as { entries: unknown[] }).entries, who).to.deep.equal([]),
    },
    {
      // They bound every industry product's price, so every signed caller reads them.
      label: "the price caps in force",
      route: "GET /v1/price-caps",
      path: () => "/v1/price-caps",
      allowed: CALLERS,
      check: (who, json) =>
        expect(
          (json as { caps: { id: string }[] }).caps.map((cap) => cap.id),
          who,
        ).to.include("finance/per-call"),
    },
    ...(["json", "prov", "openlineage"] as const).map((format): Case => ({
      label: `the lineage as ${format}`,
      route: "GET /v1/products/:productId/lineage",
      path: () => `/v1/products/P1/lineage?format=${format}`,
      allowed: [...G1, "con", "con2"],
      check: (who, json) => {
        if (format === "json") lineageChecks(who, json);
        lineageExportChecks(who, json);
      },
    })),
    {
      label: "a grant's history",
      route: "GET /v1/records/:kind/:id/history",
      path: () => "/v1/records/grant/G1/history",
      allowed: G1,
    },
    {
      label: "a product's history",
      route: "GET /v1/records/:kind/:id/history",
      path: () => "/v1/records/product/P1/history",
      allowed: G1,
    },
    {
      label: "con's delivery's history",
      route: "GET /v1/records/:kind/:id/history",
      path: () => "/v1/records/hop/D1/history",
      allowed: [...G1, "con"],
    },
    {
      label: "con2's delivery's history",
      route: "GET /v1/records/:kind/:id/history",
      path: () => "/v1/records/hop/D2/history",
      allowed: [...G1, "con2"],
    },
    {
      label: "the receipt of con's delivery",
      route: "GET /v1/receipts/:recordHash",
      path: receipt("delivery:D1"),
      allowed: [...G1, "con"],
    },
    {
      label: "the receipt of con2's delivery",
      route: "GET /v1/receipts/:recordHash",
      path: receipt("D2"),
      allowed: [...G1, "con2"],
    },
    {
      label: "the receipt of the product's registration",
      route: "GET /v1/receipts/:recordHash",
      path: receipt("product"),
      allowed: G1,
    },
    {
      label: "the receipt of the grant's issue",
      route: "GET /v1/receipts/:recordHash",
      path: receipt("grant"),
      allowed: G1,
    },
    {
      label: "an operator's product and service list duty (public facts: every caller)",
      route: "GET /v1/operators/:operator/service-lists",
      path: () => `/v1/operators/${org("op")}/service-lists`,
      allowed: CALLERS,
      check: (_who, json) => expect((json as { view: { operator: string } }).view.operator).to.equal(org("op")),
    },
    {
      label: "an operator's permitted revenue, every year (the operator and those who read everything)",
      route: "GET /v1/operators/:operator/revenue",
      path: () => `/v1/operators/${org("op")}/revenue`,
      allowed: [...EVERYTHING, "op"],
      check: (_who, json) =>
        expect((json as { years: { view: { year: number } }[] }).years.map((y) => y.view.year)).to.deep.equal([2026]),
    },
    {
      label: "an operator's permitted revenue for a year",
      route: "GET /v1/operators/:operator/revenue/:year",
      path: () => `/v1/operators/${org("op")}/revenue/2026`,
      allowed: [...EVERYTHING, "op"],
      check: (_who, json) => expect((json as { view: { guidance: string } }).view.guidance).to.equal("guided"),
    },
    {
      label: "overdue duties (each caller sees the items naming it; none are overdue here)",
      route: "GET /v1/overdue",
      path: () => "/v1/overdue",
      allowed: CALLERS,
      check: (_who, json) => expect((json as { items: unknown[] }).items).to.deep.equal([]),
    },
    {
      label: "the complaints (supervisors and the agency)",
      route: "GET /v1/complaints",
      path: () => "/v1/complaints",
      allowed: ["agency", "sup"],
      check: (_who, json) =>
        expect((json as { complaints: { id: string }[] }).complaints.map((k) => k.id)).to.deep.equal([complaintId]),
    },
    {
      label: "a complaint's record (its commitment, never its content)",
      route: "GET /v1/complaints/:complaintId",
      path: () => `/v1/complaints/${complaintId}`,
      allowed: EVERYTHING,
    },
    {
      label: "a complaint's sealed content (the supervisors)",
      route: "GET /v1/complaints/:complaintId/sealed",
      path: () => `/v1/complaints/${complaintId}/sealed`,
      allowed: ["sup"],
    },
    {
      label: "the data-quality objections (each caller: its own filings, those against what it supplies)",
      route: "GET /v1/objections",
      path: () => "/v1/objections",
      allowed: CALLERS,
      check: (who, json) =>
        expect(
          (json as { objections: { id: string }[] }).objections.map((o) => o.id),
          who,
        ).to.deep.equal([...EVERYTHING, "con", "su1"].includes(who) ? ["O1"] : []),
    },
    {
      label: "a data-quality objection (its filer and the resource's source units)",
      route: "GET /v1/objections/:objectionId",
      path: () => "/v1/objections/O1",
      allowed: [...EVERYTHING, "con", "su1"],
    },
    {
      label: "the risk alerts (the agency and supervisors; none are due here)",
      route: "GET /v1/alerts",
      path: () => "/v1/alerts",
      allowed: ["agency", "sup"],
      check: (_who, json) => expect((json as { alerts: unknown[] }).alerts).to.deep.equal([]),
    },
    {
      label: "the chain's time and clock (what every rule is dated with: no one's data)",
      route: "GET /v1/clock",
      path: () => "/v1/clock",
      allowed: CALLERS,
      check: (_who, json) => expect((json as { mode: string }).mode).to.equal("wall"),
    },
    {
      label: "the listing verification report",
      route: "GET /v1/products/:productId/verification-report",
      path: () => "/v1/products/P1/verification-report",
      allowed: G1,
    },
    {
      label: "the exchange's listing queue",
      route: "GET /v1/exchange/queue",
      path: () => "/v1/exchange/queue",
      allowed: EVERYTHING,
      check: (_who, json) =>
        expect((json as { products: { productId: string }[] }).products.map((p) => p.productId)).to.deep.equal(["P1"]),
    },
    {
      label: "the grant audit",
      route: "GET /v1/grants/:grantId/audit",
      path: () => "/v1/grants/G1/audit",
      allowed: G1,
    },
    {
      label: "a delivery's fingerprint intake",
      route: "GET /v1/trace/deliveries/:deliveryId",
      path: () => "/v1/trace/deliveries/D1",
      allowed: ["agency", "sup", "op"],
    },
    {
      label: "issuing the listing verification report (its hash recorded on chain)",
      route: "POST /v1/products/:productId/verification-report",
      method: "POST",
      path: () => "/v1/products/P1/verification-report",
      allowed: ["agency", "ex"],
      status: 201,
    },
    {
      label: "trace keys for a new delivery",
      route: "POST /v1/trace/keys",
      method: "POST",
      path: () => "/v1/trace/keys",
      body: { deliveryId: "D9" },
      allowed: ["op", "op2", "pa"],
    },
    {
      label: "tracing a leaked file",
      route: "POST /v1/trace",
      method: "POST",
      path: () => "/v1/trace",
      body: { records: "a,b\n" + Array.from({ length: 50 }, (_, i) => `${i},2\n`).join("") },
      allowed: ["agency", "sup"],
      check: (_who, json) => expect((json as { verdict: string }).verdict).to.equal("no match"),
    },
  ];
  /** Signed routes that only write (or deposit what the caller itself registered). */
  const NOT_READS = new Set([
    // Moves the manual clock (the agency only): test/service/manual-clock.test.ts.
    "POST /v1/clock",
    // Anchors the log now (the agency and the exchange): test/service/anchor-on-request.test.ts.
    "POST /v1/anchors",
    "POST /v1/trace/deliveries/:deliveryId",
    // Raises the risk alerts due now (the agency and supervisors): test/service/alerts.test.ts.
    "POST /v1/alerts/scan",
    "POST /v1/trace/deliveries/:deliveryId/fingerprints",
  ]);

  it("has a row for every signed read route the service documents", async () => {
    const doc = await clients.agency.getPublic<{ paths: Record<string, Record<string, { security?: unknown[] }>> }>(
      "/openapi.json",
    );
    const signedReads: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(methods)) {
        const route = `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ":$1")}`;
        const write = "requestBody" in op && /"record"/.test(JSON.stringify(op.requestBody ?? ""));
        const signed = op.security === undefined || op.security.length > 0;
        if (signed && (method === "get" || (method === "post" && !write))) signedReads.push(route);
      }
    const covered = new Set(CASES.map((c) => c.route));
    const missing = signedReads.filter((r) => !covered.has(r) && !NOT_READS.has(r));
    expect(missing, "signed read routes without a row").to.deep.equal([]);
  });

  for (const c of CASES) {
    describe(c.label, () => {
      for (const who of CALLERS) {
        const allowed = c.allowed.includes(who);
        const expected = allowed ? (c.status ?? 200) : (c.otherwise ?? 403);
        it(`${who}: ${expected}`, async () => {
          const res = await clients[who].raw(c.method ?? "GET", c.path(), c.body);
          expect(res.status, JSON.stringify(res.json).slice(0, 300)).to.equal(expected);
          if (!allowed) {
            expect((res.json as { error: { code: string } }).error.code).to.equal("FORBIDDEN");
            return;
          }
          if (expected === 200) c.check?.(who, res.json);
          // A recipient never learns of the other recipient's delivery or of the grant's terms.
          if (who === "con" || who === "con2") {
            const text = JSON.stringify(res.json);
            const receiptData = (res.json as { entry?: { data?: string } }).entry?.data;
            const all = text + (receiptData ? Buffer.from(receiptData, "base64").toString("utf8") : "");
            for (const marker of [...(who === "con" ? D2_MARKERS : D1_MARKERS), ...GRANT_MARKERS])
              expect(all.includes(marker), `${who} learns ${marker}`).to.equal(false);
          }
        });
      }
    });
  }

  // After the cases above (a describe's own tests run before its nested suites).
  describe("the answers", () => {
    it("answered every request as /openapi.json documents it, and every signed read route 200 at least once", () => {
      expect(check.failures, "answers that do not match the document").to.deep.equal([]);
      // Rows whose allowed callers get 200 (the blacklist row reads an absent entry; the write suite reads a present one).
      const reads = new Set(
        CASES.filter((c) => (c.status ?? 200) === 200).map((c) => c.route.replace(/:([A-Za-z]+)/g, "{$1}")),
      );
      expect(
        [...reads].filter((op) => !check.answered.get(op)?.has(200)).sort(),
        "read routes never answered 200",
      ).to.deep.equal([]);
    });
  });
});
