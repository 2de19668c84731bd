import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { ResponseCheck } from "./openapi-check.ts";
import { parseRecord } from "../../core/record.ts";
import { HASH_FIELDS } from "../../core/operation-examples.ts";
import { WRITE_ROUTES } from "../../ledger-service/src/http/routes/write-routes.ts";
import type { Express } from "express";
import { canonicalBytes } from "../../core/canonical.ts";
import { verify } from "../../core/crypto/sm2.ts";
import { sm3Hex } from "../../core/crypto/sm3.ts";
import { verifyConsistency } from "../../ledger-service/src/log/rfc9162.ts";
import { verifyReceiptOffline } from "../../ledger-service/src/log/receipt.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { deliverBody, h } from "../../scripts/scenarios/fixtures.ts";
import { org, type ActorName } from "../../scripts/scenarios/world.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { testConfig } from "./test-config.ts";

interface ErrorBody {
  error: { code: string; message: string };
}
const codeOf = (json: unknown) => (json as ErrorBody).error?.code;
const detailsOf = (json: unknown) => (json as { error?: { details?: unknown } }).error?.details;

/** Every route Express mounted, as "METHOD /path" (nested routers included). */
function mountedRoutes(app: Express): Set<string> {
  const out = new Set<string>();
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route)
        for (const m of Object.keys(layer.route.methods)) out.add(`${m.toUpperCase()} ${layer.route.path}`);
      else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}

/** Every field of a body, at any depth, whose value is a 64-hex digest: name → value. */
function hashFieldsOf(value: unknown, out: Record<string, string> = {}): Record<string, string> {
  if (Array.isArray(value)) for (const v of value) hashFieldsOf(v, out);
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === "string" && /^[0-9a-f]{64}$/.test(v)) out[k] = v;
      else hashFieldsOf(v, out);
    }
  return out;
}

const openApiPathToExpress = (path: string) => path.replace(/\{([^}]+)\}/g, ":$1");

const redoclyBin = join(dirname(createRequire(import.meta.url).resolve("@redocly/cli/package.json")), "bin", "cli.js");

