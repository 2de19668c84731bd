import { execFileSync } from "node:child_process";
import { loadavg, homedir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chaincodeHistory, hardhatHistory, type History } from "./bench/restart-history.ts";
import { report, type Row } from "./bench/report.ts";

/**
 * bench:restart — how long the embedded chain takes to start and how much memory it holds,
 * against the length of its history: the chaincode engine on its LevelDB store after 1k, 100k
 * and 1M records, and, as the baseline measured in the same run, the earlier Hardhat engine
 * (which replays its journal at every start) at small sizes. Each start is a process of its
 * own (`scripts/bench/restart-probe.ts`): open, read the newest organisation, dry-run a new
 * record; the median of `--runs` starts is reported, with the RSS after it. The starts go in
 * rounds, every history once a round, so load from other work falls on every size alike.
 *
 * Histories are built once (`scripts/bench/restart-history.ts`) and kept in `--cache`
 * (default ~/.cache/pdl-bench-restart, outside the repository).
 *
 * Flags: --sizes 1000,100000,1000000  --baseline 1000,4000  --runs 9  --cache DIR
 */
const { values: flags } = parseArgs({
  options: {
    sizes: { type: "string", default: "1000,100000,1000000" },
    baseline: { type: "string", default: "1000,4000" },
    runs: { type: "string", default: "9" },
    cache: { type: "string", default: join(homedir(), ".cache", "pdl-bench-restart") },
  },
});
const list = (raw: string) =>
  raw.split(",").map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 3) throw new Error(`not a history size: ${s}`);
    return n;
  });
const SIZES = list(flags.sizes!);
const BASELINE = list(flags.baseline!);
const RUNS = Number(flags.runs);
const TARGET_MS = 5000;
const TARGET_MB = 1024;

interface Start {
  ms: number;
  rssBeforeMB: number;
  rssMB: number;
}

function probeOnce(engine: "chaincode" | "hardhat", history: History): Start {
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", join(import.meta.dirname, "bench", "restart-probe.ts"), engine, JSON.stringify(history)],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  return JSON.parse(out.trim().split("\n").at(-1)!) as Start;
}

const label = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n));
const uptime = () => execFileSync("uptime", { encoding: "utf8" }).trim();
const log = (s: string) => console.log(s);

interface Subject {
  readonly engine: "chaincode" | "hardhat";
  readonly n: number;
  readonly history: History;
  readonly starts: Start[];
}
const subjects: Subject[] = [];
for (const n of BASELINE) {
  log(`Hardhat engine: journal of ${n} transactions`);
  subjects.push({ engine: "hardhat", n, history: await hardhatHistory(flags.cache!, n), starts: [] });
}
for (const n of SIZES) {
  log(`chaincode engine: ${n} records`);
  subjects.push({ engine: "chaincode", n, history: await chaincodeHistory(flags.cache!, n, log), starts: [] });
}

// Rounds, each starting every history once: other work on the machine then weighs on every
// size alike instead of on whichever was measured while it ran.
const load = [loadavg()[0]!];
const uptimeAtStart = uptime();
log(`${RUNS} rounds of starts; ${uptimeAtStart}`);
for (let round = 0; round < RUNS; round++) {
  for (const s of subjects) s.starts.push(probeOnce(s.engine, s.history));
  load.push(loadavg()[0]!);
}
const uptimeAtEnd = uptime();
const median = (starts: readonly Start[]) => [...starts].sort((a, b) => a.ms - b.ms)[Math.floor(starts.length / 2)]!;

const rows: Row[] = [];
let smallest: string | undefined;
for (const { engine, n, history, starts } of subjects) {
  const s = median(starts);
  const fastest = Math.min(...starts.map((x) => x.ms));
  if (engine === "hardhat") {
    const subject = `hardhat ${label(n)} tx`;
    rows.push({
      subject,
      metric: "start",
      value: s.ms,
      unit: "ms",
      baseline: `hardhat ${label(BASELINE[0]!)} tx`,
      note: `fastest ${fastest.toFixed(1)} ms`,
    });
    rows.push({
      subject,
      metric: "RSS",
      value: s.rssMB,
      unit: "MB",
      note: `before the open ${s.rssBeforeMB.toFixed(0)} MB`,
    });
    continue;
  }
  const subject = `chaincode ${label(n)} records`;
  smallest ??= subject;
  const largest = n === Math.max(...SIZES);
  const tables = history.layout ? `; tables per level ${history.layout.files.join(" ")}` : "";
  rows.push({
    subject,
    metric: "start",
    value: s.ms,
    unit: "ms",
    baseline: subject === smallest ? `hardhat ${label(BASELINE[0]!)} tx` : smallest,
    ...(largest ? { target: `≤ ${TARGET_MS}` } : {}),
    note: `fastest ${fastest.toFixed(1)} ms${tables}`,
  });
  rows.push({
    subject,
    metric: "RSS",
    value: s.rssMB,
    unit: "MB",
    baseline: subject === smallest ? undefined : smallest,
    ...(largest ? { target: `≤ ${TARGET_MB}` } : {}),
    note: `before the open ${s.rssBeforeMB.toFixed(0)} MB`,
  });
}
const big = rows.filter((r) => r.subject.startsWith("chaincode") && r.metric === "start");
const ratio = big.length > 1 ? big.at(-1)!.value / big[0]!.value : 1;
rows.push({
  subject: `chaincode ${label(Math.max(...SIZES))}/${label(Math.min(...SIZES))}`,
  metric: "start ratio",
  value: ratio,
  unit: "×",
  target: "≤ 2",
});
report("restart", "bench:restart — embedded chain start-up against history length", rows, {
  loadAverage1m: load,
  uptime: { atStart: uptimeAtStart, atEnd: uptimeAtEnd },
  runs: RUNS,
});
