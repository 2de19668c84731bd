import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MerkleTree } from "merkletreejs";
import smCrypto from "sm-crypto";
import { MerkleLog } from "../ledger-service/src/log/merkle-log.ts";
import { MemoryTree, SM3, leafHash, verifyInclusion } from "../ledger-service/src/log/rfc9162.ts";
import { percentile, report, type Row } from "./bench/report.ts";

/**
 * bench:merkle — the SM3 transparency log on one core:
 *  - in-memory tree build over 1M leaves (leaf hash + node hashes), against merkletreejs with
 *    sm-crypto's SM3 on the same leaves (what a JavaScript user would reach for), and against
 *    the SM3 limit measured by `openssl speed -evp sm3` (two SM3 calls per leaf);
 *  - durable appends into LevelDB (synced batches, acknowledged only when durable);
 *  - inclusion-proof latency on a durable log of BENCH_MERKLE_PROOF_SIZE leaves (default 10M).
 * Sizes can be lowered with BENCH_MERKLE_LEAVES / BENCH_MERKLE_PROOF_SIZE for a quick look.
 */
const LEAVES = Number(process.env.BENCH_MERKLE_LEAVES ?? 1_000_000);
const BASELINE_LEAVES = Math.min(LEAVES, 100_000);
const PROOF_SIZE = Number(process.env.BENCH_MERKLE_PROOF_SIZE ?? 10_000_000);
const PROOFS = 2_000;
const ENTRY_BYTES = 64;

const entries = Array.from({ length: LEAVES }, () => randomBytes(ENTRY_BYTES));
const rows: Row[] = [];
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

// Baseline: merkletreejs + sm-crypto SM3 (hex strings in and out, as its users call it).
{
  const hashFn = (data: Buffer | string) => Buffer.from(smCrypto.sm3(typeof data === "string" ? data : Array.from(data)), "hex");
  const sample = entries.slice(0, BASELINE_LEAVES);
  const start = process.hrtime.bigint();
  const tree = new MerkleTree(sample, hashFn, { hashLeaves: true });
  const rate = BASELINE_LEAVES / seconds(start);
  if (tree.getRoot().length !== 32) throw new Error("baseline tree has no root");
  rows.push({ subject: "merkletreejs 0.6 + sm-crypto", metric: "tree build, leaves/s", value: rate, unit: "leaves/s", note: `measured on ${BASELINE_LEAVES.toLocaleString("en-US")} leaves` });
}

// SM3 limit: OpenSSL's own speed over 64-byte blocks, two hashes per leaf.
try {
  const out = execFileSync("openssl", ["speed", "-seconds", "2", "-bytes", String(ENTRY_BYTES), "-evp", "sm3"], { stdio: ["ignore", "pipe", "ignore"] }).toString();
  const m = /^sm3\s+([0-9.]+)k/m.exec(out);
  if (m) rows.push({ subject: "openssl speed -evp sm3", metric: "tree build, leaves/s", value: (Number(m[1]) * 1000) / ENTRY_BYTES / 2, unit: "leaves/s", note: "SM3 limit: 64-byte hashes per second / 2 (leaf + node hash per leaf)" });
} catch {
  // openssl absent: no limit row.
}

// Ours, in memory.
{
  const start = process.hrtime.bigint();
  const tree = new MemoryTree(entries.map((e) => leafHash(e, SM3)), SM3);
  const rate = LEAVES / seconds(start);
  if (tree.root().length !== 32) throw new Error("no root");
  rows.push({ subject: "ours, in memory", metric: "tree build, leaves/s", value: rate, unit: "leaves/s", baseline: "merkletreejs 0.6 + sm-crypto", target: "≥ 300000" });
  if (rows.some((r) => r.subject === "openssl speed -evp sm3")) rows.push({ subject: "ours, in memory ", metric: "tree build, leaves/s", value: rate, unit: "leaves/s", baseline: "openssl speed -evp sm3", note: "the same figure, as a fraction of the SM3 limit" });
}

// Ours, durable: appends acknowledged only after a synced LevelDB batch.
const dir = mkdtempSync(join(tmpdir(), "pdl-bench-merkle-"));
try {
  const log = await MerkleLog.open(join(dir, "log"));
  const batch = 1_000;
  const start = process.hrtime.bigint();
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < LEAVES; i += batch) {
    pending.push(log.append(entries.slice(i, i + batch)));
    if (pending.length >= 64) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  const rate = LEAVES / seconds(start);
  rows.push({ subject: "ours, durable (LevelDB, synced)", metric: "tree build, leaves/s", value: rate, unit: "leaves/s", baseline: "merkletreejs 0.6 + sm-crypto", target: "≥ 100000" });

  // Grow to PROOF_SIZE, then time inclusion proofs at random indices (each verified).
  for (let size = log.size; size < PROOF_SIZE; ) {
    const n = Math.min(50_000, PROOF_SIZE - size);
    const chunk = Array.from({ length: n }, (_, i) => entries[(size + i) % LEAVES]!);
    const wave: Promise<unknown>[] = [];
    for (let i = 0; i < n; i += 5_000) wave.push(log.append(chunk.slice(i, i + 5_000)));
    await Promise.all(wave);
    size = log.size;
    if (size % 1_000_000 < 50_000) process.stderr.write(`  durable log at ${size.toLocaleString("en-US")} leaves\n`);
  }
  const root = await log.root();
  const times: number[] = [];
  for (let k = 0; k < PROOFS; k++) {
    const index = Math.floor(Math.random() * log.size);
    const t = process.hrtime.bigint();
    const proof = await log.inclusionProof(index);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (!verifyInclusion(index, log.size, await log.leafHash(index), proof, root)) throw new Error(`proof ${index} does not verify`);
  }
  times.sort((a, b) => a - b);
  const label = `inclusion proof at ${log.size.toLocaleString("en-US")} leaves`;
  rows.push({ subject: "ours, durable", metric: `${label}, p50`, value: percentile(times, 50), unit: "ms" });
  rows.push({ subject: "ours, durable", metric: `${label}, p99`, value: percentile(times, 99), unit: "ms", target: "≤ 2" });
  await log.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

report("merkle", "bench:merkle — SM3 Merkle log on one core", rows, { leaves: LEAVES, baselineLeaves: BASELINE_LEAVES, proofLogSize: PROOF_SIZE, entryBytes: ENTRY_BYTES });
