import { randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { percentile, report, type Row } from "./bench/report.ts";
import {
  deliverDataset,
  deriveDeliveryKeys,
  deriveIndexKey,
  FingerprintStore,
  HandleComputer,
  ProofTree,
  readAllRecords,
  readRecordBatches,
  RecordWriter,
  traceRows,
  type WatermarkSpec,
} from "../ledger-service/src/trace/index.ts";

/**
 * bench:trace — leak-tracing library.
 *
 *   TRACE_BENCH_RECORDS  records delivered (default 1,000,000)
 *   TRACE_BENCH_INDEX    fingerprints indexed in the store (default 10,000,000, the target;
 *                        building it took ~30 s and a few hundred MB of temporary disk on the bench
 *                        machine; set e.g. TRACE_BENCH_INDEX=1000000 for a quicker run)
 *
 * Baselines in the same run: plain parse + write of the same file (no marking, no hashing), and
 * a single LevelDB get for the lookups.
 */
const RECORDS = Number(process.env.TRACE_BENCH_RECORDS ?? 1_000_000);
const INDEX = Number(process.env.TRACE_BENCH_INDEX ?? 10_000_000);
const MASTER = Buffer.alloc(32, 0x5a);
const STORAGE_KEY = Buffer.alloc(32, 0x33);
const DISTRICTS = ["龙华区", "深圳市龙华区", "观澜街道", "民治街道"];

const SPEC: WatermarkSpec = {
  keyColumns: ["id"],
  columns: [
    { column: "amount", kind: "number", decimals: 2, min: 0 },
    { column: "count", kind: "number", decimals: 0, min: 0 },
    { column: "district", kind: "variants", variants: [["龙华区", "深圳市龙华区"]] },
  ],
};

async function writeDataset(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  let s = "id,district,category,date,amount,count,score\n";
  for (let i = 0; i < n; i++) {
    s += `P${String(i).padStart(8, "0")},${DISTRICTS[i % 4]},cat-${i % 37},2024-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")},${((i * 7919) % 10_000_000) / 100},${i % 500},${(i % 1000) / 10}\n`;
    if (s.length > 1 << 20) {
      if (!out.write(s)) await new Promise<void>((r) => out.once("drain", () => r()));
      s = "";
    }
  }
  await new Promise<void>((r) => out.end(s, () => r()));
}

function ms(since: number): number {
  return performance.now() - since;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "pdl-bench-trace-"));
  const rows: Row[] = [];
  const extra: Record<string, unknown> = { records: RECORDS, indexed: INDEX };
  try {
    console.log(`generating ${RECORDS.toLocaleString("en-US")} records…`);
    const input = join(dir, "input.csv");
    await writeDataset(input, RECORDS);

    // Baseline: parse + write, nothing else.
    let t = performance.now();
    const w = new RecordWriter(join(dir, "plain.csv"), "csv");
    let n = 0;
    for await (const batch of readRecordBatches(input)) {
      for (const r of batch) w.add(r);
      n += batch.length;
      if (w.full) await w.flush();
    }
    await w.close();
    const baseSeconds = ms(t) / 1000;
    rows.push({ subject: "parse + write (no marking)", metric: `seconds for ${n.toLocaleString("en-US")} records`, value: baseSeconds, unit: "s" });

    t = performance.now();
    const noHandles = await deliverDataset({ input, output: join(dir, "marked-nohandles.csv"), deliveryId: "bench-0", masterSecret: MASTER, watermark: SPEC, indexKey: null, returnHashes: false });
    const nhSeconds = ms(t) / 1000;
    rows.push({ subject: "deliver: watermark + fingerprint + root", metric: `seconds for ${n.toLocaleString("en-US")} records`, value: nhSeconds, unit: "s", baseline: "parse + write (no marking)", target: RECORDS === 1_000_000 ? "≤ 5" : undefined });

    t = performance.now();
    const delivery = await deliverDataset({ input, output: join(dir, "marked.csv"), deliveryId: "bench-1", masterSecret: MASTER, watermark: SPEC, progressBar: process.stderr.isTTY });
    const fullSeconds = ms(t) / 1000;
    rows.push({ subject: "deliver: + lookup handles", metric: `seconds for ${n.toLocaleString("en-US")} records`, value: fullSeconds, unit: "s", baseline: "parse + write (no marking)", target: RECORDS === 1_000_000 ? "≤ 5" : undefined });
    rows.push({ subject: "deliver: + lookup handles", metric: "records per second", value: RECORDS / fullSeconds, unit: "rec/s" });
    extra.delivery = { recordCount: delivery.recordCount, fingerprintRoot: delivery.fingerprintRoot, watermarkCommitment: delivery.watermarkCommitment, embed: delivery.embed, noHandlesRoot: noHandles.fingerprintRoot };

    // The store: the delivery's own handles plus random ones up to INDEX.
    const storeDir = join(dir, "store");
    const store = await FingerprintStore.open(storeDir, { storageKey: STORAGE_KEY, indexKey: deriveIndexKey(MASTER) });
    t = performance.now();
    const own = Math.min(INDEX, delivery.recordCount);
    await store.registerDelivery({ deliveryId: delivery.deliveryId, recordCount: delivery.recordCount, fingerprintRoot: delivery.fingerprintRoot, watermarkCommitment: delivery.watermarkCommitment, watermark: SPEC });
    await store.addHandles(delivery.deliveryId, delivery.handles!.subarray(0, own * 16));
    let filled = own;
    let filler = 0;
    while (filled < INDEX) {
      const size = Math.min(1_000_000, INDEX - filled);
      const id = `filler-${filler++}`;
      await store.registerDelivery({ deliveryId: id, recordCount: size, fingerprintRoot: "00".repeat(32), watermarkCommitment: "00".repeat(32) });
      for (let o = 0; o < size; o += 100_000) await store.addHandles(id, randomBytes(Math.min(100_000, size - o) * 16), o);
      filled += size;
      process.stderr.write(`\rindexed ${filled.toLocaleString("en-US")} / ${INDEX.toLocaleString("en-US")}`);
    }
    process.stderr.write("\n");
    const buildSeconds = ms(t) / 1000;
    rows.push({ subject: "store: index handles", metric: `seconds for ${INDEX.toLocaleString("en-US")}`, value: buildSeconds, unit: "s" });
    rows.push({ subject: "store: index handles", metric: "handles per second", value: INDEX / buildSeconds, unit: "handles/s" });

    // Leaked records: taken from the delivered (marked) file.
    const marked = await readAllRecords(join(dir, "marked.csv"));
    const hc = new HandleComputer(store.indexKey);
    const pick = (k: number) => marked[Math.floor((k * 2654435761) % Math.min(own, marked.length))]!;

    // Baseline: one LevelDB get of a present key.
    const getTimes: number[] = [];
    const probe = Buffer.concat([Buffer.of(0x6d), Buffer.from("nextRef")]);
    for (let i = 0; i < 300; i++) {
      t = performance.now();
      await store.db.get(probe);
      getTimes.push(ms(t));
    }
    getTimes.sort((a, b) => a - b);
    rows.push({ subject: "leveldb get (1 key)", metric: "p99 latency", value: percentile(getTimes, 99), unit: "ms" });

    const one: number[] = [];
    for (let i = 0; i < 300; i++) {
      const r = pick(i);
      t = performance.now();
      const res = await traceRows([r], { store, candidates: [] });
      one.push(ms(t));
      if (res.unmatchedRecords !== 0) throw new Error("a delivered record was not found");
    }
    one.sort((a, b) => a - b);
    rows.push({ subject: `trace 1 record vs ${INDEX.toLocaleString("en-US")}`, metric: "p99 latency", value: percentile(one, 99), unit: "ms", baseline: "leveldb get (1 key)", target: "≤ 50", note: `p50 ${percentile(one, 50).toFixed(2)} ms` });

    const tenK: number[] = [];
    for (let round = 0; round < 7; round++) {
      const batch = Array.from({ length: 10_000 }, (_, i) => pick(round * 10_000 + i + 1));
      t = performance.now();
      const res = await traceRows(batch, { store, candidates: [] });
      tenK.push(ms(t));
      if (res.unmatchedRecords !== 0) throw new Error("delivered records were not found");
    }
    tenK.sort((a, b) => a - b);
    rows.push({ subject: `trace 10k records vs ${INDEX.toLocaleString("en-US")}`, metric: "p99 latency", value: percentile(tenK, 99) / 1000, unit: "s", target: "≤ 2", note: `median ${(percentile(tenK, 50) / 1000).toFixed(3)} s over ${tenK.length} rounds` });

    // Handles alone and proofs (information).
    t = performance.now();
    for (let i = 0; i < 10_000; i++) hc.handle(pick(i));
    rows.push({ subject: "lookup handle (HMAC-SM3)", metric: "handles per second", value: 10_000 / (ms(t) / 1000), unit: "handles/s" });
    const tree = new ProofTree(delivery.leafHashes!);
    t = performance.now();
    await tree.proof(0);
    const firstProof = ms(t);
    t = performance.now();
    for (let i = 1; i <= 1000; i++) await tree.proof((i * 7919) % tree.size);
    rows.push({ subject: `inclusion proof in ${tree.size.toLocaleString("en-US")} leaves`, metric: "first proof (builds the cache)", value: firstProof, unit: "ms" });
    rows.push({ subject: `inclusion proof in ${tree.size.toLocaleString("en-US")} leaves`, metric: "each further proof", value: ms(t) / 1000, unit: "ms" });

    // Watermark detection on a leaked subset (information).
    const keys = deriveDeliveryKeys(MASTER, delivery.deliveryId);
    const leak = Array.from({ length: 50 }, (_, i) => pick(i + 12345));
    t = performance.now();
    const wm = await traceRows(leak, { candidates: [{ deliveryId: delivery.deliveryId, keys, watermark: SPEC }] });
    rows.push({ subject: "watermark detection, 50 records, 1 candidate", metric: "time", value: ms(t), unit: "ms", note: `matched ${wm.watermark[0]!.matched}/${wm.watermark[0]!.total}, p = ${wm.watermark[0]!.pValue.toExponential(2)}` });
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (INDEX < 10_000_000) console.log(`\nNOTE: the index holds ${INDEX.toLocaleString("en-US")} fingerprints (TRACE_BENCH_INDEX); the issue's target is 10,000,000 — run TRACE_BENCH_INDEX=10000000 npm run bench:trace.`);
  report("trace", "Leak tracing: watermark + fingerprint pipeline and fingerprint-store lookups", rows, extra);
}

await main();
