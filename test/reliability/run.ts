import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { copyOf, history } from "./history.ts";
import { killUnderLoad } from "./kill9.ts";
import { chainOutages } from "./outage.ts";
import { personalDataScan } from "./personal-data.ts";
import { fuzzSuite } from "./fuzz.ts";
import { emptyCounts, summary, type Counts } from "./truth.ts";

/**
 * npm run test:reliability — the service under the faults a year of real use brings, from a
 * data directory that already holds history (≥ 10k records, built once and cached outside the
 * repository, see history.ts). Parts (--parts, comma-separated; the default runs all four):
 *   kill9   kill -9 × 20 of the service as `npm start` runs it (the default backend), under load;
 *           every acknowledged write checked in the index, the log (a receipt that verifies) and
 *           on chain (indexes rebuilt from the chain alone); every new checkpoint proven
 *           consistent with the last one seen;
 *   fuzz    the fuzz suite (test/service/fuzz.test.ts);
 *   scan    the data directory searched for the personal data of a delivered file: 0 hits;
 *   outage  chain outages against a real EVM node process (`hardhat node`): network cut, answers
 *           lost after the send, frozen link, node frozen by SIGSTOP, node restarted empty; every
 *           answer checked against what was written (about a minute and a half).
 * It prints the counts (acknowledged, lost, inconsistent, untruthful answers, 5xx) and fails if
 * any but the first is not zero.
 *
 * Flags: --kills N (20), --history N (10000 records), --writers N (8), --parts LIST.
 */
const { values: flags } = parseArgs({
  options: {
    kills: { type: "string", default: "20" },
    history: { type: "string", default: "10000" },
    writers: { type: "string", default: "8" },
    parts: { type: "string", default: "kill9,fuzz,scan,outage" },
  },
});
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const started = Date.now();
const say = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const work = mkdtempSync(join(tmpdir(), "pdl-reliability-"));
const results: { part: string; counts: Counts }[] = [];
let failed = false;
try {
  const parts = new Set(flags.parts.split(","));
  // Only the parts that start from history need it built (or taken from the cache).
  const h = parts.has("kill9") || parts.has("scan") ? await history(root, Number(flags.history), say) : undefined;
  if (parts.has("fuzz")) {
    const fuzz = emptyCounts();
    await fuzzSuite(root, fuzz, say);
    results.push({ part: "fuzz", counts: fuzz });
  }
  if (parts.has("kill9")) {
    const kills = emptyCounts();
    await killUnderLoad(
      {
        root,
        dir: copyOf(h!, join(work, "kill9")),
        history: h!,
        rounds: Number(flags.kills),
        writers: Number(flags.writers),
        loadMs: [1_500, 4_000],
        say,
      },
      kills,
    );
    results.push({ part: "kill -9", counts: kills });
    say(`kill -9: ${summary(kills)}`);
  }
  if (parts.has("scan")) {
    const scan = emptyCounts();
    await personalDataScan({ dir: copyOf(h!, join(work, "scan")), work, records: 1_000, say }, scan);
    results.push({ part: "personal data", counts: scan });
  }
  if (parts.has("outage")) {
    const outage = emptyCounts();
    await chainOutages({ root, dir: join(work, "outage"), writers: Number(flags.writers), say }, outage);
    results.push({ part: "chain outage", counts: outage });
    say(`chain outage: ${summary(outage)}`);
  }
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  rmSync(work, { recursive: true, force: true });
}

const total = emptyCounts();
for (const { counts } of results)
  for (const k of Object.keys(total) as (keyof Counts)[])
    if (k === "problems") total.problems.push(...counts.problems);
    else total[k] += counts[k];
for (const p of total.problems) console.log(`  ${p}`);
console.log(`\nreliability: ${summary(total)}`);
const bad = total.lost + total.inconsistent + total.untruthful + total.fiveXX + total.refused;
if (failed || bad > 0 || (results.some((r) => r.part === "kill -9") && total.acknowledged === 0)) {
  console.log("reliability: FAILED");
  process.exitCode = 1;
} else console.log("reliability: passed");
