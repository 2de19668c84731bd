import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULTS, type Config } from "../ledger-service/src/config.ts";
import { startService, type RunningService } from "../ledger-service/src/service.ts";
import { deliverBody } from "./scenarios/fixtures.ts";
import { clientsFor } from "./scenarios/service-story.ts";
import { HISTORY_PASSPHRASE, serviceHistory } from "./bench/service-history.ts";
import { report, type Row } from "./bench/report.ts";

/**
 * bench:alerts — one risk-alert scan (what the service's timer runs every 300 s) on a data
 * directory that already holds a large history: bench:service's cached 100,000 lineage hops
 * (`scripts/bench/service-history.ts`, ~/.cache/pdl-bench-service) plus `--deliveries` deliveries
 * written here. Scans: the first one on the directory, one with nothing new, one after `--new`
 * more deliveries, and one after a restart. Baseline in the same run: reading every indexed
 * record once (the entries table, a plain LevelDB iteration).
 *
 * --history N (default 100000), --deliveries N (default 500), --new N (default 50), --cache DIR.
 */
const { values: flags } = parseArgs({
  options: {
    history: { type: "string", default: "100000" },
    deliveries: { type: "string", default: "500" },
    new: { type: "string", default: "50" },
    cache: { type: "string", default: join(homedir(), ".cache", "pdl-bench-service") },
  },
});
const count = (name: string, raw: string | undefined): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${raw}"`);
  return n;
};
const HISTORY = count("history", flags.history);
const DELIVERIES = count("deliveries", flags.deliveries);
const NEW = count("new", flags.new);
const IN_FLIGHT = 64;

const dir = mkdtempSync(join(tmpdir(), "pdl-bench-alerts-"));
const config: Config = {
  ...DEFAULTS,
  host: "127.0.0.1",
  port: 0,
  dataDir: dir,
  logLevel: "silent",
  alerts: { ...DEFAULTS.alerts, scanEverySeconds: 0 },
};
const uptime = () => execFileSync("uptime", { encoding: "utf8" }).trim();
const MiB = 2 ** 20;

interface Measured {
  readonly ms: number;
  readonly peakRssMiB: number;
  readonly heapGrowthMiB: number;
  readonly raised: number;
}

/** Wall time, the RSS peak (sampled every 10 ms) and heap growth of `work`. */
async function measured(work: () => Promise<number>): Promise<Measured> {
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const started = performance.now();
  const raised = await work();
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { ms, peakRssMiB: peak / MiB, heapGrowthMiB: (process.memoryUsage().heapUsed - heapBefore) / MiB, raised };
}

async function deliver(service: RunningService, prefix: string, n: number): Promise<void> {
  const c = clientsFor(service, `http://127.0.0.1:${service.address().port}`);
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < n) {
        const id = `${prefix}-${String(next++).padStart(6, "0")}`;
        const signed = c.op.sign("lineage.hop", deliverBody(id) as never);
        await service.records.submit(signed, { orgId: signed.record.actor, role: "operator" });
      }
    }),
  );
}

const start = () => startService(config, { env: { LEDGER_AGENCY_PASSPHRASE: HISTORY_PASSPHRASE } });
/** One scan as the agency asks for it (POST /v1/alerts/scan runs the timer's scan). */
const scanOf = (service: RunningService) => {
  const agency = clientsFor(service, `http://127.0.0.1:${service.address().port}`).agency;
  return measured(
    async () => (await agency.request<{ raised: string[] }>("POST", "/v1/alerts/scan", {})).raised.length,
  );
};

let service: RunningService | undefined;
const uptimeAtStart = uptime();
try {
  console.log(
    `bench:alerts — risk-alert scan over ${HISTORY} hops and ${DELIVERIES} deliveries, Node ${process.version}`,
  );
  const history = await serviceHistory(flags.cache!, HISTORY, config, (s) => console.log(s));
  cpSync(history.dir, dir, { recursive: true });
  service = await start();
  await deliver(service, "BENCH-D", DELIVERIES);
  const logSize = service.log.size;
  console.log(`service on a directory of ${logSize} records`);

  const baseline = await measured(async () => {
    let n = 0;
    for await (const entry of service!.store.allEntries()) if (entry.seq >= 0) n++;
    return n;
  });
  const first = await scanOf(service);
  const idle = await scanOf(service);
  await deliver(service, "BENCH-N", NEW);
  const afterNew = await scanOf(service);
  await service.stop();
  service = undefined;
  service = await start();
  const afterRestart = await scanOf(service);

  const rowsOf = (subject: string, m: Measured, note: string): Row[] => [
    {
      subject,
      metric: "time",
      value: m.ms,
      unit: "ms",
      baseline: subject === "read every record once" ? undefined : "read every record once",
      note,
    },
    { subject, metric: "peak RSS", value: m.peakRssMiB, unit: "MiB" },
    { subject, metric: "heap growth", value: m.heapGrowthMiB, unit: "MiB" },
  ];
  const rows: Row[] = [
    ...rowsOf("read every record once", baseline, `${baseline.raised} indexed records, one LevelDB iteration`),
    ...rowsOf("first scan", first, `${first.raised} alerts raised`),
    ...rowsOf("scan, nothing new", idle, `${idle.raised} alerts raised`),
    ...rowsOf(`scan after ${NEW} new deliveries`, afterNew, `${afterNew.raised} alerts raised`),
    ...rowsOf("scan after a restart", afterRestart, `${afterRestart.raised} alerts raised`),
  ];
  report("alerts", "bench:alerts — one risk-alert scan on a data directory with a large history", rows, {
    parameters: { history: HISTORY, deliveries: DELIVERIES, newDeliveries: NEW, records: logSize, backend: "embedded" },
    uptime: { atStart: uptimeAtStart, atEnd: uptime() },
  });
} finally {
  await service?.stop();
  rmSync(dir, { recursive: true, force: true });
}
