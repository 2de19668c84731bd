import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { expect } from "chai";
import { sm3 } from "../../core/crypto/sm3.ts";
import {
  leafHash,
  MemoryTree,
  MerkleLog,
  SHA256,
  SM3,
  tileKey,
  verifyConsistency,
  verifyInclusion,
  type HashFn,
} from "../../ledger-service/src/log/index.ts";
import { tileLevels } from "../../ledger-service/src/log/tiles.ts";
import { rejectsWith, tempDirs } from "./helpers.ts";
import { hex, referenceTree } from "./reference.ts";

// OpenSSL's SM3 behind a HashFn that is not `SM3`: the oracle tree takes the generic hashing path
// (itself checked against the slow reference in rfc9162.test.ts), the log the sm3-fast one.
const OPENSSL_SM3: HashFn = (d) => sm3(d);

/** Sizes around every tile boundary up to `n`, and a few random ones. */
function boundarySizes(n: number): number[] {
  const out = new Set([1, 2, 3, n]);
  for (const b of [256, 512, 768, 4096, 65_536])
    for (const d of [-1, 0, 1]) if (b + d >= 1 && b + d <= n) out.add(b + d);
  for (let i = 0; i < 12; i++) out.add(1 + Math.floor(Math.random() * n));
  return [...out].sort((a, b) => a - b);
}

/** Appends `entries` in uneven batches, several in flight at once (so they coalesce). */
async function appendUnevenly(log: MerkleLog, entries: readonly Uint8Array[]): Promise<void> {
  for (let at = 0, k = 0; at < entries.length;) {
    const wave: Promise<unknown>[] = [];
    for (let j = 0; j < 4 && at < entries.length; j++, k++) {
      const n = [1, 7, 255, 256, 300, 1000, 4000][k % 7]!;
      wave.push(log.append(entries.slice(at, at + n)));
      at += n;
    }
    await Promise.all(wave);
  }
}

/** Roots, inclusion and consistency proofs of `log` at past sizes, against `oracle`. */
async function checkAgainst(log: MerkleLog, oracle: MemoryTree, hash: HashFn, what: string): Promise<void> {
  const sizes = boundarySizes(log.size);
  const roots = new Map<number, Uint8Array>();
  for (const n of sizes) {
    const root = await log.root(n);
    expect(hex(root), `${what}: root(${n})`).to.equal(hex(oracle.root(n)));
    roots.set(n, root);
  }
  for (const n of sizes) {
    for (const index of new Set([
      0,
      n - 1,
      Math.floor(n / 2),
      Math.floor(Math.random() * n),
      Math.min(n - 1, 255),
      Math.min(n - 1, 256),
    ])) {
      const proof = await log.inclusionProof(index, n);
      expect(proof.map(hex), `${what}: PATH(${index}, ${n})`).to.deep.equal(oracle.inclusionProof(index, n).map(hex));
      expect(verifyInclusion(index, n, await log.leafHash(index), proof, roots.get(n)!, hash)).to.equal(true);
    }
    for (const m of sizes.filter((m) => m <= n)) {
      const proof = await log.consistencyProof(m, n);
      expect(proof.map(hex), `${what}: PROOF(${m}, ${n})`).to.deep.equal(oracle.consistencyProof(m, n).map(hex));
      expect(verifyConsistency(m, n, roots.get(m)!, roots.get(n)!, proof, hash)).to.equal(true);
    }
  }
}

