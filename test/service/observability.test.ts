import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { expect } from "chai";
import { Registry, collectDefaultMetrics } from "prom-client";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { DEFAULTS, type Config } from "../../ledger-service/src/config.ts";
import { createLogger } from "../../ledger-service/src/logger.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { org, type ActorName } from "../../scripts/scenarios/world.ts";
import { needTool, PROMTOOL, run } from "../external-tools.ts";

/** Collects what a logger writes, line by line. */
class Lines extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    done();
  }
}

const gauge = (text: string, name: string): number => {
  const m = new RegExp(`^${name} ([0-9.e+-]+)$`, "m").exec(text);
  if (!m) throw new Error(`no ${name} in the metrics`);
  return Number(m[1]);
};

describe("observability: Prometheus metrics that promtool accepts, and a quiet request log", function () {
  this.timeout(180_000);
  let dir: string;
  let service: RunningService;
  let c: Record<ActorName, LedgerClient>;
  const out = new Lines();
  const base = () => `http://127.0.0.1:${service.address().port}`;
  const metrics = async () => (await fetch(base() + "/metrics")).text();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-obs-"));
    const config: Config = {
      ...DEFAULTS,
      port: 0,
      dataDir: dir,
      log: { ...DEFAULTS.log, anchorEverySeconds: 3600, anchorEveryLeaves: 100_000, checkpointEveryMs: 3_600_000 },
    };
    service = await startService(config, {
      env: { LEDGER_AGENCY_PASSPHRASE: "obs test" },
      logger: createLogger("info", { format: "json", destination: out }),
    });
    c = clientsFor(service, base());
    await playStory(service, c);
  });
  after(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe("promtool check metrics", () => {
    before(function () {
      needTool(this, PROMTOOL);
    });

    it("accepts the service's /metrics with no finding", async () => {
      const r = run(PROMTOOL, ["check", "metrics"], await metrics());
      expect(r.stdout + r.stderr).to.equal("");
      expect(r.status).to.equal(0);
    });

    it("rejects prom-client's unfiltered default set (the `…_total` gauges), so the check can fail", async () => {
      const registry = new Registry();
      collectDefaultMetrics({ register: registry, prefix: "pdl_" });
      const r = run(PROMTOOL, ["check", "metrics"], await registry.metrics());
      expect(r.status).to.not.equal(0);
      expect(r.stdout + r.stderr).to.include("pdl_nodejs_active_handles_total");
    });
  });

  it("reports receipts waiting for a checkpoint and an anchor, and the anchor lag", async () => {
    const size = service.log.size;
    let text = await metrics();
    expect(gauge(text, "pdl_log_entries")).to.equal(size);
    expect(gauge(text, "pdl_receipts_unanchored")).to.equal(size);
    expect(gauge(text, "pdl_receipts_pending")).to.be.within(0, size);
    expect(gauge(text, "pdl_anchor_lag_seconds")).to.be.greaterThan(0);

    await service.checkpointer.checkpoint();
    text = await metrics();
    expect(gauge(text, "pdl_receipts_pending")).to.equal(0);
    expect(gauge(text, "pdl_receipts_unanchored")).to.equal(size);

    await service.anchorNow();
    text = await metrics();
    // The anchor is an entry of the log itself, not covered by the checkpoint it anchors.
    expect(gauge(text, "pdl_receipts_unanchored")).to.be.at.most(service.log.size - size);
    expect(gauge(text, "pdl_anchor_lag_seconds")).to.be.below(30);
    expect(gauge(text, "pdl_anchors_total")).to.be.at.least(1);
    expect(gauge(text, "pdl_checkpoints_signed_total")).to.be.at.least(1);
  });

  it("counts rule refusals by code, never as chain errors", async () => {
    const refused = await c.op.raw("POST", "/v1/grants", c.op.sign("grant.issue", { id: "GX" } as never));
    expect(refused.status).to.be.within(400, 499);
    const again = await c.agency.raw(
      "POST",
      "/v1/actors",
      c.agency.sign("actor.register", {
        orgId: org("op"),
        name: "again",
        role: "operator",
        publicKey: "04" + "11".repeat(64),
      } as never),
    );
    expect(again.status).to.be.within(400, 499);
    const text = await metrics();
    expect(text).to.match(/^pdl_records_total\{op="actor\.register",outcome="[A-Z_]+"\} 1$/m);
    expect(text).to.not.match(/^pdl_chain_errors_total\{/m);
  });

  it("logs one short line per request, with no signature header, and every checkpoint and anchor", async () => {
    const entries = out.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = entries.filter((e) => typeof e.responseTime === "number");
    expect(requests.length).to.be.greaterThan(20);
    for (const e of requests) {
      expect(e.level, e.msg as string).to.equal(30);
      expect(e.msg).to.match(/^(GET|POST|PUT) \/\S* \d{3} \d+ms$/);
      expect(Object.keys(e.req as object)).to.deep.equal(["method", "url"]);
    }
    // Writes name who signed them; refusals carry their code.
    expect(requests.some((e) => e.actor === org("op") && /^POST \/v1\/records 201/.test(e.msg as string))).to.equal(
      true,
    );
    expect(requests.some((e) => typeof e.code === "string" && /^POST \/v1\/grants 4/.test(e.msg as string))).to.equal(
      true,
    );
    const all = out.lines.join("\n").toLowerCase();
    for (const secret of ["x-pdl-signature", "x-pdl-nonce", 'signature":', "privatekey", "passphrase"])
      expect(all, secret).to.not.include(secret);
    expect(entries.some((e) => e.msg === "signed checkpoint" && typeof e.size === "number")).to.equal(true);
    expect(entries.some((e) => e.msg === "anchored checkpoint" && typeof e.txId === "string")).to.equal(true);
    // Health probes and scrapes stay out of the log.
    expect(requests.some((e) => /^GET \/(metrics|healthz|readyz) /.test(e.msg as string))).to.equal(false);
  });

  it("prints readable lines through pino-pretty, and redacts secrets in either form", () => {
    const pretty = new Lines();
    const logger = createLogger("info", { format: "pretty", destination: pretty });
    logger.info({ req: { headers: { "x-pdl-signature": "ab".repeat(64) } }, passphrase: "hunter2" }, "hello");
    logger.flush();
    return new Promise<void>((ok) =>
      setTimeout(() => {
        const text = pretty.lines.join("\n");
        expect(text).to.include("INFO");
        expect(text).to.include("hello");
        expect(() => JSON.parse(pretty.lines[0]!)).to.throw();
        expect(text).to.not.include("hunter2");
        expect(text).to.not.include("abab");
        ok();
      }, 100),
    );
  });
});