describe("ledger service API: every endpoint, roles and evidence", function () {
  this.timeout(180_000);
  let dir: string;
  let service: RunningService;
  let c: Record<ActorName, LedgerClient>;
  let check: ResponseCheck;
  const base = () => `http://127.0.0.1:${service.address().port}`;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-api-"));
    const config = testConfig(dir);
    service = await startService(config, { env: { LEDGER_AGENCY_PASSPHRASE: "api test" } });
    c = clientsFor(service, base());
    check = await ResponseCheck.install(base());
    await playStory(service, c);
  });
  after(async () => {
    check?.restore();
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("documents exactly the routes it serves (OpenAPI 3.1)", async () => {
    const doc = await c.agency.getPublic<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      "/openapi.json",
    );
    expect(doc.openapi).to.equal("3.1.0");
    const documented = new Set<string>();
    for (const [path, methods] of Object.entries(doc.paths))
      for (const m of Object.keys(methods)) documented.add(`${m.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ":$1")}`);
    const mounted = mountedRoutes(service.app);
    expect(
      [...mounted].filter((r) => !documented.has(r)),
      "mounted but undocumented",
    ).to.deep.equal([]);
    expect(
      [...documented].filter((r) => !mounted.has(r)),
      "documented but not mounted",
    ).to.deep.equal([]);
    expect(mounted.size).to.be.greaterThan(40);
  });

  it("serves health, readiness and Prometheus metrics", async () => {
    expect((await fetch(base() + "/healthz")).status).to.equal(200);
    expect((await fetch(base() + "/readyz")).status).to.equal(200);
    const metrics = await (await fetch(base() + "/metrics")).text();
    expect(metrics).to.match(/pdl_records_total\{[^}]*op="grant\.issue"[^}]*outcome="accepted"[^}]*\} 1/);
  });

  it("lets each role read what it may, and nothing else", async () => {
    // The exchange and supervisors read everything; the grantee its grant; others are refused.
    for (const who of ["agency", "ex", "sup", "op"] as const)
      expect((await c[who].raw("GET", "/v1/grants/G1")).status, who).to.equal(200);
    for (const who of ["op2", "con", "su1"] as const)
      expect(codeOf((await c[who].raw("GET", "/v1/grants/G1")).json), who).to.equal("FORBIDDEN");
    // A partner reads the grant it is admitted to; the recipient reads its delivery.
    expect((await c.pa.raw("GET", "/v1/grants/G1")).status).to.equal(200);
    expect((await c.con.raw("GET", "/v1/hops/D1")).status).to.equal(200);
    expect((await c.con.raw("GET", "/v1/hops/H1")).status).to.equal(403);
    // Lists are filtered by what the caller may see.
    expect((await c.op2.get<{ grants: unknown[] }>("/v1/grants")).grants).to.have.length(0);
    expect((await c.op.get<{ grants: { id: string }[] }>("/v1/grants")).grants.map((g) => g.id)).to.deep.equal(["G1"]);
    expect(
      (await c.su1.get<{ resources: { id: string }[] }>("/v1/resources")).resources.map((r) => r.id),
    ).to.deep.equal(["R1"]);
    // Overdue items: the agency and supervisors see all, others those naming them (test/service/overdue.test.ts).
    expect((await c.sup.raw("GET", "/v1/overdue")).status).to.equal(200);
    expect((await c.op.get<{ items: unknown[] }>("/v1/overdue")).items).to.deep.equal([]);
    expect(codeOf((await c.sup.raw("GET", "/v1/overdue?at=yesterday")).json)).to.equal("MALFORMED_REQUEST");
  });

  it("refuses writes by the wrong role with the rulebook code, writing nothing", async () => {
    const size = service.log.size;
    const grant = {
      id: "G9",
      grantee: org("pa"),
      scope: [{ resourceId: "R1", fields: ["a"] }],
      scenarios: ["x"],
      validFrom: 1,
      validUntil: 2,
      agreementHash: h("x"),
    };
    const res = await c.ex.raw("POST", "/v1/grants", c.ex.sign("grant.issue", grant));
    expect(res.status).to.equal(403);
    expect(codeOf(res.json)).to.equal("NOT_AUTHORIZED");
    // Operators and partners can never re-grant.
    expect(codeOf((await c.pa.raw("POST", "/v1/grants", c.pa.sign("grant.issue", grant))).json)).to.equal(
      "REGRANT_FORBIDDEN",
    );
    // The operator cannot record a hop outside the grant's field scope (FIELD_NOT_GRANTED).
    const hop = await c.op.raw(
      "POST",
      "/v1/hops",
      c.op.sign("lineage.hop", {
        ...deliverBody("H9"),
        operation: "clean",
        delivery: undefined,
        inputs: [{ kind: "resource", resourceId: "R2", version: 1, fields: ["idno"], hash: h("R2-v1") }],
      } as never),
    );
    expect(codeOf(hop.json)).to.equal("FIELD_NOT_GRANTED");
    expect(detailsOf(hop.json)).to.deep.equal({ resourceId: "R2", field: "idno" });
    // A record posted to another operation's endpoint, or whose path disagrees with its body.
    expect(
      codeOf(
        (
          await c.agency.raw(
            "POST",
            "/v1/grants/G1/suspension",
            c.agency.sign("grant.resume", { grantId: "G1", reason: "x" }),
          )
        ).json,
      ),
    ).to.equal("MALFORMED_REQUEST");
    expect(
      codeOf(
        (
          await c.agency.raw(
            "POST",
            "/v1/grants/G2/suspension",
            c.agency.sign("grant.suspend", { grantId: "G1", reason: "x" }),
          )
        ).json,
      ),
    ).to.equal("MALFORMED_REQUEST");
    // Someone else's record, relayed: the request signer must be the record's author.
    expect(
      codeOf((await c.op2.raw("POST", "/v1/records", c.op.sign("lineage.hop", deliverBody("H8") as never))).json),
    ).to.equal("NOT_AUTHORIZED");
    expect(service.log.size).to.equal(size);
  });

  it("exports the lineage as JSON, W3C PROV-JSON and OpenLineage run events", async () => {
    const graph = await c.ex.get<{
      hops: { hop: { id: string } }[];
      resources: { id: string }[];
      unresolved: unknown[];
    }>("/v1/products/P1/lineage");
    expect(graph.hops.map((x) => x.hop.id)).to.deep.equal(["H1", "D1"]);
    expect(graph.resources.map((r) => r.id)).to.deep.equal(["R1"]);
    expect(graph.unresolved).to.deep.equal([]);
    const prov = await c.ex.get<Record<string, Record<string, unknown>>>("/v1/products/P1/lineage?format=prov");
    expect(Object.keys(prov.activity ?? {})).to.have.length(2);
    expect(prov).to.have.property("wasGeneratedBy");
    const ndjson = await c.ex.getText("/v1/products/P1/lineage?format=openlineage", "application/x-ndjson");
    const events = ndjson
      .trimEnd()
      .split("\n")
      .map(
        (line) => JSON.parse(line) as { eventType: string; run: { runId: string; facets: Record<string, unknown> } },
      );
    expect(events.map((e) => e.eventType)).to.deep.equal(["START", "COMPLETE", "START", "COMPLETE"]);
    expect(events.every((e) => e.run.runId)).to.equal(true);
    // The custom facet's schema is where its _schemaURL says, for anyone.
    const schemaUrl = String((events[0]!.run.facets.pdl_hop as { _schemaURL: string })._schemaURL);
    expect((await fetch(schemaUrl.split("#")[0]!)).status).to.equal(200);
    expect(codeOf((await c.ex.raw("GET", "/v1/products/P1/lineage?format=xml")).json)).to.equal("MALFORMED_REQUEST");
    expect(codeOf((await c.op2.raw("GET", "/v1/products/P1/lineage")).json)).to.equal("FORBIDDEN");
  });

  it("audits a grant: partners, products, hops, deliveries, certificates and exit status", async () => {
    const audit = await c.sup.get<{
      partners: { id: string }[];
      products: { id: string }[];
      hops: unknown[];
      deliveries: { recipient: string }[];
      exit: { status: string; overdue: unknown[] };
    }>("/v1/grants/G1/audit");
    expect(audit.partners.map((p) => p.id)).to.deep.equal(["A1"]);
    expect(audit.products.map((p) => p.id)).to.deep.equal(["P1"]);
    expect(audit.hops).to.have.length(2);
    expect(audit.deliveries.map((d) => d.recipient)).to.deep.equal([org("con")]);
    expect(audit.exit).to.deep.include({ status: "active", overdue: [] });
    expect((await c.op.raw("GET", "/v1/grants/G1/audit")).status).to.equal(200);
    expect(codeOf((await c.op2.raw("GET", "/v1/grants/G1/audit")).json)).to.equal("FORBIDDEN");
    expect(codeOf((await c.sup.raw("GET", "/v1/grants/G404/audit")).json)).to.equal("NOT_FOUND");
  });

  it("lists a product only with the latest passing report the service issued for it, read back unchanged", async () => {
    type Report = {
      report: { verdict: string; checks: { id: string; result: string }[] };
      reportHash: string;
      signature: string;
      signer: { publicKey: string };
      issued: { recordHash: string; tx: { blockNumber: number } };
    };
    const reportPath = "/v1/products/P1/verification-report";
    const listWith = async (reportHash: string) =>
      codeOf(
        (await c.ex.raw("POST", "/v1/products/P1/listing", c.ex.sign("product.list", { productId: "P1", reportHash })))
          .json,
      );
    // Nothing issued yet: no report to read, and any reportHash is refused (old main listed with it).
    expect(codeOf((await c.ex.raw("GET", reportPath)).json)).to.equal("NOT_FOUND");
    expect(await listWith(sm3Hex("a report nobody issued"))).to.equal("REPORT_UNKNOWN");
    await service.checkpointer.checkpoint();
    const before = await c.ex.request<Report>("POST", reportPath);
    expect(before.report.checks.find((x) => x.id === "evidence")!.result, "checkpointed but not anchored yet").to.equal(
      "fail",
    );
    expect(before.report.verdict).to.equal("fail");
    expect(await listWith(before.reportHash)).to.equal("REPORT_NOT_PASSED");
    expect(codeOf((await c.con.raw("POST", reportPath)).json)).to.equal("FORBIDDEN");
    expect(codeOf((await c.op.raw("POST", reportPath)).json)).to.equal("FORBIDDEN");
    await service.anchorNow();
    const signed = await c.ex.request<Report>("POST", reportPath);
    expect(signed.reportHash).to.not.equal(before.reportHash);
    // Reads return the issued report: the same hash every time, until the next issue.
    for (const reader of [c.ex, c.op, c.agency])
      expect((await reader.get<Report>(reportPath)).reportHash).to.equal(signed.reportHash);
    expect(await service.backend.view({ kind: "report", id: signed.reportHash })).to.deep.include({
      productId: "P1",
      verdict: "pass",
      latest: true,
    });
    expect(
      (await c.sup.get<{ history: { op: string }[] }>(`/v1/records/report/${signed.reportHash}/history`)).history.map(
        (x) => x.op,
      ),
    ).to.deep.equal(["report.issue"]);
    const byId = Object.fromEntries(signed.report.checks.map((x) => [x.id, x.result]));
    expect(byId).to.deep.equal({
      "seller-identity": "pass",
      "grant-chain": "pass",
      "source-legality": "pass",
      "lineage-complete": "pass",
      "grade-and-privacy": "pass",
      "third-party-reports": "not-judged",
      "delivery-mode": "pass",
      "price-cap": "pass",
      evidence: "pass",
    });
    expect(signed.report.verdict).to.equal("pass");
    expect(signed.signer.publicKey).to.equal(service.keyring.log.publicKey);
    expect(verify(canonicalBytes(signed.report), signed.signature, service.keyring.log.publicKey)).to.equal(true);
    expect(
      verify(canonicalBytes({ ...signed.report, verdict: "fail" }), signed.signature, service.keyring.log.publicKey),
    ).to.equal(false);
    expect(codeOf((await c.con.raw("GET", "/v1/products/P1/verification-report")).json)).to.equal("FORBIDDEN");

    // The operator cannot list; the exchange lists with the report's hash.
    expect(
      codeOf(
        (
          await c.op.raw(
            "POST",
            "/v1/products/P1/listing",
            c.op.sign("product.list", { productId: "P1", reportHash: signed.reportHash }),
          )
        ).json,
      ),
    ).to.equal("NOT_AUTHORIZED");
    expect(await listWith(before.reportHash)).to.equal("REPORT_NOT_PASSED");
    const listed = await c.ex.request<{ recordHash: string }>(
      "POST",
      "/v1/products/P1/listing",
      c.ex.sign("product.list", { productId: "P1", reportHash: signed.reportHash }),
    );
    expect(listed.recordHash).to.match(/^[0-9a-f]{64}$/);
    const publicList = await c.agency.getPublic<{ products: { id: string; charge: string; priceFen: number }[] }>(
      "/v1/public/products",
    );
    expect(publicList.products).to.deep.equal([
      { ...publicList.products[0]!, id: "P1", charge: "charged", priceFen: 500 },
    ]);
    // The operator owes a product and service list since P1 and has published none yet.
    const lists = await c.agency.getPublic<{ serviceLists: { operator: string; publishedAt: number | null }[] }>(
      "/v1/public/service-lists",
    );
    expect(lists.serviceLists.map((l) => [l.operator, l.publishedAt])).to.deep.equal([[org("op"), null]]);
  });

  it("shows a record's history with receipts, and publishes checkpoints and consistency proofs", async () => {
    const history = await c.sup.get<{ history: { op: string; receipt: unknown }[] }>("/v1/records/product/P1/history");
    expect(history.history.map((x) => x.op)).to.deep.equal(["product.register", "product.list"]);
    const anchoredReceipt = history.history[0]!.receipt;
    expect(verifyReceiptOffline(anchoredReceipt, service.keyring.log.publicKey)).to.deep.include({
      ok: true,
      state: "anchored",
    });
    expect(codeOf((await c.sup.raw("GET", "/v1/records/widget/P1/history")).json)).to.equal("MALFORMED_REQUEST");

    const first = await c.agency.getPublic<{
      logPublicKey: string;
      checkpoint: { size: number; rootHash: string };
      anchor: { treeSize: number };
    }>("/v1/public/checkpoint");
    expect(first.logPublicKey).to.equal(service.keyring.log.publicKey);
    expect(first.anchor.treeSize).to.be.at.most(first.checkpoint.size);
    await service.checkpointer.checkpoint();
    const latest = await c.agency.getPublic<{ checkpoint: { size: number; rootHash: string } }>(
      "/v1/public/checkpoint",
    );
    const proof = await c.agency.getPublic<{ proof: string[] }>(
      `/v1/public/consistency?from=${first.checkpoint.size}&to=${latest.checkpoint.size}`,
    );
    const hex = (s: string) => Buffer.from(s, "hex");
    expect(
      verifyConsistency(
        first.checkpoint.size,
        latest.checkpoint.size,
        hex(first.checkpoint.rootHash),
        hex(latest.checkpoint.rootHash),
        proof.proof.map(hex),
      ),
    ).to.equal(true);
    expect((await c.agency.raw("GET", "/v1/public/consistency?from=0", undefined, { public: true })).status).to.equal(
      400,
    );
  });

  it("takes a complaint without an account and tells whoever holds its id where it stands", async () => {
    const lodged = await c.con.request<{ complaintId: string; commitment: string }>(
      "POST",
      "/v1/public/complaints",
      { subject: { kind: "operator", id: org("op") }, text: "the operator refused to say where my data came from" },
      { public: true },
    );
    const status = await c.con.getPublic<{ status: string; commitment: string }>(
      `/v1/public/complaints/${lodged.complaintId}`,
    );
    expect(status).to.deep.include({ status: "lodged", commitment: lodged.commitment });
  });

  it("documents every operation with an id, answers with schemas and errors, and passes redocly lint with 0 errors", async () => {
    const text = await (await fetch(`${base()}/openapi.json`)).text();
    const doc = JSON.parse(text) as { paths: Record<string, Record<string, Record<string, unknown>>> };
    for (const [path, methods] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(methods)) {
        expect(op.operationId, `${method} ${path}`).to.be.a("string");
        const responses = op.responses as Record<string, { content?: Record<string, { schema?: object }> }>;
        const ok = Object.entries(responses).filter(([status]) => status.startsWith("2"));
        expect(ok, `${method} ${path}`).to.not.be.empty;
        for (const [status, r] of ok)
          for (const [type, c] of Object.entries(r.content ?? {}))
            expect(Object.keys(c.schema ?? {}), `${method} ${path} ${status} ${type}`).to.not.be.empty;
      }
    const file = join(dir, "openapi.json");
    writeFileSync(file, text);
    const lint = spawnSync(process.execPath, [redoclyBin, "lint", file, "--format", "json"], { encoding: "utf8" });
    const totals = (JSON.parse(lint.stdout) as { totals: { errors: number } }).totals;
    expect(totals.errors, lint.stdout.slice(0, 2000)).to.equal(0);
    expect(lint.status).to.equal(0);
  });

  it("serves a readable API reference bundled with the service: same-origin scripts only", async () => {
    const page = await fetch(`${base()}/reference`);
    expect(page.status).to.equal(200);
    expect(page.headers.get("content-security-policy")).to.match(/default-src 'self'/);
    const html = await page.text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).to.deep.equal(["/reference/standalone.js", "/reference/init.js"]);
    expect(html).to.not.match(/https?:\/\//);
    const bundle = await fetch(`${base()}${scripts[0]}`);
    expect(bundle.status).to.equal(200);
    expect((await bundle.text()).length).to.be.greaterThan(100_000);
    const init = await (await fetch(`${base()}${scripts[1]}`)).text();
    expect(init).to.include('"url":"/openapi.json"').and.include('"withDefaultFonts":false');
  });

  it("gives every operation a request example: bodies valid against the document and the record parser, every parameter one", async () => {
    type Media = { schema: object; example?: unknown };
    type Op = {
      parameters?: { name: string; in: string; example?: unknown }[];
      requestBody?: { content: Record<string, Media> };
    };
    const doc = (await (await fetch(`${base()}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Op>>;
      components: unknown;
    };
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    ajv.addSchema({ $id: "openapi", components: doc.components });
    const missing: string[] = [];
    const invalid: string[] = [];
    const unexplained = new Set<string>();
    let bodies = 0;
    for (const [path, methods] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(methods)) {
        const where = `${method.toUpperCase()} ${path}`;
        for (const p of op.parameters ?? [])
          if (typeof p.example !== "string") missing.push(`${where} ${p.in} ${p.name}`);
        const media = op.requestBody?.content["application/json"];
        if (!media) continue;
        bodies++;
        if (media.example === undefined) {
          missing.push(`${where} body`);
          continue;
        }
        const schema = JSON.parse(JSON.stringify(media.schema).replaceAll('"#/components/', '"openapi#/components/'));
        const validate = ajv.compile(schema as object);
        if (!validate(media.example)) invalid.push(`${where}: ${ajv.errorsText(validate.errors)}`);
        const record = (media.example as { record?: unknown }).record;
        if (record === undefined) continue;
        try {
          const parsed = parseRecord(record);
          for (const [field, value] of Object.entries(hashFieldsOf(parsed.body)))
            if (!(field in HASH_FIELDS)) unexplained.add(`${field} (${value})`);
          if (path !== "/v1/records")
            expect(parsed.op, where).to.equal(WRITE_ROUTES.find((r) => r.path === openApiPathToExpress(path))?.op);
        } catch (err) {
          invalid.push(`${where}: ${(err as Error).message}`);
        }
      }
    expect(missing, "operations without an example").to.deep.equal([]);
    expect(invalid, "examples that do not validate").to.deep.equal([]);
    expect([...unexplained], "hash fields pdl template does not explain").to.deep.equal([]);
    expect(bodies).to.be.greaterThan(WRITE_ROUTES.length);
  });

  it("answered every request as /openapi.json documents it, public and system routes included", () => {
    expect(check.failures, "answers that do not match the document").to.deep.equal([]);
    const open = check.operations((op) => /\/v1\/public\/|\/(healthz|readyz|metrics|openapi\.json)$/.test(op));
    expect(open.filter((op) => !check.answered.get(op)?.has(200)).sort(), "never answered 200").to.deep.equal([]);
  });
});
