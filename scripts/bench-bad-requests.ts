import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULTS, type Config } from "../ledger-service/src/config.ts";
import { startService, type RunningService } from "../ledger-service/src/service.ts";
import { clientsFor, playStory } from "./scenarios/service-story.ts";
import { sendInChild, type SendProgress } from "./bench/bad-request-sender.ts";
import { report, type Row } from "./bench/report.ts";

/**
 * bench:bad-requests — the service's memory under a stream of bad input: `--requests` (100k)
 * requests from the fuzz suite's generator (scripts/scenarios/bad-requests.ts: signed records of
 * every operation broken one field at a time and re-signed, broken envelopes, signatures and
 * headers, bodies that are not JSON or not UTF-8, any route, parameter and query), each with a
 * fresh nonce, sent by a process of their own to a service on the embedded chain holding the
 * test story. Its RSS is sampled every `--every` answers with nothing in flight (after a full
 * garbage collection when node runs with --expose-gc, so what is measured is what is kept):
 * the baseline is the RSS after the `--warmup` requests, the target ≤ 50 MB growth after it.
 * Rate limits are lifted, so every request reaches the code that parses, authenticates and
 * checks it (the limits themselves are bounded by the callers of one window).
 *
 * Flags: --requests N (100000), --warmup N (10000), --every N (10000), --concurrency C (8).
 */
const { values: flags } = parseArgs({
  options: {
    requests: { type: "string", default: "100000" },
    warmup: { type: "string", default: "10000" },
    every: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "8" },
  },
});
const positive = (name: string, raw: string | undefined): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${raw}"`);
  return n;
};
const REQUESTS = positive("requests", flags.requests);
const WARMUP = positive("warmup", flags.warmup);
const EVERY = positive("every", flags.every);
const CONCURRENCY = positive("concurrency", flags.concurrency);
const TARGET_GROWTH_MB = 50;
const SEED = 20_261_202;
const MB = 2 ** 20;

const gc = (globalThis as { gc?: () => void }).gc;
const sample = () => {
  gc?.();
  const m = process.memoryUsage();
  return { rssMB: m.rss / MB, heapUsedMB: m.heapUsed / MB, externalMB: m.external / MB };
};

const dir = mkdtempSync(join(tmpdir(), "pdl-bench-bad-"));
const config: Config = {
  ...DEFAULTS,
  host: "127.0.0.1",
  port: 0,
  dataDir: dir,
  logLevel: "silent",
  http: { ...DEFAULTS.http, ratePerCaller: 1e9, rateRefusedPerAddress: 1e9, ratePublicPerAddress: 1e9 },
};
let service: RunningService | undefined;

try {
  const load1 = loadavg()[0]!;
  service = await startService(config, { env: { LEDGER_AGENCY_PASSPHRASE: "bench bad requests" } });
  const base = `http://127.0.0.1:${service.address().port}`;
  await playStory(service, clientsFor(service, base));
  const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, object> };
  const routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ":$1")}`),
  );
  const samples: { sent: number; rssMB: number; heapUsedMB: number; externalMB: number }[] = [];
  samples.push({ sent: 0, ...sample() });
  console.log(
    `service started, story played; RSS ${samples[0]!.rssMB.toFixed(1)} MB; gc ${gc ? "forced" : "not exposed"}`,
  );
  let last: SendProgress | undefined;
  const started = process.hrtime.bigint();
  await sendInChild(
    {
      host: "127.0.0.1",
      port: service.address().port,
      total: WARMUP + REQUESTS,
      every: Math.min(EVERY, WARMUP),
      concurrency: CONCURRENCY,
      seed: SEED,
      agency: { orgId: service.agencyOrgId, privateKey: service.keyring.agency.privateKey },
      routes,
    },
    async (p) => {
      last = p;
      await service!.records.idle();
      const s = { sent: p.sent, ...sample() };
      samples.push(s);
      const secs = Number(process.hrtime.bigint() - started) / 1e9;
      console.log(
        `${String(p.sent).padStart(7)} sent  RSS ${s.rssMB.toFixed(1)} MB  heap ${s.heapUsedMB.toFixed(1)} MB  ` +
          `external ${s.externalMB.toFixed(1)} MB  ${(p.sent / secs).toFixed(0)} req/s`,
      );
    },
  );
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  if (!last) throw new Error("no progress reported");
  const fiveXX = Object.entries(last.statuses)
    .filter(([s]) => Number(s) >= 500)
    .reduce((n, [, c]) => n + c, 0);
  if (fiveXX > 0) console.error(`5xx answers: ${fiveXX}\n  ${last.serverErrors.join("\n  ")}`);
  const healthy = (await fetch(`${base}/healthz`)).status;

  const warm = samples.filter((s) => s.sent >= WARMUP);
  const first = warm[0]!;
  const end = warm.at(-1)!;
  const peak = Math.max(...warm.map((s) => s.rssMB));
  const rows: Row[] = [
    { subject: "after warm-up", metric: "RSS", value: first.rssMB, unit: "MB", note: `${WARMUP} bad requests` },
    {
      subject: `after ${REQUESTS} more`,
      metric: "RSS",
      value: end.rssMB,
      unit: "MB",
      baseline: "after warm-up",
    },
    {
      subject: `${REQUESTS} bad requests`,
      metric: "RSS growth after warm-up",
      value: end.rssMB - first.rssMB,
      unit: "MB",
      target: `≤ ${TARGET_GROWTH_MB}`,
    },
    {
      subject: `${REQUESTS} bad requests`,
      metric: "peak RSS above warm-up",
      value: peak - first.rssMB,
      unit: "MB",
    },
    {
      subject: `${REQUESTS} bad requests`,
      metric: "heap growth after warm-up",
      value: end.heapUsedMB - first.heapUsedMB,
      unit: "MB",
    },
    { subject: `${REQUESTS} bad requests`, metric: "rate", value: (WARMUP + REQUESTS) / wallS, unit: "req/s" },
    { subject: `${REQUESTS} bad requests`, metric: "5xx answers", value: fiveXX, unit: "", target: "≤ 0" },
  ];
  report("bad-requests", "bench:bad-requests — service memory over bad input (embedded chain)", rows, {
    parameters: { requests: REQUESTS, warmup: WARMUP, every: EVERY, concurrency: CONCURRENCY, seed: SEED },
    gcForced: gc !== undefined,
    statuses: last.statuses,
    samples,
    healthzAfter: healthy,
    loadAverage1m: { start: load1, end: loadavg()[0] },
  });
  if (fiveXX > 0 || end.rssMB - first.rssMB > TARGET_GROWTH_MB || healthy !== 200) process.exitCode = 1;
} finally {
  await service?.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
