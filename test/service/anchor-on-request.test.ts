import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { sealKey, writeKeyFile } from "../../core/keyfile.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { MEMBERS, org, type ActorName } from "../../scripts/scenarios/world.ts";
import { ResponseCheck } from "./openapi-check.ts";
import { testConfig } from "./test-config.ts";

const PDL = fileURLToPath(new URL("../../bin/pdl.js", import.meta.url));
const PASSPHRASE = "anchor on request";
const LIMIT = 3;
const WINDOW = 3600;

interface Refusal {
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly details?: Record<string, unknown>;
}

function pdl(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [PDL, ...args],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** POST /v1/anchors: the agency and the exchange anchor the log now, a few times per window; no one else. */
describe("anchors on request", function () {
  this.timeout(180_000);
  let dir: string;
  let service: RunningService;
  let c: Record<ActorName, LedgerClient>;
  let check: ResponseCheck;
  let written: Record<string, { recordHash: string }>;
  const url = () => `http://127.0.0.1:${service.address().port}`;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-anchor-request-"));
    const config = testConfig(join(dir, "data"));
    service = await startService(
      { ...config, http: { ...config.http, anchorRequestsPerCaller: LIMIT, anchorRequestWindowSeconds: WINDOW } },
      { env: { LEDGER_AGENCY_PASSPHRASE: PASSPHRASE } },
    );
    c = clientsFor(service, url());
    written = await playStory(service, c);
    check = await ResponseCheck.install(url());
  });
  after(async () => {
    check?.restore();
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const anchorOf = () => c.con.getPublic<{ anchor: { treeSize: number } | null }>("/v1/public/checkpoint");
  const latestAnchor = async () => (await anchorOf()).anchor;

  it("the exchange's request anchors the log now: a receipt written before is anchored at once", async () => {
    const hash = written.product!.recordHash;
    const before = await c.op.get<{ state: string }>(`/v1/receipts/${hash}`);
    expect(before.state, "the anchor timer is off in this test").not.to.equal("anchored");
    const size = service.log.size;
    const answer = await c.ex.anchorNow("listing P1");
    expect(answer.fresh).to.equal(true);
    expect(answer.anchor.treeSize).to.equal(size);
    expect(answer.anchor.chainType).to.equal("embedded");
    expect((await c.op.get<{ state: string }>(`/v1/receipts/${hash}`)).state).to.equal("anchored");
    expect((await anchorOf()).anchor?.treeSize).to.equal(size);
  });

  it("the agency may ask too; other roles are refused naming themselves and their role, and nothing is anchored", async () => {
    expect((await c.agency.anchorNow()).anchor.treeSize).to.be.greaterThan(0);
    const anchored = (await latestAnchor())?.treeSize;
    for (const who of ["op", "pa", "su1", "sup", "con"] as const) {
      const { status, json } = await c[who].raw("POST", "/v1/anchors", {}, { headers: { "accept-language": "zh-CN" } });
      const refusal = (json as { error: Refusal }).error;
      expect([status, refusal.code, refusal.details], who).to.deep.equal([
        403,
        "NOT_AUTHORIZED",
        { orgId: org(who), role: MEMBERS[who].role },
      ]);
      expect(refusal.detail).to.equal(`组织：${org(who)}；角色：${MEMBERS[who].role}`);
    }
    expect((await latestAnchor())?.treeSize, "no anchor for a refused request").to.equal(anchored);
  });

  it("a body with anything but a reason is malformed", async () => {
    const { status, json } = await c.ex.raw("POST", "/v1/anchors", { reason: "", now: true });
    expect(status).to.equal(400);
    expect((json as { error: Refusal }).error.code).to.equal("MALFORMED_REQUEST");
  });

  it(`is limited to ${LIMIT} per caller and window: then 429 naming the limit, and Retry-After`, async () => {
    // The exchange asked once above (a malformed request is refused before it counts).
    for (let i = 1; i < LIMIT; i++) expect((await c.ex.anchorNow()).anchor).to.be.an("object");
    const anchored = (await latestAnchor())?.treeSize;
    const over = await c.ex.raw("POST", "/v1/anchors", {}, { headers: { "accept-language": "zh-CN" } });
    const refusal = (over.json as { error: Refusal }).error;
    expect([over.status, refusal.code, refusal.details]).to.deep.equal([
      429,
      "RATE_LIMITED",
      { limit: LIMIT, windowSeconds: WINDOW },
    ]);
    expect(refusal.detail).to.equal(`上限：${LIMIT}；时间窗口（秒）：${WINDOW}`);
    expect(Number(over.headers.get("retry-after"))).to.be.within(1, WINDOW);
    expect((await latestAnchor())?.treeSize, "no anchor over the limit").to.equal(anchored);
    // Each caller has its own count.
    expect((await c.agency.anchorNow()).anchor).to.be.an("object");
  });

  it("pdl anchor asks for it, as the agency; an operator's pdl is refused with exit code 3", async () => {
    const env = { PDL_URL: url(), PDL_KEY: service.keyring.paths.agency, PDL_KEY_PASSPHRASE: PASSPHRASE };
    const run = await pdl(["anchor", "--reason", "demo"], env);
    expect(run.code, run.stderr).to.equal(0);
    const printed = JSON.parse(run.stdout) as { anchor: { treeSize: number }; fresh: boolean };
    expect(printed.anchor.treeSize).to.equal((await latestAnchor())?.treeSize);

    const opKey = join(dir, "op.key.json");
    const op = MEMBERS.op;
    await writeKeyFile(
      opKey,
      sealKey({ purpose: "member", algorithm: "sm2", orgId: org("op"), privateKey: op.sm2PrivateKey }, PASSPHRASE, {
        scryptN: 1024,
      }),
    );
    const refused = await pdl(["anchor"], { ...env, PDL_KEY: opKey });
    expect(refused.code).to.equal(3);
    expect(refused.stderr)
      .to.contain("NOT_AUTHORIZED")
      .and.to.match(/^ {2}role: operator$/m);
  });

  it("answered every request as /openapi.json documents it", () => {
    expect(check.failures).to.deep.equal([]);
    expect([...(check.answered.get("POST /v1/anchors") ?? [])]).to.deep.equal([200]);
  });
});
