import { cpSync, mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { execFileSync } from "node:child_process";
import { cpus, homedir, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import express from "express";
import type { SignedRecord } from "../core/record.ts";
import { DEFAULTS, type Config } from "../ledger-service/src/config.ts";
import type { LedgerClient } from "../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../ledger-service/src/service.ts";
import { hopBody } from "./scenarios/fixtures.ts";
import { clientsFor, playStory } from "./scenarios/service-story.ts";
import { runInChild, type LoadResult, type PreparedRequest } from "./bench/load-generator.ts";
import { HISTORY_PASSPHRASE, serviceHistory } from "./bench/service-history.ts";
import { percentile, report, type Row } from "./bench/report.ts";

/**
 * bench:service — accepted writes per second, with receipts, through the ledger service on the
 * embedded chain, and their latency, under a closed-loop load generator on loopback (its own
 * process, `--concurrency` requests in flight). Every write is a valid lineage hop (operator op,
 * grant G1, product P1 of the test story) that the chain accepts and the SM3 log records; the
 * 201 answer carries its receipt.
 *
 * Baselines measured in the same run:
 *  - the same writes submitted in process to the service's RecordService, without HTTP
 *    (no request signature, nonce store, Express or JSON over the wire): what the chain,
 *    indexer and log allow;
 *  - a bare Express 5 echo of the same request bodies on loopback with the same generator:
 *    what HTTP and Express allow on this machine.
 * Also reported: the unloaded latency (one request in flight), the chain path's time per write
 * and the records per group (from the service's own /metrics) and the service's CPU per write.
 *
 * The service starts on a copy of a data directory that already holds `--history` accepted
 * lineage hops (default 100,000; built once by `scripts/bench/service-history.ts` and cached in
 * `--cache`, default ~/.cache/pdl-bench-service); `--history 0` starts from an empty one.
 *
 * Flags: --writes N (default 2000), --concurrency C (default 32), --warmup N (default 300),
 * --history N (default 100000), --cache DIR.
 */
const { values: flags } = parseArgs({
  options: {
    writes: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "32" },
    warmup: { type: "string", default: "300" },
    history: { type: "string", default: "100000" },
    cache: { type: "string", default: join(homedir(), ".cache", "pdl-bench-service") },
  },
});
const positive = (name: string, raw: string | undefined): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${raw}"`);
  return n;
};
const WRITES = positive("writes", flags.writes);
const CONCURRENCY = positive("concurrency", flags.concurrency);
const WARMUP = positive("warmup", flags.warmup);
const HISTORY = flags.history === "0" ? 0 : positive("history", flags.history);
const UNLOADED = Math.min(200, WRITES);
const TARGET_WPS = 500;
const TARGET_P99_MS = 200;

const HOST = "127.0.0.1";
const dir = mkdtempSync(join(tmpdir(), "pdl-bench-service-"));
// One load generator is one caller at hundreds of writes a second: above the default per-caller rate limit.
const config: Config = {
  ...DEFAULTS,
  host: HOST,
  port: 0,
  dataDir: dir,
  logLevel: "silent",
  http: { ...DEFAULTS.http, ratePerCaller: 1_000_000 },
};
let service: RunningService | undefined;
let echo: ReturnType<ReturnType<typeof express>["listen"]> | undefined;

interface Phase {
  readonly n: number;
  readonly wallMs: number;
  readonly sorted: number[];
}

const phaseOf = (latenciesMs: readonly number[], wallMs: number): Phase => ({
  n: latenciesMs.length,
  wallMs,
  sorted: [...latenciesMs].sort((a, b) => a - b),
});
const rate = (p: Phase) => p.n / (p.wallMs / 1000);

function accepted(result: LoadResult, expected: number, what: string): void {
  const ok = result.statuses["201"] ?? 0;
  if (ok !== expected)
    throw new Error(
      `${what}: ${ok} of ${expected} writes accepted (statuses ${JSON.stringify(result.statuses)}): ${result.errors.join(" | ")}`,
    );
}

/** Valid lineage hops signed by the operator (SM2); over HTTP the record's signature is the request's too. */
function signHops(op: LedgerClient, prefix: string, n: number): SignedRecord<"lineage.hop">[] {
  return Array.from({ length: n }, (_, i) =>
    op.sign("lineage.hop", hopBody(`${prefix}-${String(i).padStart(6, "0")}`) as never),
  );
}

