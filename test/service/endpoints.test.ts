import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { schemaHashOf } from "../../core/catalog/index.ts";
import type { OperationName } from "../../core/operations.ts";
import type { ResourceField } from "../../core/records/resource.ts";
import { addCalendarYears } from "../../core/time.ts";
import { DEFAULTS, type Config } from "../../ledger-service/src/config.ts";
import { WRITE_ROUTES, type WriteRoute } from "../../ledger-service/src/http/routes/write-routes.ts";
import { LedgerClient } from "../../ledger-service/src/sdk/client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { GRANT_SCOPE, R1_FIELDS, certificateBody, deliverBody, h, hopBody, productBody, resourceBody } from "../conformance/fixtures.ts";
import { MEMBERS, actorBody, org, type ActorName } from "../conformance/world.ts";
import { clientsFor, playStory } from "./story.ts";

interface ErrorBody {
  error: { code: string; message: string };
}
const codeOf = (json: unknown) => (json as ErrorBody).error?.code;

type Who = ActorName;

/**
 * Every write endpoint of the rulebook, each through its own method and path (not the generic
 * POST /v1/records), on the real service over HTTP on the embedded chain: a grant's whole life
 * (resources versioned and withdrawn, caps, prices, listing and delisting, hops and deliveries,
 * suspension, evaluation, partners admitted and revoked, a violation exit that blacklists, a
 * revocation, destruction by every holder, closure). Before each accepted write the same body
 * is refused twice, writing nothing: signed by an organisation whose role may not perform it,
 * and (for routes with path parameters) posted under a path that names another record.
 */
