import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";

/**
 * The benchmark convention: every `npm run bench:<name>` measures its subject and a baseline
 * in the same run, prints one readable table with the ratios, and writes the same figures to
 * bench-results/<name>.json together with the machine they were measured on.
 */
export interface Row {
  readonly subject: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** Subject of the baseline row this one is compared with (same metric). */
  readonly baseline?: string;
  /** The target from the issue, e.g. "≥ 1000" or "≤ 2": shown and checked. */
  readonly target?: string;
  readonly note?: string;
}

export interface Timing {
  readonly opsPerSecond: number;
  readonly runs: number;
}

/** Median ops/s over `runs` timed rounds of about `roundMs` each, after one warm-up round. */
export function measure(fn: () => void, opts: { roundMs?: number; runs?: number } = {}): Timing {
  const roundMs = opts.roundMs ?? 500;
  const runs = opts.runs ?? 5;
  const round = () => {
    let n = 0;
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(roundMs) * 1_000_000n;
    let now = start;
    while (now < deadline) {
      fn();
      n++;
      if ((n & 7) === 0 || n < 8) now = process.hrtime.bigint();
    }
    now = process.hrtime.bigint();
    return n / (Number(now - start) / 1e9);
  };
  round();
  const rates = Array.from({ length: runs }, round).sort((a, b) => a - b);
  return { opsPerSecond: rates[Math.floor(rates.length / 2)]!, runs };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function machine(): Record<string, unknown> {
  const cpu = cpus();
  let openssl: string | undefined;
  try {
    openssl = execFileSync("openssl", ["version"], { stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    openssl = undefined;
  }
  return {
    node: process.version,
    nodeOpenssl: process.versions.openssl,
    openssl,
    cpu: cpu[0]?.model ?? "unknown",
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform}-${process.arch}`,
  };
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString("en-US");
  if (Math.abs(value) >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

function meets(target: string | undefined, value: number): boolean | undefined {
  if (!target) return undefined;
  const m = /^(≥|>=|≤|<=)\s*([0-9.]+)/.exec(target.trim());
  if (!m) return undefined;
  const bound = Number(m[2]);
  return m[1] === "≥" || m[1] === ">=" ? value >= bound : value <= bound;
}

/** Prints the table and writes bench-results/<name>.json. */
export function report(name: string, title: string, rows: readonly Row[], extra: Record<string, unknown> = {}): void {
  const withRatios = rows.map((row) => {
    const base = row.baseline ? rows.find((r) => r.subject === row.baseline && r.metric === row.metric) : undefined;
    const ratio = base && base.value !== 0 ? row.value / base.value : undefined;
    return {
      ...row,
      ...(ratio !== undefined ? { ratio } : {}),
      ...(row.target ? { meetsTarget: meets(row.target, row.value) } : {}),
    };
  });
  const header = ["subject", "metric", "value", "unit", "vs baseline", "target"];
  const lines = withRatios.map((r) => [
    r.subject,
    r.metric,
    fmt(r.value),
    r.unit,
    "ratio" in r && r.ratio !== undefined ? `${fmt(r.ratio)}× ${r.baseline}` : "",
    r.target ? `${r.target} ${r.meetsTarget === undefined ? "" : r.meetsTarget ? "✓" : "✗"}` : "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  console.log(`\n${title}\n`);
  console.log(row(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const l of lines) console.log(row(l));
  for (const r of withRatios) if (r.note) console.log(`  note (${r.subject}, ${r.metric}): ${r.note}`);
  const out = { name, title, date: new Date().toISOString(), machine: machine(), rows: withRatios, ...extra };
  mkdirSync("bench-results", { recursive: true });
  const path = join("bench-results", `${name}.json`);
  writeFileSync(path, JSON.stringify(out, null, 2) + "\n");
  console.log(`\nwritten to ${path}`);
}
