import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { generateKeyPair } from "../../core/crypto/sm2.ts";
import {
  Checkpointer,
  decompose,
  leafHash,
  LogError,
  MemoryTree,
  MerkleLog,
  SHA256,
  SM3,
  verifyConsistency,
  verifyInclusion,
  verifySignedCheckpoint,
  type HashFn,
} from "../../ledger-service/src/log/index.ts";
import { hex, referenceTree, SHA256_ROOTS, SM3_ROOTS, VECTOR_LEAVES } from "./reference.ts";

const data = (i: number) => Buffer.from(`record ${i}`);

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(LogError);
    expect((err as LogError).code).to.equal(code);
    return;
  }
  expect.fail(`expected a ${code} rejection`);
}

describe("durable Merkle log (merkle-log.ts, log-store.ts)", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "pdl-log-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, hash, roots] of [
    ["SM3", SM3, SM3_ROOTS],
    ["SHA-256", SHA256, SHA256_ROOTS],
  ] as [string, HashFn, string[]][]) {
    it(`${name}: reproduces the vector roots at every past size`, async () => {
      const log = await MerkleLog.open(dir, { hash });
      await log.append(VECTOR_LEAVES.slice(0, 3));
      await log.append(VECTOR_LEAVES.slice(3));
      for (let n = 0; n <= 8; n++) expect(hex(await log.root(n)), `size ${n}`).to.equal(roots[n]);
      await log.close();
    });
  }

  it("agrees with the RFC reference on every root, inclusion and consistency proof up to 64 leaves, at every past size", async () => {
    const log = await MerkleLog.open(dir);
    const all = Array.from({ length: 64 }, (_, i) => data(i));
    // Uneven batches, so subtrees close inside and across batches.
    for (const [a, b] of [
      [0, 1],
      [1, 4],
      [4, 5],
      [5, 17],
      [17, 18],
      [18, 40],
      [40, 64],
    ] as const) {
      const r = await log.append(all.slice(a, b));
      expect(r).to.deep.equal({ firstIndex: a, size: b });
    }
    const ref = referenceTree(SM3);
    const roots = [new Uint8Array(), ...Array.from({ length: 64 }, (_, i) => ref.MTH(all.slice(0, i + 1)))];
    for (let n = 1; n <= 64; n++) {
      const d = all.slice(0, n);
      expect(hex(await log.root(n))).to.equal(hex(roots[n]!));
      for (let m = 1; m <= n; m++) {
        const path = await log.inclusionProof(m - 1, n);
        expect(path.map(hex), `PATH(${m - 1}, ${n})`).to.deep.equal(ref.PATH(m - 1, d).map(hex));
        expect(verifyInclusion(m - 1, n, leafHash(all[m - 1]!), path, roots[n]!)).to.equal(true);
        const proof = await log.consistencyProof(m, n);
        expect(proof.map(hex), `PROOF(${m}, ${n})`).to.deep.equal(ref.PROOF(m, d).map(hex));
        expect(verifyConsistency(m, n, roots[m]!, roots[n]!, proof)).to.equal(true);
      }
    }
    expect((await log.entry(17)).toString()).to.equal("record 17");
    expect(hex(await log.leafHash(17))).to.equal(hex(leafHash(data(17))));
    await log.close();
  });

  it("reads a few tiles per proof, not a node each, at any past size", async () => {
    const log = await MerkleLog.open(dir);
    const n = 5000;
    for (let i = 0; i < n; i += 1000) await log.append(Array.from({ length: 1000 }, (_, j) => data(i + j)));
    const memory = new MemoryTree(Array.from({ length: n }, (_, i) => leafHash(data(i))));
    // At most two tiles per tile level (the leaf's and the past size's right edge); 5000 leaves
    // make two levels, where a read per node would be up to 2·⌈log₂ n⌉.
    const bound = 4;
    for (const [index, size] of [
      [0, n],
      [4999, n],
      [2500, 3333],
      [1023, 1024],
      [1024, 4097],
      [77, 78],
    ] as const) {
      const before = log.store.reads;
      const proof = await log.inclusionProof(index, size);
      expect(log.store.reads - before).to.be.at.most(bound);
      expect(proof.map(hex)).to.deep.equal(memory.inclusionProof(index, size).map(hex));
    }
    for (const [m, size] of [
      [1, n],
      [4999, n],
      [1000, 3333],
      [1024, 4097],
      [3, 5],
    ] as const) {
      const before = log.store.reads;
      const proof = await log.consistencyProof(m, size);
      expect(log.store.reads - before).to.be.at.most(bound);
      expect(proof.map(hex)).to.deep.equal(memory.consistencyProof(m, size).map(hex));
    }
    // The current root comes from the in-memory right edge.
    const before = log.store.reads;
    expect(hex(await log.root())).to.equal(hex(memory.root()));
    expect(log.store.reads).to.equal(before);
    expect(decompose(0, 13)).to.deep.equal([
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    expect(decompose(8, 5)).to.deep.equal([
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    expect(decompose(1, 4)).to.deep.equal([1, 2, 3, 4].map((index) => ({ level: 0, index })));
    await log.close();
  });

  it("coalesces concurrent appends into one batch, in call order", async () => {
    const log = await MerkleLog.open(dir);
    const sizes: number[] = [];
    log.onAppend((s) => sizes.push(s));
    const results = await Promise.all([
      log.append([data(0), data(1)]),
      log.append([data(2)]),
      log.append([data(3), data(4), data(5)]),
    ]);
    expect(results.map((r) => r.firstIndex)).to.deep.equal([0, 2, 3]);
    expect(results.map((r) => r.size)).to.deep.equal([6, 6, 6]);
    expect(sizes).to.deep.equal([6]);
    // While a batch is on disk, the next callers queue and share the following batch.
    const more = await Promise.all(Array.from({ length: 20 }, (_, i) => log.append([data(6 + i)])));
    expect(more.map((r) => r.firstIndex)).to.deep.equal(Array.from({ length: 20 }, (_, i) => 6 + i));
    expect(sizes.length).to.be.at.most(3);
    for (let i = 0; i < 26; i++) expect((await log.entry(i)).toString()).to.equal(`record ${i}`);
    expect(await log.append([])).to.deep.equal({ firstIndex: 26, size: 26 });
    await log.close();
  });

  it("reads an entry just appended exactly as after a reopen, whatever its caller does with its bytes", async () => {
    let log = await MerkleLog.open(dir);
    const bytes = data(0);
    await log.append([bytes]);
    await log.appendKeyed([{ key: "k1", data: data(1) }]);
    bytes.fill(0);
    const fresh = [await log.entry(0), await log.entry(1)];
    fresh[0]!.fill(1); // a reader's copy is its own
    expect((await log.entry(0)).toString()).to.equal("record 0");
    await log.close();
    log = await MerkleLog.open(dir);
    expect([await log.entry(0), await log.entry(1)]).to.deep.equal([data(0), data(1)]);
    await log.close();
  });

  it("keyed appends are idempotent (the indexer's replay after a crash)", async () => {
    const log = await MerkleLog.open(dir);
    const e = (i: number) => ({ key: `k${i}`, data: data(i) });
    expect(await log.appendKeyed([e(0), e(1)])).to.deep.equal([0, 1]);
    expect(await log.appendKeyed([e(1), e(2), e(2)])).to.deep.equal([1, 2, 2]);
    expect(log.size).to.equal(3);
    expect(await log.indexOfKey("k2")).to.equal(2);
    await log.close();
  });

  it("rejects bad input with stable codes", async () => {
    const log = await MerkleLog.open(dir, { maxEntryBytes: 100 });
    await log.append([data(0), data(1)]);
    expect(() => log.append([Buffer.alloc(101)]))
      .to.throw(LogError)
      .with.property("code", "LOG_ENTRY_TOO_LARGE");
    expect(() => log.append(["text" as unknown as Uint8Array]))
      .to.throw(LogError)
      .with.property("code", "LOG_RANGE");
    await rejectsWith(log.root(3), "LOG_RANGE");
    await rejectsWith(log.inclusionProof(2, 2), "LOG_RANGE");
    await rejectsWith(log.inclusionProof(-1), "LOG_RANGE");
    await rejectsWith(log.consistencyProof(0, 2), "LOG_RANGE");
    await rejectsWith(log.consistencyProof(2, 1), "LOG_RANGE");
    await rejectsWith(log.entry(2), "LOG_RANGE");
    await log.close();
    await rejectsWith(log.append([data(2)]), "LOG_CLOSED");
    await rejectsWith(MerkleLog.open(dir, { hash: SHA256 }), "LOG_HASH_MISMATCH");
  });

  it("reopens at the acknowledged size and goes on", async () => {
    let log = await MerkleLog.open(dir);
    await log.append([0, 1, 2, 3, 4, 5, 6].map(data));
    const root7 = await log.root();
    await log.close();
    log = await MerkleLog.open(dir);
    expect(log.size).to.equal(7);
    expect(hex(await log.root())).to.equal(hex(root7));
    expect(await log.append([7, 8].map(data))).to.deep.equal({ firstIndex: 7, size: 9 });
    const memory = new MemoryTree(Array.from({ length: 9 }, (_, i) => leafHash(data(i))));
    expect(hex(await log.root())).to.equal(hex(memory.root()));
    expect(verifyConsistency(7, 9, root7, await log.root(), await log.consistencyProof(7))).to.equal(true);
    await log.close();
  });

  it("survives kill -9: every acknowledged append is there and every signed checkpoint stays consistent", async function () {
    this.timeout(60_000);
    const key = generateKeyPair();
    const logKey = { origin: "pdl.test/log/sm3", keyName: "pdl.test/log/sm3", privateKey: key.privateKey };
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "fixtures", "append-forever.ts"), dir],
      {
        cwd: join(import.meta.dirname, "..", ".."),
        env: { ...process.env, LOG_PRIVATE_KEY: key.privateKey },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let acknowledged = 0;
    let checkpoints = 0;
    let stderr = "";
    let buffered = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    await new Promise<void>((resolve, reject) => {
      const guard = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`the child made no progress: ${stderr}`));
      }, 45_000);
      child.stdout.on("data", (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split("\n");
        buffered = lines.pop()!;
        for (const line of lines) {
          const [kind, value] = line.split(" ");
          if (kind === "ack") acknowledged = Math.max(acknowledged, Number(value));
          if (kind === "cp") checkpoints++;
        }
        // Kill mid-stream, with appends in flight, once there is something to lose.
        if (acknowledged > 3000 && checkpoints >= 3 && child.exitCode === null && !child.killed) child.kill("SIGKILL");
      });
      child.on("exit", (_code, signal) => {
        clearTimeout(guard);
        if (signal === "SIGKILL") resolve();
        else reject(new Error(`the child exited on its own: ${stderr}`));
      });
    });

    const log = await MerkleLog.open(dir);
    expect(log.size).to.be.at.least(acknowledged);
    // The stored nodes agree with a recomputation from the stored entries.
    const leaves: Uint8Array[] = [];
    for (let i = 0; i < log.size; i++) leaves.push(leafHash(await log.entry(i)));
    const memory = new MemoryTree(leaves);
    expect(hex(await log.root())).to.equal(hex(memory.root()));
    expect(hex(await log.root(acknowledged))).to.equal(hex(memory.root(acknowledged)));

    await log.append([data(1), data(2)]);
    const checkpointer = new Checkpointer(log, logKey);
    const latest = (await checkpointer.checkpoint())!;
    expect(latest.size).to.equal(log.size);
    let earlier = 0;
    for await (const cp of checkpointer.all()) {
      const signed = verifySignedCheckpoint(cp.text, key.publicKey, logKey.keyName);
      if (cp.size === latest.size) continue;
      earlier++;
      expect(
        verifyConsistency(
          signed.size,
          latest.size,
          signed.rootHash,
          Buffer.from(latest.rootHash, "hex"),
          await checkpointer.consistencyProof(signed.size, latest.size),
        ),
      ).to.equal(true);
    }
    expect(earlier).to.be.at.least(checkpoints - 1);
    await log.close();
  });
});