describe("ledger service API: every write endpoint through its own route", function () {
  this.timeout(240_000);
  let dir: string;
  let service: RunningService;
  let c: Record<Who, LedgerClient>;
  const exercised = new Set<string>();
  const base = () => `http://127.0.0.1:${service.address().port}`;
  const routeKey = (r: WriteRoute) => `${r.method.toUpperCase()} ${r.path}`;

  function routeOf(op: OperationName, deliver?: boolean): WriteRoute {
    const route = WRITE_ROUTES.find((r) => r.op === op && (deliver === undefined || Boolean(r.deliver) === deliver));
    if (!route) throw new Error(`no route for ${op}`);
    return route;
  }
  function pathOf(route: WriteRoute, body: Record<string, unknown>, mismatch?: string): string {
    return route.path.replace(/:([A-Za-z]+)/g, (_, param: string) => {
      const value = String(body[route.bind![param]!]);
      return encodeURIComponent(param === mismatch ? `${value}-other` : value);
    });
  }

  /** The refusals first (nothing written), then the accepted write through the route. */
  async function write(who: Who, op: OperationName, body: Record<string, unknown>, options: { deliver?: boolean } = {}) {
    const route = routeOf(op, options.deliver ?? (op === "lineage.hop" ? body.operation === "deliver" : undefined));
    const method = route.method.toUpperCase();
    const size = service.log.size;

    // A consumer may perform no operation: the rulebook's role check.
    const wrongRole = await c.con.raw(method, pathOf(route, body), c.con.sign(op, body as never));
    expect(codeOf(wrongRole.json), `${op} by a consumer`).to.equal("NOT_AUTHORIZED");
    expect(wrongRole.status).to.equal(403);
    // A path naming another record than the signed body.
    for (const param of Object.keys(route.bind ?? {})) {
      const mismatched = await c[who].raw(method, pathOf(route, body, param), c[who].sign(op, body as never));
      expect(mismatched.status, `${op} with :${param} ≠ body`).to.equal(400);
      expect(codeOf(mismatched.json)).to.equal("MALFORMED_REQUEST");
    }
    expect(service.log.size, `${op}: refusals write nothing`).to.equal(size);

    const accepted = await c[who].raw(method, pathOf(route, body), c[who].sign(op, body as never));
    expect(accepted.status, `${op} ${JSON.stringify(accepted.json)}`).to.equal(201);
    const json = accepted.json as { recordHash: string; op: string; receipt: { state: string } };
    expect(json.op).to.equal(op);
    expect(json.recordHash).to.match(/^[0-9a-f]{64}$/);
    expect(json.receipt.state).to.be.oneOf(["pending", "checkpointed", "anchored"]);
    expect(service.log.size).to.equal(size + 1);
    exercised.add(routeKey(route));
    return json;
  }
  /** A write the rules refuse through its route, with the rulebook code, writing nothing. */
  async function refused(who: Who, op: OperationName, body: Record<string, unknown>, code: string) {
    const route = routeOf(op);
    const size = service.log.size;
    const res = await c[who].raw(route.method.toUpperCase(), pathOf(route, body), c[who].sign(op, body as never));
    expect(codeOf(res.json), `${op}: ${JSON.stringify(res.json)}`).to.equal(code);
    expect(service.log.size).to.equal(size);
  }
  const view = async <T>(path: string) => (await c.sup.get<{ view: T }>(path)).view;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-endpoints-"));
    const config: Config = { ...DEFAULTS, port: 0, dataDir: dir, logLevel: "silent", log: { ...DEFAULTS.log, anchorEverySeconds: 3600, anchorEveryLeaves: 100_000 } };
    service = await startService(config, { env: { LEDGER_AGENCY_PASSPHRASE: "endpoints test" } });
    c = clientsFor(service, base());
    c.pa2 = new LedgerClient({ baseUrl: base(), identity: { orgId: org("pa2"), privateKey: MEMBERS.pa2.sm2PrivateKey } });
    await playStory(service, c);
  });
  after(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("registers an organisation (POST /v1/actors)", async () => {
    await write("agency", "actor.register", actorBody("pa2"));
    expect(await view<{ role: string }>(`/v1/actors/${org("pa2")}`)).to.deep.include({ role: "partner" });
  });

  it("reviews, registers, versions and withdraws a resource", async () => {
    const v2: ResourceField[] = [...R1_FIELDS, { name: "d", type: "string", personalInfo: false }];
    await write("su1", "resource.review", { resourceId: "R3", schemaHash: schemaHashOf(R1_FIELDS), decision: "approved", reportHash: h("review-R3") });
    await write("agency", "resource.register", resourceBody("R3", R1_FIELDS, 1, ["su1"], { holder: service.agencyOrgId }));
    await refused("agency", "resource.version", { resourceId: "R3", version: 2, fields: v2, grade: 1, gradeReason: "public", schemaHash: schemaHashOf(v2), note: "adds d" }, "SOURCE_REVIEW_MISSING");
    await write("su1", "resource.review", { resourceId: "R3", schemaHash: schemaHashOf(v2), decision: "approved", reportHash: h("review-R3-v2") });
    await write("agency", "resource.version", { resourceId: "R3", version: 2, fields: v2, grade: 1, gradeReason: "public", schemaHash: schemaHashOf(v2), note: "adds d" });
    expect(await view<{ version: number; fieldCount: number }>("/v1/resources/R3")).to.deep.include({ version: 2, fieldCount: 4 });
    await write("agency", "resource.withdraw", { resourceId: "R3", reason: "superseded" });
    expect(await view<{ status: string }>("/v1/resources/R3")).to.deep.include({ status: "withdrawn" });
    await refused("agency", "resource.withdraw", { resourceId: "R3", reason: "again" }, "RESOURCE_NOT_ACTIVE");
  });

  it("registers a product (POST /v1/products) under the cap, and refuses one above it", async () => {
    await refused("op", "product.register", productBody({ id: "P2", pricing: { model: "industry", chargeUnit: "per-call", priceFen: 1001 } }), "PRICE_ABOVE_CAP");
    await write("op", "product.register", productBody({ id: "P2", pricing: { model: "industry", chargeUnit: "per-call", priceFen: 1000 } }));
    expect(await view<{ status: string; operator: string }>("/v1/products/P2")).to.deep.include({ status: "registered", operator: org("op") });
  });

  it("sets a price cap (PUT) and reprices a product under it (PUT)", async () => {
    await write("agency", "cap.set", { domain: "finance", chargeUnit: "per-call", maxPriceFen: 2000 });
    const pricing = { ...productBody().pricing, priceFen: 2000 };
    await write("op", "product.reprice", { productId: "P1", pricing });
    expect(await view<{ priceFen: number }>("/v1/products/P1")).to.deep.include({ priceFen: 2000 });
    await refused("op", "product.reprice", { productId: "P1", pricing: { ...pricing, priceFen: 2001 } }, "PRICE_ABOVE_CAP");
  });

  it("lists and delists a product (exchange)", async () => {
    await write("ex", "product.list", { productId: "P1", reportHash: h("report") });
    expect(await view<{ status: string }>("/v1/products/P1")).to.deep.include({ status: "listed" });
    await write("ex", "product.delist", { productId: "P1", reason: "seller request" });
    expect(await view<{ status: string }>("/v1/products/P1")).to.deep.include({ status: "delisted" });
    await refused("ex", "product.delist", { productId: "P1", reason: "again" }, "PRODUCT_STATUS_INVALID");
  });

  it("records a hop (POST /v1/hops) and a delivery (POST /v1/deliveries)", async () => {
    await write("op", "lineage.hop", hopBody("H2"));
    await write("op", "lineage.hop", deliverBody("D2", { inputs: [{ kind: "artifact", hopId: "H2", hash: h("H2-out") }] }));
    expect(await view<{ productId: string; outputHash: string }>("/v1/hops/D2")).to.deep.include({ productId: "P1", outputHash: h("D2-out") });
    // A delivery posted to the hops endpoint, and a plain hop to the deliveries endpoint.
    const asHop = await c.op.raw("POST", "/v1/hops", c.op.sign("lineage.hop", deliverBody("D3") as never));
    expect(codeOf(asHop.json)).to.equal("MALFORMED_REQUEST");
    const asDelivery = await c.op.raw("POST", "/v1/deliveries", c.op.sign("lineage.hop", hopBody("H3") as never));
    expect(codeOf(asDelivery.json)).to.equal("MALFORMED_REQUEST");
  });

  it("suspends a grant, which stops hops, and resumes it", async () => {
    await write("agency", "grant.suspend", { grantId: "G1", reason: "inspection" });
    await refused("op", "lineage.hop", hopBody("H4"), "GRANT_NOT_ACTIVE");
    await write("agency", "grant.resume", { grantId: "G1", reason: "inspection passed" });
    expect(await view<{ status: string }>("/v1/grants/G1")).to.deep.include({ status: "active" });
  });

  it("records an annual evaluation, once per year", async () => {
    await write("agency", "evaluation.record", { grantId: "G1", year: 2026, grade: "qualified", reportHash: h("eval-2026") });
    await refused("agency", "evaluation.record", { grantId: "G1", year: 2026, grade: "excellent", reportHash: h("eval-2026b") }, "DUPLICATE_ID");
  });

  it("proposes, approves and revokes a partner admission", async () => {
    const grant = await view<{ validUntil: number }>("/v1/grants/G1");
    const admission = { id: "A2", grantId: "G1", partner: org("pa2"), scope: [{ resourceId: "R1", fields: ["a"] }], products: [], validUntil: grant.validUntil, jointLiabilityHash: h("joint-liability-2") };
    await refused("op", "partner.propose", { ...admission, validUntil: grant.validUntil + 86_400 }, "PARTNER_TERM_EXCEEDS_GRANT");
    await write("op", "partner.propose", admission);
    await write("agency", "partner.approve", { admissionId: "A2" });
    await write("op", "partner.revoke", { admissionId: "A2", reason: "contract ended" });
    expect(await view<{ status: string }>("/v1/partners/A2")).to.deep.include({ status: "revoked" });
  });

  it("issues a grant and ends it for a violation, which blacklists the operator for 5 years", async () => {
    const now = await service.backend.now();
    await write("agency", "grant.issue", { id: "G2", grantee: org("op2"), scope: GRANT_SCOPE, scenarios: ["traffic"], validFrom: now, validUntil: addCalendarYears(now, 1), agreementHash: h("agreement-2") });
    await write("agency", "grant.exit", { grantId: "G2", kind: "violation", reason: "data resold outside scope" });
    const ban = await view<{ bannedUntil: number }>(`/v1/blacklist/${org("op2")}`);
    expect(ban.bannedUntil).to.be.at.least(addCalendarYears(now, 5));
    await refused("agency", "grant.issue", { id: "G3", grantee: org("op2"), scope: GRANT_SCOPE, scenarios: ["traffic"], validFrom: now, validUntil: addCalendarYears(now, 1), agreementHash: h("agreement-3") }, "ORG_BLACKLISTED");
  });

  it("files an exit notice, refuses a voluntary exit before 3 months, revokes, certifies destruction and closes", async () => {
    await write("op", "grant.exitNotice", { grantId: "G1", planHash: h("exit-plan") });
    await refused("agency", "grant.exit", { grantId: "G1", kind: "voluntary", reason: "operator leaves" }, "EXIT_NOTICE_TOO_SHORT");
    await write("agency", "grant.revoke", { grantId: "G1", reason: "operator leaves early" });
    await refused("agency", "grant.close", { grantId: "G1" }, "DESTRUCTION_INCOMPLETE");
    // Every holder (the grantee, and every partner ever approved) certifies every asset class.
    let n = 0;
    for (const holder of ["op", "pa", "pa2"] as const) {
      for (const assetClass of ["raw-data", "derived-models", "traded-products"]) {
        const cert = certificateBody(`C${++n}`, assetClass);
        if (n === 1) await write(holder, "destruction.certify", cert);
        else await c[holder].request("POST", "/v1/grants/G1/destruction-certificates", c[holder].sign("destruction.certify", cert as never));
      }
    }
    await write("agency", "grant.close", { grantId: "G1" });
    expect(await view<{ status: string }>("/v1/grants/G1")).to.deep.include({ status: "closed" });
  });

  it("blacklists an organisation (POST /v1/blacklist)", async () => {
    await write("agency", "blacklist.add", { orgId: org("con"), reason: "resold delivered data" });
    expect((await view<{ bannedUntil: number }>(`/v1/blacklist/${org("con")}`)).bannedUntil).to.be.greaterThan(await service.backend.now());
  });

  it("has exercised every write route", () => {
    expect([...exercised].sort()).to.deep.equal(WRITE_ROUTES.map(routeKey).sort());
  });
});
