import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ResponseCheck } from "./openapi-check.ts";
import { schemaHashOf } from "../../core/records/resource.ts";
import { OPERATIONS, type OperationName } from "../../core/operations.ts";
import type { Role } from "../../core/records/common.ts";
import type { ResourceField } from "../../core/records/resource.ts";
import { addCalendarMonths, addCalendarYears } from "../../core/time.ts";
import { WRITE_ROUTES, type WriteRoute } from "../../ledger-service/src/http/routes/write-routes.ts";
import { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import {
  GRANT_SCOPE,
  R1_FIELDS,
  certificateBody,
  deliverBody,
  h,
  hopBody,
  productBody,
  resourceBody,
  revenueMaximumBody,
  revenueReportBody,
  serviceListBody,
} from "../../scripts/scenarios/fixtures.ts";
import { CAST, MEMBERS, actorBody, org, type ActorName } from "../../scripts/scenarios/world.ts";
import { advanceWallClock, clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { testConfig } from "./test-config.ts";

interface ErrorBody {
  error: { code: string; message: string };
}
const codeOf = (json: unknown) => (json as ErrorBody | undefined)?.error?.code;

type Who = ActorName;
type Body = Record<string, unknown>;

interface Accepted {
  recordHash: string;
  op: string;
  kind: string;
  id: string;
  leafIndex: number;
  tx: { txId: string; blockNumber: number; blockTime: number };
  receipt: { state: string; entry: { index: number; recordHash?: string } };
}
interface HistoryEntry {
  op: string;
  actor: string;
  recordHash: string;
  blockTime: number;
  body: Body;
}

/** The rulebook's role table (docs/RULEBOOK.md, "Every operation starts with", step 6). */
const AUTHOR_ROLES: Partial<Record<OperationName, readonly Role[]>> = {
  "actor.register": ["agency"],
  "resource.register": ["agency"],
  "resource.version": ["agency"],
  "resource.withdraw": ["agency"],
  "grant.issue": ["agency"],
  "grant.suspend": ["agency"],
  "grant.resume": ["agency"],
  "grant.revoke": ["agency"],
  "grant.exit": ["agency"],
  "grant.close": ["agency"],
  "partner.approve": ["agency"],
  "cap.set": ["agency"],
  "blacklist.add": ["agency"],
  "evaluation.record": ["agency"],
  "resource.review": ["source-unit"],
  "grant.exitNotice": ["operator"],
  "partner.propose": ["operator"],
  "product.register": ["operator"],
  "product.reprice": ["operator"],
  "serviceList.publish": ["operator"],
  "revenue.setMaximum": ["agency"],
  "revenue.report": ["operator"],
  "revenue.guide": ["agency"],
  "partner.revoke": ["agency", "operator"],
  "product.list": ["exchange"],
  "product.delist": ["exchange"],
  "lineage.hop": ["operator", "partner"],
  "destruction.certify": ["operator", "partner"],
  "complaint.handle": ["supervisor"],
  "objection.file": ["operator", "partner", "consumer"],
  "objection.answer": ["source-unit"],
};
/** One member of the cast per role, to sign the wrong-role attempts. */
const OF_ROLE: Record<Role, Who> = {
  agency: "agency",
  "source-unit": "su1",
  operator: "op",
  partner: "pa",
  exchange: "ex",
  supervisor: "sup",
  consumer: "con",
};
/** The rulebook's code for a role that may not perform `op` (step 6 and its exception). */
const wrongRoleCode = (op: OperationName, role: Role) =>
  op === "grant.issue" && (role === "operator" || role === "partner") ? "REGRANT_FORBIDDEN" : "NOT_AUTHORIZED";
/** Record kinds the history endpoint serves (reviews and exit notices have none of their own). */
const HISTORY_KINDS = new Set([
  "actor",
  "resource",
  "grant",
  "partner",
  "price-cap",
  "product",
  "hop",
  "certificate",
  "blacklist",
  "evaluation",
  "complaint",
  "objection",
  "service-list",
  "revenue",
]);

/**
 * Every write endpoint of the rulebook, each through its own method and path (not the generic
 * POST /v1/records), on the real service over HTTP on the embedded chain: a grant's whole life
 * (resources versioned and withdrawn, caps, prices, listing and delisting, hops and deliveries,
 * suspension, evaluation, partners proposed, approved and revoked, a violation exit that
 * blacklists, a revocation, a voluntary exit after 3 months' notice, destruction by every holder
 * of every asset class, closures, a blacklisting). Before each accepted write the same body is
 * refused, writing nothing (the log and the record's history unchanged): signed by one member of
 * every role the rulebook does not allow (NOT_AUTHORIZED, or REGRANT_FORBIDDEN), as a record of
 * another operation, under a path naming another record for each path parameter, and (hops and
 * deliveries) at the other of the two lineage endpoints. Each accepted write is read back: its
 * receipt, its history, and its state through the read endpoints.
 */
describe("ledger service API: every write endpoint through its own route", function () {
  this.timeout(240_000);
  let dir: string;
  let service: RunningService;
  let c: Record<Who, LedgerClient>;
  let check: ResponseCheck;
  let restoreClock: (() => void) | undefined;
  const exercised = new Set<string>();
  const base = () => `http://127.0.0.1:${service.address().port}`;
  const routeKey = (r: WriteRoute) => `${r.method.toUpperCase()} ${r.path}`;

  function routeOf(op: OperationName, body: Body, deliver?: boolean): WriteRoute {
    const wantDeliver = deliver ?? (op === "lineage.hop" ? body.operation === "deliver" : undefined);
    const route = WRITE_ROUTES.find(
      (r) => r.op === op && (wantDeliver === undefined || Boolean(r.deliver) === wantDeliver),
    );
    if (!route) throw new Error(`no route for ${op}`);
    return route;
  }
  function pathOf(route: WriteRoute, body: Body, mismatch?: string): string {
    return route.path.replace(/:([A-Za-z]+)/g, (_, param: string) => {
      const value = String(body[route.bind![param]!]);
      return encodeURIComponent(param === mismatch ? `${value}-other` : value);
    });
  }
  /** Where the history endpoint keeps the record an operation touches, if it serves that kind. */
  function locate(op: OperationName, body: Body): { kind: string; id: string } | undefined {
    const spec = OPERATIONS[op];
    const id = (spec.recordId as (b: unknown) => string)(body);
    return HISTORY_KINDS.has(spec.kind) ? { kind: spec.kind, id } : undefined;
  }
  async function historyOf(kind: string, id: string): Promise<HistoryEntry[]> {
    const res = await c.sup.raw("GET", `/v1/records/${kind}/${encodeURIComponent(id)}/history`);
    if (res.status === 404) return [];
    expect(res.status, `history of ${kind} ${id}: ${JSON.stringify(res.json)}`).to.equal(200);
    return (res.json as { history: HistoryEntry[] }).history;
  }
  const hashes = (entries: HistoryEntry[]) => entries.map((e) => e.recordHash);

  /** The refusals first (nothing written), then the accepted write through the route, read back. */
  async function write(who: Who, op: OperationName, body: Body): Promise<Accepted> {
    const route = routeOf(op, body);
    const method = route.method.toUpperCase();
    const path = pathOf(route, body);
    const where = locate(op, body);
    const size = service.log.size;
    const before = where ? await historyOf(where.kind, where.id) : [];

    // Every role the rulebook does not allow to author this operation.
    const allowed = AUTHOR_ROLES[op];
    expect(allowed, `the rulebook's roles for ${op}`).to.not.equal(undefined);
    for (const role of Object.keys(OF_ROLE) as Role[]) {
      if (allowed!.includes(role)) continue;
      const author = OF_ROLE[role];
      expect(CAST[author]).to.equal(role);
      const res = await c[author].raw(method, path, c[author].sign(op, body as never));
      expect(codeOf(res.json), `${op} by role ${role}: ${JSON.stringify(res.json)}`).to.equal(wrongRoleCode(op, role));
      expect(res.status).to.equal(403);
    }
    // A record of another operation.
    const foreign =
      op === "resource.review"
        ? (["resource.withdraw", { resourceId: "R-none", reason: "not this route" }] as const)
        : ([
            "resource.review",
            { resourceId: "R-none", schemaHash: h("none"), decision: "rejected", reportHash: h("none") },
          ] as const);
    const wrongOp = await c[who].raw(method, path, c[who].sign(foreign[0], foreign[1] as never));
    expect(wrongOp.status, `${foreign[0]} at ${method} ${route.path}`).to.equal(400);
    expect(codeOf(wrongOp.json)).to.equal("MALFORMED_REQUEST");
    // A path naming another record than the signed body, one parameter at a time.
    for (const param of Object.keys(route.bind ?? {})) {
      const mismatched = await c[who].raw(method, pathOf(route, body, param), c[who].sign(op, body as never));
      expect(mismatched.status, `${op} with :${param} ≠ body`).to.equal(400);
      expect(codeOf(mismatched.json)).to.equal("MALFORMED_REQUEST");
    }
    // A delivery at the hops endpoint, or a plain hop at the deliveries endpoint.
    if (route.deliver !== undefined) {
      const other = routeOf(op, body, !route.deliver);
      const misplaced = await c[who].raw(other.method.toUpperCase(), other.path, c[who].sign(op, body as never));
      expect(misplaced.status, `${op} at ${other.path}`).to.equal(400);
      expect(codeOf(misplaced.json)).to.equal("MALFORMED_REQUEST");
    }
    expect(service.log.size, `${op}: refusals write nothing to the log`).to.equal(size);
    if (where)
      expect(
        hashes(await historyOf(where.kind, where.id)),
        `${op}: refusals leave the history unchanged`,
      ).to.deep.equal(hashes(before));

    const res = await c[who].raw(method, path, c[who].sign(op, body as never));
    expect(res.status, `${op} ${JSON.stringify(res.json)}`).to.equal(201);
    const accepted = res.json as Accepted;
    expect(accepted.op).to.equal(op);
    expect(accepted.recordHash).to.match(/^[0-9a-f]{64}$/);
    expect(accepted.kind).to.equal(OPERATIONS[op].kind);
    expect(accepted.receipt.state).to.be.oneOf(["pending", "checkpointed", "anchored"]);
    expect(accepted.receipt.entry).to.include({ index: accepted.leafIndex, recordHash: accepted.recordHash });
    expect(service.log.size).to.equal(size + 1);
    const receipt = await c[who].get<Accepted["receipt"]>(`/v1/receipts/${accepted.recordHash}`);
    expect(receipt.entry).to.include({ index: accepted.leafIndex, recordHash: accepted.recordHash });
    if (where) {
      expect(accepted.id).to.equal(where.id);
      const after = await historyOf(where.kind, where.id);
      expect(hashes(after)).to.deep.equal([...hashes(before), accepted.recordHash]);
      expect(after.at(-1)).to.deep.include({ op, actor: c[who].identity!.orgId, body });
    }
    exercised.add(routeKey(route));
    return accepted;
  }
  /** A write the rules refuse through its route, with the rulebook code, writing nothing. */
  async function refused(who: Who, op: OperationName, body: Body, code: string) {
    const route = routeOf(op, body);
    const where = locate(op, body);
    const size = service.log.size;
    const before = where ? hashes(await historyOf(where.kind, where.id)) : [];
    const res = await c[who].raw(route.method.toUpperCase(), pathOf(route, body), c[who].sign(op, body as never));
    expect(codeOf(res.json), `${op}: ${JSON.stringify(res.json)}`).to.equal(code);
    expect(res.status).to.be.within(400, 499);
    expect(service.log.size).to.equal(size);
    if (where) expect(hashes(await historyOf(where.kind, where.id))).to.deep.equal(before);
  }
  const view = async <T>(path: string) => (await c.sup.get<{ view: T }>(path)).view;
  const lastBody = async <T>(kind: string, id: string) => (await historyOf(kind, id)).at(-1)!.body as T;
  const chainNow = () => service.backend.now();

  /** Every holder certifies every asset class; the grant cannot close before the last one. */
  async function destroyAll(grantId: string, holders: readonly Who[]) {
    const certs = holders.flatMap((holder) =>
      (["raw-data", "derived-models", "traded-products"] as const).map((assetClass) => ({ holder, assetClass })),
    );
    for (const [i, { holder, assetClass }] of certs.entries()) {
      if (i === certs.length - 1) await refused("agency", "grant.close", { grantId }, "DESTRUCTION_INCOMPLETE");
      const id = `C-${grantId}-${holder}-${assetClass}`;
      await write(holder, "destruction.certify", certificateBody(id, assetClass, grantId));
      expect(
        await view<{ grantId: string; holder: string; assetClass: string; late: boolean }>(`/v1/certificates/${id}`),
      ).to.deep.include({ grantId, holder: org(holder), assetClass, late: false });
    }
    await refused(
      holders[0]!,
      "destruction.certify",
      certificateBody(`C-${grantId}-again`, "raw-data", grantId),
      "DUPLICATE_ID",
    );
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-endpoints-"));
    const config = testConfig(dir);
    service = await startService(config, { env: { LEDGER_AGENCY_PASSPHRASE: "endpoints test" } });
    c = clientsFor(service, base());
    c.pa2 = new LedgerClient({
      baseUrl: base(),
      identity: { orgId: org("pa2"), privateKey: MEMBERS.pa2.sm2PrivateKey },
    });
    check = await ResponseCheck.install(base());
    await playStory(service, c);
  });
  after(async () => {
    check?.restore();
    restoreClock?.();
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("registers an organisation (POST /v1/actors)", async () => {
    await write("agency", "actor.register", actorBody("pa2"));
    expect(await view<{ role: string }>(`/v1/actors/${org("pa2")}`)).to.deep.include({ role: "partner" });
    await refused("agency", "actor.register", actorBody("pa2"), "DUPLICATE_ID");
  });

  it("reviews, registers, versions and withdraws a resource", async () => {
    const v2: ResourceField[] = [...R1_FIELDS, { name: "d", type: "string", personalInfo: false }];
    const version2 = {
      resourceId: "R3",
      version: 2,
      fields: v2,
      grade: 1,
      gradeReason: "public",
      schemaHash: schemaHashOf(v2),
      note: "adds d",
    };
    await refused(
      "agency",
      "resource.register",
      resourceBody("R3", R1_FIELDS, 1, ["su1"], { holder: service.agencyOrgId }),
      "SOURCE_REVIEW_MISSING",
    );
    await write("su1", "resource.review", {
      resourceId: "R3",
      schemaHash: schemaHashOf(R1_FIELDS),
      decision: "approved",
      reportHash: h("review-R3"),
    });
    await write(
      "agency",
      "resource.register",
      resourceBody("R3", R1_FIELDS, 1, ["su1"], { holder: service.agencyOrgId }),
    );
    expect(await view<{ status: string; version: number }>("/v1/resources/R3")).to.deep.include({
      status: "active",
      version: 1,
    });
    await refused("agency", "resource.version", version2, "SOURCE_REVIEW_MISSING");
    await write("su1", "resource.review", {
      resourceId: "R3",
      schemaHash: schemaHashOf(v2),
      decision: "approved",
      reportHash: h("review-R3-v2"),
    });
    await write("agency", "resource.version", version2);
    expect(await view<{ version: number; fieldCount: number }>("/v1/resources/R3")).to.deep.include({
      version: 2,
      fieldCount: 4,
    });
    await write("agency", "resource.withdraw", { resourceId: "R3", reason: "superseded" });
    expect(await view<{ status: string }>("/v1/resources/R3")).to.deep.include({ status: "withdrawn" });
    await refused("agency", "resource.withdraw", { resourceId: "R3", reason: "again" }, "RESOURCE_NOT_ACTIVE");
  });

  it("sets a price cap (PUT /v1/price-caps/:domain/:chargeUnit)", async () => {
    await write("agency", "cap.set", { domain: "finance", chargeUnit: "per-call", maxPriceFen: 2000 });
    expect(await lastBody<{ maxPriceFen: number }>("price-cap", "finance/per-call")).to.deep.include({
      maxPriceFen: 2000,
    });
  });

  it("registers a product under the cap (POST /v1/products), refusing one above it", async () => {
    await refused(
      "op",
      "product.register",
      productBody({ id: "P2", pricing: { model: "industry", chargeUnit: "per-call", priceFen: 2001 } }),
      "PRICE_ABOVE_CAP",
    );
    await write(
      "op",
      "product.register",
      productBody({ id: "P2", pricing: { model: "industry", chargeUnit: "per-call", priceFen: 2000 } }),
    );
    expect(await view<{ status: string; operator: string; priceFen: number }>("/v1/products/P2")).to.deep.include({
      status: "registered",
      operator: org("op"),
      priceFen: 2000,
    });
  });

  it("reprices a product under the cap (PUT /v1/products/:productId/price)", async () => {
    const pricing = { ...productBody().pricing, priceFen: 2000 };
    await refused(
      "op",
      "product.reprice",
      { productId: "P1", pricing: { ...pricing, priceFen: 2001 } },
      "PRICE_ABOVE_CAP",
    );
    await refused("op2", "product.reprice", { productId: "P1", pricing }, "NOT_AUTHORIZED");
    await write("op", "product.reprice", { productId: "P1", pricing });
    expect(await view<{ priceFen: number }>("/v1/products/P1")).to.deep.include({ priceFen: 2000 });
  });

  it("publishes the operator's product and service list (POST /v1/operators/:operator/service-lists)", async () => {
    const fee = { charge: "charged", chargeUnit: "per-call", priceFen: 2000 };
    const list = serviceListBody("op", [
      { productId: "P1", fee },
      { productId: "P2", fee },
    ]);
    await refused(
      "op",
      "serviceList.publish",
      serviceListBody("op", [{ productId: "P1", fee: { ...fee, priceFen: 500 } }]),
      "SERVICE_LIST_FEE_MISMATCH",
    );
    const accepted = await write("op", "serviceList.publish", list);
    expect(
      await view<{ publishedAt: number; entryCount: number }>(`/v1/operators/${org("op")}/service-lists`),
    ).to.deep.include({
      publishedAt: accepted.tx.blockTime,
      entryCount: 2,
      publications: 1,
    });
  });

  it("sets a year's maximum permitted revenue, files the revenue and records guidance (POST /v1/operators/:operator/revenue/…)", async () => {
    const year = `/v1/operators/${org("op")}/revenue/2026`;
    await refused("op", "revenue.report", revenueReportBody(1_050_000), "REVENUE_MAXIMUM_MISSING");
    await refused(
      "agency",
      "revenue.guide",
      { operator: org("op"), year: 2026, guidance: "g" },
      "REVENUE_NOT_REPORTED",
    );
    await write("agency", "revenue.setMaximum", revenueMaximumBody("op"));
    const reported = await write("op", "revenue.report", revenueReportBody(1_050_000));
    expect(await view(year)).to.deep.include({
      maximumFen: 1_000_000,
      reportedAt: reported.tx.blockTime,
      deviationBp: 500,
      band: "guidance",
      guidance: "open",
    });
    await refused("op", "revenue.report", revenueReportBody(1_000_000), "REVENUE_ALREADY_REPORTED");
    const guided = await write("agency", "revenue.guide", {
      operator: org("op"),
      year: 2026,
      guidance: "lower the per-call price of P1",
    });
    expect(await view(year)).to.deep.include({ guidance: "guided", guidanceClosedAt: guided.tx.blockTime });
    const { years } = await c.op.get<{ years: { view: { year: number } }[] }>(`/v1/operators/${org("op")}/revenue`);
    expect(years.map((y) => y.view.year)).to.deep.equal([2026]);
  });

  it("lists and then delists a product (exchange)", async () => {
    await service.anchorNow();
    const issued = await c.ex.issueListingReport("P1");
    expect(issued.report.verdict, JSON.stringify(issued.report.checks)).to.equal("pass");
    await write("ex", "product.list", { productId: "P1", reportHash: issued.reportHash });
    expect(await view<{ status: string }>("/v1/products/P1")).to.deep.include({ status: "listed" });
    await refused("ex", "product.list", { productId: "P1", reportHash: issued.reportHash }, "PRODUCT_STATUS_INVALID");
    await write("ex", "product.delist", { productId: "P1", reason: "seller request" });
    expect(await view<{ status: string }>("/v1/products/P1")).to.deep.include({ status: "delisted" });
    await refused("ex", "product.delist", { productId: "P1", reason: "again" }, "PRODUCT_STATUS_INVALID");
  });

  it("records a hop (POST /v1/hops) and a delivery (POST /v1/deliveries)", async () => {
    await write("op", "lineage.hop", hopBody("H2"));
    expect(await view<{ productId: string; outputHash: string }>("/v1/hops/H2")).to.deep.include({
      productId: "P1",
      outputHash: h("H2-out"),
    });
    await write(
      "op",
      "lineage.hop",
      deliverBody("D2", { inputs: [{ kind: "artifact", hopId: "H2", hash: h("H2-out") }] }),
    );
    expect(await view<{ productId: string; outputHash: string }>("/v1/hops/D2")).to.deep.include({
      productId: "P1",
      outputHash: h("D2-out"),
    });
    const lineage = await c.sup.get<{ nodes?: unknown[] }>("/v1/products/P1/lineage");
    expect(JSON.stringify(lineage)).to.include("D2");
  });

  it("suspends a grant, which stops hops, and resumes it", async () => {
    await write("agency", "grant.suspend", { grantId: "G1", reason: "inspection" });
    expect(await view<{ status: string }>("/v1/grants/G1")).to.deep.include({ status: "suspended" });
    await refused("op", "lineage.hop", hopBody("H4"), "GRANT_NOT_ACTIVE");
    await refused("agency", "grant.suspend", { grantId: "G1", reason: "again" }, "GRANT_STATUS_INVALID");
    await write("agency", "grant.resume", { grantId: "G1", reason: "inspection passed" });
    expect(await view<{ status: string }>("/v1/grants/G1")).to.deep.include({ status: "active" });
    await refused("agency", "grant.resume", { grantId: "G1", reason: "again" }, "GRANT_STATUS_INVALID");
  });

  it("records an annual evaluation, once per year", async () => {
    await write("agency", "evaluation.record", {
      grantId: "G1",
      year: 2026,
      grade: "qualified",
      reportHash: h("eval-2026"),
    });
    expect(await lastBody<{ grade: string }>("evaluation", "G1/2026")).to.deep.include({ grade: "qualified" });
    await refused(
      "agency",
      "evaluation.record",
      { grantId: "G1", year: 2026, grade: "excellent", reportHash: h("eval-2026b") },
      "DUPLICATE_ID",
    );
    expect(await view<{ status: string }>("/v1/grants/G1")).to.deep.include({ status: "active" });
  });

  it("proposes, approves and revokes a partner admission", async () => {
    const grant = await view<{ validUntil: number }>("/v1/grants/G1");
    const admission = {
      id: "A2",
      grantId: "G1",
      partner: org("pa2"),
      scope: [{ resourceId: "R1", fields: ["a"] }],
      products: [],
      validUntil: grant.validUntil,
      jointLiabilityHash: h("joint-liability-2"),
    };
    await refused(
      "op",
      "partner.propose",
      { ...admission, validUntil: grant.validUntil + 86_400 },
      "PARTNER_TERM_EXCEEDS_GRANT",
    );
    await write("op", "partner.propose", admission);
    expect(await view<{ status: string; partner: string }>("/v1/partners/A2")).to.deep.include({
      status: "proposed",
      partner: org("pa2"),
    });
    await write("agency", "partner.approve", { admissionId: "A2" });
    expect(await view<{ status: string }>("/v1/partners/A2")).to.deep.include({ status: "approved" });
    await refused("op2", "partner.revoke", { admissionId: "A2", reason: "not my grant" }, "NOT_AUTHORIZED");
    await write("op", "partner.revoke", { admissionId: "A2", reason: "contract ended" });
    expect(await view<{ status: string }>("/v1/partners/A2")).to.deep.include({ status: "revoked" });
    await refused("agency", "partner.approve", { admissionId: "A2" }, "PARTNER_STATUS_INVALID");
  });

  it("issues a grant (POST /v1/grants) and ends it for a violation, which blacklists the grantee for 5 years; the grantee certifies destruction and the grant closes", async () => {
    const now = await chainNow();
    await write("agency", "grant.issue", {
      id: "G2",
      grantee: org("op2"),
      scope: GRANT_SCOPE,
      scenarios: ["traffic"],
      validFrom: now,
      validUntil: addCalendarYears(now, 1),
      agreementHash: h("agreement-2"),
    });
    expect(await view<{ status: string; grantee: string }>("/v1/grants/G2")).to.deep.include({
      status: "active",
      grantee: org("op2"),
    });
    await write("agency", "grant.exit", { grantId: "G2", kind: "violation", reason: "data resold outside scope" });
    const g2 = await view<{ status: string; exitKind: string; endedAt: number }>("/v1/grants/G2");
    expect(g2).to.deep.include({ status: "exiting", exitKind: "violation" });
    expect(g2.endedAt).to.be.at.least(now);
    const ban = await view<{ bannedUntil: number }>(`/v1/blacklist/${org("op2")}`);
    expect(ban.bannedUntil).to.be.at.least(addCalendarYears(now, 5));
    await refused(
      "agency",
      "grant.issue",
      {
        id: "G3x",
        grantee: org("op2"),
        scope: GRANT_SCOPE,
        scenarios: ["traffic"],
        validFrom: now,
        validUntil: addCalendarYears(now, 1),
        agreementHash: h("agreement-3x"),
      },
      "ORG_BLACKLISTED",
    );
    await destroyAll("G2", ["op2"]);
    await write("agency", "grant.close", { grantId: "G2" });
    expect(await view<{ status: string }>("/v1/grants/G2")).to.deep.include({ status: "closed" });
  });

  it("revokes a grant (POST /v1/grants/:grantId/revocation); only its holders certify destruction", async () => {
    const now = await chainNow();
    await write("agency", "grant.issue", {
      id: "G3",
      grantee: org("op"),
      scope: GRANT_SCOPE,
      scenarios: ["credit assessment"],
      validFrom: now,
      validUntil: addCalendarYears(now, 1),
      agreementHash: h("agreement-3"),
    });
    await refused("op", "destruction.certify", certificateBody("C-G3-early", "raw-data", "G3"), "GRANT_NOT_EXITING");
    await write("agency", "grant.revoke", { grantId: "G3", reason: "agreement terminated" });
    const g3 = await view<{ status: string; endedAt: number }>("/v1/grants/G3");
    expect(g3.status).to.equal("revoked");
    expect(g3.endedAt).to.be.at.least(now);
    await refused("agency", "grant.revoke", { grantId: "G3", reason: "again" }, "GRANT_STATUS_INVALID");
    await refused("pa", "destruction.certify", certificateBody("C-G3-pa", "raw-data", "G3"), "PARTNER_NOT_ADMITTED");
    await destroyAll("G3", ["op"]);
    await write("agency", "grant.close", { grantId: "G3" });
    expect(await view<{ status: string }>("/v1/grants/G3")).to.deep.include({ status: "closed" });
  });

  it("files an exit notice; a voluntary exit is refused before 3 months and accepted after; every holder certifies destruction; the grant closes", async () => {
    await refused("op2", "grant.exitNotice", { grantId: "G1", planHash: h("not-my-grant") }, "NOT_AUTHORIZED");
    await refused(
      "agency",
      "grant.exit",
      { grantId: "G1", kind: "voluntary", reason: "no notice yet" },
      "EXIT_NOTICE_MISSING",
    );
    await write("op", "grant.exitNotice", { grantId: "G1", planHash: h("exit-plan") });
    const noticeAt = (await view<{ exitNoticeAt: number }>("/v1/grants/G1")).exitNoticeAt;
    expect(noticeAt).to.be.greaterThan(0);
    await refused("op", "grant.exitNotice", { grantId: "G1", planHash: h("exit-plan-2") }, "DUPLICATE_ID");
    await refused(
      "agency",
      "grant.exit",
      { grantId: "G1", kind: "voluntary", reason: "operator leaves" },
      "EXIT_NOTICE_TOO_SHORT",
    );

    // Three calendar months later: the wall clock, hence the embedded chain's clock, moves on; a
    // hop mined at the new time carries the chain there (see advanceWallClock).
    const earliest = addCalendarMonths(noticeAt, 3);
    restoreClock = advanceWallClock(earliest - Math.floor(Date.now() / 1000) + 1);
    try {
      await write("op", "lineage.hop", hopBody("H5"));
      expect((await historyOf("hop", "H5"))[0]!.blockTime).to.be.at.least(earliest);
      expect(await chainNow()).to.be.at.least(earliest);
      await write("agency", "grant.exit", {
        grantId: "G1",
        kind: "voluntary",
        reason: "operator leaves after its notice",
      });
    } finally {
      restoreClock();
      restoreClock = undefined;
    }
    const g1 = await view<{ status: string; exitKind: string; endedAt: number }>("/v1/grants/G1");
    expect(g1).to.deep.include({ status: "exiting", exitKind: "voluntary" });
    expect(g1.endedAt).to.be.at.least(earliest);
    await refused("op", "lineage.hop", hopBody("H6"), "GRANT_NOT_ACTIVE");
    // The grantee, and every partner whose admission was ever approved (pa, and pa2 though revoked).
    await destroyAll("G1", ["op", "pa", "pa2"]);
    await write("agency", "grant.close", { grantId: "G1" });
    expect(await view<{ status: string }>("/v1/grants/G1")).to.deep.include({ status: "closed" });
    await refused("agency", "grant.close", { grantId: "G1" }, "GRANT_STATUS_INVALID");
  });

  it("blacklists an organisation for 5 years (POST /v1/blacklist)", async () => {
    const now = await chainNow();
    await write("agency", "blacklist.add", { orgId: org("con"), reason: "resold delivered data" });
    expect((await view<{ bannedUntil: number }>(`/v1/blacklist/${org("con")}`)).bannedUntil).to.be.at.least(
      addCalendarYears(now, 5),
    );
  });

  it("records a complaint's handling and outcome (POST /v1/complaints/:complaintId/handling)", async () => {
    const lodged = await c.con.raw(
      "POST",
      "/v1/public/complaints",
      { subject: { kind: "product", id: "P1" }, text: "the price charged was not the listed one" },
      { public: true },
    );
    expect(lodged.status, JSON.stringify(lodged.json)).to.equal(200);
    const complaintId = (lodged.json as { complaintId: string }).complaintId;
    await write("sup", "complaint.handle", { complaintId, stage: "handling", reportHash: h("taken up") });
    const outcome = { complaintId, stage: "concluded", outcome: "not-upheld", reportHash: h("decided") };
    await write("sup", "complaint.handle", outcome);
    expect(await view<{ status: string; outcome: string }>(`/v1/complaints/${complaintId}`)).to.deep.include({
      status: "concluded",
      outcome: "not-upheld",
    });
    await refused("sup", "complaint.handle", { ...outcome, outcome: "upheld" }, "CASE_CLOSED");
  });

  it("files a data-quality objection and answers it (POST /v1/resources/:resourceId/objections, /v1/objections/:objectionId/answer)", async () => {
    const objection = {
      id: "O1",
      resourceId: "R1",
      version: 1,
      category: "completeness",
      summary: "field c is empty for a third of the companies",
      evidenceHash: h("objection evidence"),
    };
    await refused("con", "objection.file", { ...objection, version: 7 }, "NOT_FOUND");
    await write("con", "objection.file", objection);
    await refused(
      "su2",
      "objection.answer",
      { objectionId: "O1", decision: "corrected", answerHash: h("a") },
      "NOT_AUTHORIZED",
    );
    await write("su1", "objection.answer", { objectionId: "O1", decision: "corrected", answerHash: h("answer") });
    expect(await view<{ status: string; decision: string }>("/v1/objections/O1")).to.deep.include({
      status: "answered",
      decision: "corrected",
    });
    await refused(
      "su1",
      "objection.answer",
      { objectionId: "O1", decision: "rejected", answerHash: h("b") },
      "CASE_CLOSED",
    );
  });

  it("has exercised every write route", () => {
    expect([...exercised].sort()).to.deep.equal(WRITE_ROUTES.map(routeKey).sort());
  });

  it("answered every request as /openapi.json documents it, and every write route 201 at least once", () => {
    expect(check.failures, "answers that do not match the document").to.deep.equal([]);
    const writes = check.operations(
      (op, spec) => op !== "POST /v1/records" && /"record"/.test(JSON.stringify(spec.requestBody ?? "")),
    );
    expect(
      writes.filter((op) => !check.answered.get(op)?.has(201)).sort(),
      "write routes never answered 201",
    ).to.deep.equal([]);
  });
});