function asRequests(op: LedgerClient, records: readonly SignedRecord[]): PreparedRequest[] {
  return records.map((signed) => {
    const body = JSON.stringify(signed);
    // As the SDK sends a signed record: under the record's own signature (one verification).
    const headers = op.signatureHeaders(
      "POST",
      "/v1/records",
      Buffer.from(body, "utf8"),
      undefined,
      undefined,
      signed.signature,
    );
    return {
      method: "POST",
      path: "/v1/records",
      headers: { ...headers, "content-type": "application/json", accept: "application/json" },
      body,
    };
  });
}

/** A sample of the service's /metrics text: `name` exactly (a counter or a histogram's _sum / _count). */
async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
}

/** The chain path's busy time and the records and groups it carried, so far. */
async function chainPath(base: string): Promise<{ seconds: number; records: number; groups: number }> {
  return {
    seconds: await metric(base, "pdl_chain_busy_seconds_total"),
    records: await metric(base, "pdl_chain_batch_records_sum"),
    groups: await metric(base, "pdl_chain_batch_records_count"),
  };
}

const fmtMs = (ms: number) => `${ms.toFixed(1)} ms`;

const loadAtStart = loadavg()[0]!;
const uptime = () => execFileSync("uptime", { encoding: "utf8" }).trim();
const uptimeAtStart = uptime();
try {
  const cores = cpus().length;
  console.log(
    `bench:service — ${WRITES} writes at concurrency ${CONCURRENCY} (warm-up ${WARMUP}), embedded chain, ${cores} cores, Node ${process.version}`,
  );
  if (HISTORY > 0) {
    const history = await serviceHistory(flags.cache!, HISTORY, config, (s) => console.log(s));
    cpSync(history.dir, dir, { recursive: true });
  }
  service = await startService(config, { env: { LEDGER_AGENCY_PASSPHRASE: HISTORY_PASSPHRASE } });
  const port = service.address().port;
  const base = `http://${HOST}:${port}`;
  const c = clientsFor(service, base);
  if (HISTORY === 0) await playStory(service, c);
  const startSize = service.log.size;
  console.log(
    `service on ${base}; actors, resources, grant G1 and product P1 registered, ${HISTORY} hops before (log size ${startSize})`,
  );

  // Warm-up: JIT, LevelDB, the chain's caches.
  accepted(
    await runInChild({
      host: HOST,
      port,
      concurrency: CONCURRENCY,
      requests: asRequests(c.op, signHops(c.op, "W", WARMUP)),
    }),
    WARMUP,
    "warm-up",
  );

  // Subject requests are signed now (request timestamps stay inside the ±300 s window).
  process.stdout.write(`signing ${WRITES} hops (record + request signatures)… `);
  const subjectRequests = asRequests(c.op, signHops(c.op, "B", WRITES));
  console.log("done");

  // Baseline 1: bare Express echo of the same bodies, same generator, same concurrency.
  const app = express();
  app.disable("x-powered-by");
  app.use(express.raw({ type: () => true, limit: config.bodyLimitBytes }));
  app.post("/v1/records", (req, res) => {
    const raw = req.body as Buffer;
    const parsed = JSON.parse(raw.toString("utf8")) as { record: { body: { id: string } } };
    res.status(201).json({ id: parsed.record.body.id, bytes: raw.length });
  });
  echo = await new Promise<ReturnType<typeof app.listen>>((ok, refuse) => {
    const s = app.listen(0, HOST, (err?: Error) => (err ? refuse(err) : ok(s)));
  });
  const echoResult = await runInChild({
    host: HOST,
    port: (echo.address() as AddressInfo).port,
    concurrency: CONCURRENCY,
    requests: subjectRequests,
  });
  accepted(echoResult, WRITES, "echo");
  const echoPhase = phaseOf(echoResult.latenciesMs, echoResult.wallMs);
  console.log(`echo baseline: ${rate(echoPhase).toFixed(0)} req/s`);

  // Subject: signed writes over HTTP.
  const chainBefore = await chainPath(base);
  const cpuBefore = process.cpuUsage();
  const sizeBefore = service.log.size;
  const httpResult = await runInChild({ host: HOST, port, concurrency: CONCURRENCY, requests: subjectRequests });
  const cpu = process.cpuUsage(cpuBefore);
  accepted(httpResult, WRITES, "HTTP writes");
  const chainAfter = await chainPath(base);
  const logged = service.log.size - sizeBefore;
  if (logged !== WRITES) throw new Error(`the log grew by ${logged}, not ${WRITES}`);
  const httpPhase = phaseOf(httpResult.latenciesMs, httpResult.wallMs);
  const chainRecords = Math.max(1, chainAfter.records - chainBefore.records);
  const chainMsPerWrite = ((chainAfter.seconds - chainBefore.seconds) / chainRecords) * 1000;
  const groupSize = chainRecords / Math.max(1, chainAfter.groups - chainBefore.groups);
  const cpuMsPerWrite = (cpu.user + cpu.system) / 1000 / WRITES;
  console.log(
    `HTTP writes: ${rate(httpPhase).toFixed(0)} writes/s, p50 ${fmtMs(percentile(httpPhase.sorted, 50))}, p99 ${fmtMs(percentile(httpPhase.sorted, 99))}`,
  );

  // Unloaded latency: one request in flight.
  const unloadedResult = await runInChild({
    host: HOST,
    port,
    concurrency: 1,
    requests: asRequests(c.op, signHops(c.op, "U", UNLOADED)),
  });
  accepted(unloadedResult, UNLOADED, "unloaded writes");
  const unloaded = phaseOf(unloadedResult.latenciesMs, unloadedResult.wallMs);

  // Baseline 2: the same writes submitted in process, without HTTP, same concurrency.
  const direct = signHops(c.op, "D", WRITES);
  const records = service.records;
  const latencies: number[] = [];
  let next = 0;
  const directStart = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < direct.length) {
        const signed = direct[next++]!;
        const t = process.hrtime.bigint();
        const res = await records.submit(signed, { orgId: signed.record.actor, role: "operator" });
        if (!res.receipt) throw new Error(`no receipt for ${res.id}`);
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  const directPhase = phaseOf(latencies, Number(process.hrtime.bigint() - directStart) / 1e6);
  console.log(`in-process submit: ${rate(directPhase).toFixed(0)} writes/s`);

  const HTTP = "HTTP writes (POST /v1/records)";
  const DIRECT = "in-process RecordService.submit";
  const ECHO = "bare Express 5 echo";
  const rows: Row[] = [
    {
      subject: HTTP,
      metric: "throughput",
      value: rate(httpPhase),
      unit: "writes/s",
      baseline: DIRECT,
      target: `≥ ${TARGET_WPS}`,
      note: `accepted lineage hops with receipts, ${CONCURRENCY} in flight; ${((rate(httpPhase) / rate(echoPhase)) * 100).toPrecision(2)} % of the echo's ${rate(echoPhase).toFixed(0)} req/s`,
    },
    { subject: HTTP, metric: "p50 latency", value: percentile(httpPhase.sorted, 50), unit: "ms", baseline: DIRECT },
    {
      subject: HTTP,
      metric: "p99 latency",
      value: percentile(httpPhase.sorted, 99),
      unit: "ms",
      baseline: DIRECT,
      target: `≤ ${TARGET_P99_MS}`,
    },
    {
      subject: DIRECT,
      metric: "throughput",
      value: rate(directPhase),
      unit: "writes/s",
      baseline: ECHO,
      note: "same hops, same concurrency, no HTTP / request auth / nonce store",
    },
    { subject: DIRECT, metric: "p50 latency", value: percentile(directPhase.sorted, 50), unit: "ms" },
    { subject: DIRECT, metric: "p99 latency", value: percentile(directPhase.sorted, 99), unit: "ms" },
    {
      subject: ECHO,
      metric: "throughput",
      value: rate(echoPhase),
      unit: "req/s",
      note: "same bodies, same generator and concurrency; parses the JSON, answers 201",
    },
    { subject: ECHO, metric: "p50 latency", value: percentile(echoPhase.sorted, 50), unit: "ms" },
    { subject: ECHO, metric: "p99 latency", value: percentile(echoPhase.sorted, 99), unit: "ms" },
    {
      subject: "HTTP write, unloaded (1 in flight)",
      metric: "p50 latency",
      value: percentile(unloaded.sorted, 50),
      unit: "ms",
      baseline: HTTP,
    },
    {
      subject: "HTTP write, unloaded (1 in flight)",
      metric: "p99 latency",
      value: percentile(unloaded.sorted, 99),
      unit: "ms",
      baseline: HTTP,
    },
    {
      subject: "chain path (dry run + mining of each group)",
      metric: "per write",
      value: chainMsPerWrite,
      unit: "ms",
      note: `${groupSize.toFixed(1)} records per group on average; ceiling ${(1000 / chainMsPerWrite).toFixed(0)} writes/s from the chain alone (the service's pdl_chain_busy_seconds_total during the HTTP phase)`,
    },
    {
      subject: "service process CPU (all threads)",
      metric: "per write",
      value: cpuMsPerWrite,
      unit: "ms",
      note: `ceiling ${((cores * 1000) / cpuMsPerWrite).toFixed(0)} writes/s if all ${cores} cores were the service's (the generator has its own process)`,
    },
    {
      subject: "load generator CPU",
      metric: "per write",
      value: httpResult.cpuMs / WRITES,
      unit: "ms",
      note: "the generator shares the machine's cores with the service",
    },
  ];
  const chainCeiling = 1000 / chainMsPerWrite;
  const analysis = [
    `Records queued while the chain is busy go to it as one group (one dry run, one relayBatch transaction, one block): ${groupSize.toFixed(1)} records per group on average, ${chainMsPerWrite.toFixed(2)} ms of chain time per write at that group size (${chainCeiling.toFixed(0)} writes/s if the chain were the only limit; larger groups cost less per record); HTTP writes reached ${((rate(httpPhase) / chainCeiling) * 100).toFixed(0)} % of it.`,
    `The in-process submit without HTTP reached ${rate(directPhase).toFixed(0)} writes/s, so HTTP, request authentication and the nonce store cost ${((1 - rate(httpPhase) / rate(directPhase)) * 100).toFixed(0)} % of the throughput; the bare Express echo answers ${rate(echoPhase).toFixed(0)} req/s on this machine.`,
    `The service used ${cpuMsPerWrite.toFixed(2)} ms of CPU per write over all its threads (SM2 verification runs in worker threads); with ${CONCURRENCY} requests in flight, p50 ≈ concurrency / throughput = ${((CONCURRENCY / rate(httpPhase)) * 1000).toFixed(0)} ms; one request alone takes ${percentile(unloaded.sorted, 50).toFixed(1)} ms (p50).`,
  ];
  const met = {
    writesPerSecond: rate(httpPhase) >= TARGET_WPS,
    p99: percentile(httpPhase.sorted, 99) <= TARGET_P99_MS,
  };
  report("service", "bench:service — signed writes through the ledger service on the embedded chain", rows, {
    parameters: {
      writes: WRITES,
      concurrency: CONCURRENCY,
      warmup: WARMUP,
      unloadedWrites: UNLOADED,
      operation: "lineage.hop",
      backend: "embedded",
      generator: "closed loop, own process, keep-alive HTTP/1.1 on loopback",
      history: HISTORY,
    },
    targets: { writesPerSecond: TARGET_WPS, p99Ms: TARGET_P99_MS, met },
    statuses: { http: httpResult.statuses, echo: echoResult.statuses, unloaded: unloadedResult.statuses },
    analysis,
    loadAverage1m: {
      atStart: loadAtStart,
      atEnd: loadavg()[0]!,
      note: "other processes on the machine share its cores; a 1-minute load above ~1 at the start means the figures are pessimistic",
    },
    uptime: { atStart: uptimeAtStart, atEnd: uptime() },
  });
  for (const line of analysis) console.log(`  ${line}`);
  console.log(
    `\ntargets: ≥ ${TARGET_WPS} writes/s ${met.writesPerSecond ? "met" : "missed"}, p99 ≤ ${TARGET_P99_MS} ms ${met.p99 ? "met" : "missed"}`,
  );
} finally {
  echo?.close();
  await service?.stop();
  rmSync(dir, { recursive: true, force: true });
}