describe("durable Merkle log in tiles (merkle-log.ts, frontier.ts, tiles.ts)", function () {
  this.timeout(120_000);
  const dir = tempDirs("pdl-log-tiles-");

  it("SM3: every root and proof at sizes around tile boundaries (levels 0–2) equals the OpenSSL tree's, before and after reopening", async () => {
    const n = 66_000;
    const entries = Array.from({ length: n + 1000 }, (_, i) => randomBytes(i % 5 === 0 ? 1 + (i % 200) : 64));
    const oracle = MemoryTree.fromEntries(entries.slice(0, n), OPENSSL_SM3);
    let log = await MerkleLog.open(dir());
    await appendUnevenly(log, entries.slice(0, n));
    expect(log.size).to.equal(n);
    await checkAgainst(log, oracle, SM3, "appended");
    await log.close();

    // Reopened, the frontier comes back from the partial tiles; appends go on from it.
    log = await MerkleLog.open(dir());
    expect(log.size).to.equal(n);
    await checkAgainst(log, oracle, SM3, "reopened");
    await appendUnevenly(log, entries.slice(n));
    const grown = MemoryTree.fromEntries(entries, OPENSSL_SM3);
    expect(hex(await log.root())).to.equal(hex(grown.root()));
    await checkAgainst(log, grown, SM3, "grown after reopening");
    for (const i of [0, 255, 256, 65_535, 65_536, n + 999]) expect(hex(await log.entry(i))).to.equal(hex(entries[i]!));
    await log.close();
  });

  it("SHA-256: roots and proofs across tile boundaries agree with the slow reference", async () => {
    const entries = Array.from({ length: 700 }, (_, i) => Buffer.from(`entry ${i}`));
    const log = await MerkleLog.open(dir(), { hash: SHA256 });
    await appendUnevenly(log, entries);
    const ref = referenceTree(SHA256);
    for (const size of [255, 256, 257, 512, 513, 700]) {
      const d = entries.slice(0, size);
      expect(hex(await log.root(size)), `root(${size})`).to.equal(hex(ref.MTH(d)));
      for (const index of [0, 254, 255, 256, size - 1])
        if (index < size)
          expect((await log.inclusionProof(index, size)).map(hex), `PATH(${index}, ${size})`).to.deep.equal(
            ref.PATH(index, d).map(hex),
          );
      for (const m of [1, 255, 256, 257, 300])
        if (m <= size)
          expect((await log.consistencyProof(m, size)).map(hex), `PROOF(${m}, ${size})`).to.deep.equal(
            ref.PROOF(m, d).map(hex),
          );
    }
    await log.close();
  });

  it("reads at most one tile per tile level for a proof at the current size, two at a past size, none for the current root", async () => {
    const n = 70_000;
    const entries = Array.from({ length: n }, () => randomBytes(64));
    const log = await MerkleLog.open(dir());
    await appendUnevenly(log, entries);
    const memory = MemoryTree.fromEntries(entries);
    const reads = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
      const before = log.store.reads;
      const value = await f();
      return [value, log.store.reads - before];
    };
    const levels = tileLevels(n);
    expect(levels).to.equal(3);
    for (let k = 0; k < 200; k++) {
      const index = Math.floor(Math.random() * n);
      const [proof, r] = await reads(() => log.inclusionProof(index));
      expect(r, `PATH(${index}, ${n})`).to.be.at.most(levels - 1); // the top tile is partial: in memory
      expect(proof.map(hex)).to.deep.equal(memory.inclusionProof(index).map(hex));
      const size = 1 + index + Math.floor(Math.random() * (n - index));
      const [past, rp] = await reads(() => log.inclusionProof(index, size));
      expect(rp, `PATH(${index}, ${size})`).to.be.at.most(2 * levels);
      expect(past.map(hex)).to.deep.equal(memory.inclusionProof(index, size).map(hex));
      const [cons, rc] = await reads(() => log.consistencyProof(1 + index, size));
      expect(rc, `PROOF(${1 + index}, ${size})`).to.be.at.most(2 * levels);
      expect(cons.map(hex)).to.deep.equal(memory.consistencyProof(1 + index, size).map(hex));
    }
    // The newest entries' proofs come from the frontier's partial tiles.
    const [, recent] = await reads(() => log.inclusionProof(n - 1));
    expect(recent).to.equal(0);
    const [root, r] = await reads(() => log.root());
    expect(r).to.equal(0);
    expect(hex(root)).to.equal(hex(memory.root()));
    await log.close();
  });

  it("serves proofs while appends are in flight, each consistent with the size it was asked at", async () => {
    const entries = Array.from({ length: 6000 }, () => randomBytes(64));
    const memory = MemoryTree.fromEntries(entries);
    const log = await MerkleLog.open(dir());
    await log.append(entries.slice(0, 100));
    const checks: Promise<void>[] = [];
    const appends: Promise<unknown>[] = [];
    for (let at = 100; at < entries.length; at += 97) {
      appends.push(log.append(entries.slice(at, at + 97)));
      const size = log.size;
      const index = Math.floor(Math.random() * size);
      checks.push(
        (async () => {
          const [proof, root] = await Promise.all([log.inclusionProof(index, size), log.root(size)]);
          expect(hex(root), `root(${size})`).to.equal(hex(memory.root(size)));
          expect(verifyInclusion(index, size, leafHash(entries[index]!), proof, root)).to.equal(true);
        })(),
      );
    }
    await Promise.all([...appends, ...checks]);
    expect(log.size).to.equal(entries.length);
    await log.close();
  });

  it("a missing or cut tile is LOG_CORRUPT, and so is a store of an unknown layout", async () => {
    const log = await MerkleLog.open(join(dir(), "tiles"));
    await log.append(Array.from({ length: 600 }, () => randomBytes(64)));
    const tiles = log.store.db.sublevel<string, Buffer>("tile", { valueEncoding: "buffer" });
    await tiles.del(tileKey(0, 0));
    await rejectsWith(log.inclusionProof(3), "LOG_CORRUPT");
    await rejectsWith(log.leafHash(3), "LOG_CORRUPT");
    // The partial tile of level 0 (tile 2: leaves 512–599) cut short: the log does not open.
    const partial = (await tiles.get(tileKey(0, 2)))!;
    await tiles.put(tileKey(0, 2), partial.subarray(32));
    await log.close();
    await rejectsWith(MerkleLog.open(join(dir(), "tiles")), "LOG_CORRUPT");

    const old = await MerkleLog.open(join(dir(), "v1"));
    await old.append([Buffer.from("x")]);
    await old.store.write([
      old.store
        .table("meta")
        .putOp("state", { version: 3, size: 1, hashId: hex(sm3(new Uint8Array())), tileHeight: 8 }),
    ]);
    await old.close();
    await rejectsWith(MerkleLog.open(join(dir(), "v1")), "LOG_CORRUPT");
  });
});
