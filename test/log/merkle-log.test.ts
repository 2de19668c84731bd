import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { generateKeyPair } from "../../core/crypto/sm2.ts";
import { buildReceipt, Checkpointer, leafHash, MerkleLog, rootFromLeafHashes, verifyConsistency, verifyInclusion, verifyReceiptOffline, verifySignedCheckpoint } from "../../ledger-service/src/log/index.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const entry = (i: number) => ({ key: `k${i}`, data: Buffer.from(`record ${i}`) });
const KEY = { origin: "pdl.test/log/sm3", keyName: "pdl.test/log", ...(() => { const k = generateKeyPair(); return { privateKey: k.privateKey, publicKey: k.publicKey }; })() };

describe("durable Merkle log", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "pdl-log-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("agrees with the in-memory tree at every size and serves proofs at past sizes", async () => {
    const log = await MerkleLog.open(dir);
    const leaves: Uint8Array[] = [];
    for (let i = 0; i < 45; i += 5) {
      const batch = [0, 1, 2, 3, 4].map((j) => entry(i + j));
      expect(await log.append(batch)).to.deep.equal([i, i + 1, i + 2, i + 3, i + 4]);
      leaves.push(...batch.map((e) => leafHash(e.data)));
    }
    for (const n of [1, 7, 8, 31, 45]) {
      const root = await log.root(n);
      expect(hex(root)).to.equal(hex(rootFromLeafHashes(leaves.slice(0, n))));
      for (const m of [0, n - 1, Math.floor(n / 2)]) expect(verifyInclusion(m, n, leaves[m]!, await log.inclusionProof(m, n), root)).to.equal(true);
      expect(verifyConsistency(n, 45, root, await log.root(), await log.consistencyProof(n, 45))).to.equal(true);
    }
    await log.close();
  });

  it("returns the existing index when an entry's key is appended again, and coalesces concurrent appends", async () => {
    const log = await MerkleLog.open(dir);
    const [a, b] = await Promise.all([log.append([entry(0), entry(1)]), log.append([entry(2)])]);
    expect([a, b]).to.deep.equal([[0, 1], [2]]);
    expect(await log.append([entry(1), entry(3)])).to.deep.equal([1, 3]);
    expect(log.size).to.equal(4);
    await log.close();
  });

  it("reopens where it was and goes on", async () => {
    let log = await MerkleLog.open(dir);
    await log.append([0, 1, 2].map(entry));
    const root3 = await log.root();
    await log.close();
    log = await MerkleLog.open(dir);
    expect(log.size).to.equal(3);
    expect(hex(await log.root())).to.equal(hex(root3));
    await log.append([3, 4].map(entry));
    expect(verifyConsistency(3, 5, root3, await log.root(), await log.consistencyProof(3))).to.equal(true);
    await log.close();
  });

  it("survives kill -9: every acknowledged append is there and every earlier checkpoint stays consistent", async function () {
    this.timeout(60_000);
    let log = await MerkleLog.open(dir);
    await log.append([0, 1, 2].map(entry));
    const checkpointer = new Checkpointer(log, KEY);
    const before = (await checkpointer.checkpoint())!;
    await log.close();

    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "fixtures", "append-forever.ts"), dir], { stdio: ["ignore", "pipe", "inherit"] });
    let acknowledged = 0;
    await new Promise<void>((resolve) => {
      child.stdout.on("data", (chunk: Buffer) => {
        for (const line of chunk.toString().split("\n")) if (line) acknowledged = Number(line);
        if (acknowledged > 300 && child.exitCode === null) {
          child.kill("SIGKILL");
        }
      });
      child.on("exit", () => resolve());
    });
    expect(acknowledged).to.be.greaterThan(300);
    log = await MerkleLog.open(dir);
    expect(log.size).to.be.at.least(acknowledged);
    const after = (await new Checkpointer(log, KEY).checkpoint())!;
    expect(verifyConsistency(before.size, after.size, Buffer.from(before.rootHash, "hex"), Buffer.from(after.rootHash, "hex"), await log.consistencyProof(before.size))).to.equal(true);
    expect(hex(await log.root())).to.equal(after.rootHash);
    await log.close();
  });
});

describe("signed checkpoints and receipts", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "pdl-cp-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("signs C2SP checkpoints with SM2 and rejects tampered ones", async () => {
    const log = await MerkleLog.open(dir);
    await log.append([0, 1, 2].map(entry));
    const cp = (await new Checkpointer(log, KEY).checkpoint())!;
    expect(cp.note).to.match(/^pdl\.test\/log\/sm3\n3\n[A-Za-z0-9+/]{43}=\n\n\u2014 pdl\.test\/log [A-Za-z0-9+/]+=*\n$/);
    expect(verifySignedCheckpoint(cp.note, KEY.publicKey, KEY.keyName).ok).to.equal(true);
    expect(verifySignedCheckpoint(cp.note.replace("\n3\n", "\n4\n"), KEY.publicKey, KEY.keyName).ok).to.equal(false);
    expect(verifySignedCheckpoint(cp.note, generateKeyPair().publicKey, KEY.keyName).ok).to.equal(false);
    expect(verifySignedCheckpoint(cp.note, KEY.publicKey, "other").ok).to.equal(false);
    await log.close();
  });

  it("moves a receipt from pending to checkpointed to anchored, and every tampered field fails offline", async () => {
    const log = await MerkleLog.open(dir);
    const checkpointer = new Checkpointer(log, KEY);
    await log.append([0, 1, 2, 3, 4].map(entry));
    expect((await buildReceipt(log, checkpointer, 4, KEY.origin, KEY.keyName)).state).to.equal("pending");
    const cp = (await checkpointer.checkpoint())!;
    const checkpointed = await buildReceipt(log, checkpointer, 4, KEY.origin, KEY.keyName);
    expect(checkpointed.state).to.equal("checkpointed");
    expect(verifyReceiptOffline(checkpointed, KEY.publicKey).ok).to.equal(true);
    await checkpointer.recordAnchor({ chainType: "evm", chainId: "1387000", contract: "0xabc", txId: "0x01", blockNumber: 7, blockTime: 1_767_200_000, treeSize: cp.size, rootHash: cp.rootHash, checkpointHash: cp.hash });
    const anchored = await buildReceipt(log, checkpointer, 4, KEY.origin, KEY.keyName);
    expect(anchored.state).to.equal("anchored");
    const good = verifyReceiptOffline(anchored, KEY.publicKey);
    expect(good.ok, JSON.stringify(good.checks)).to.equal(true);

    const tamper = (f: (r: typeof anchored) => void, failing: string) => {
      const copy = structuredClone(anchored);
      f(copy);
      const result = verifyReceiptOffline(copy, KEY.publicKey);
      expect(result.ok, failing).to.equal(false);
      expect(result.checks.find((c) => !c.ok)?.name ?? "format").to.equal(failing);
    };
    tamper((r) => (r.entry.data = Buffer.from("forged").toString("base64")), "entry");
    tamper((r) => (r.entry.index = 3), "inclusion");
    tamper((r) => (r.inclusionProof![0] = "0".repeat(64)), "inclusion");
    tamper((r) => (r.checkpoint!.note = r.checkpoint!.note.replace("\n5\n", "\n6\n")), "checkpoint signature");
    tamper((r) => (r.checkpoint!.hash = "1".repeat(64)), "checkpoint hash");
    tamper((r) => (r.anchor!.treeSize = 4), "anchor");
    expect(verifyReceiptOffline(anchored, generateKeyPair().publicKey).ok).to.equal(false);
    await log.close();
  });

  it("keeps the consistency proof between anchored checkpoints and refuses an inconsistent anchor", async () => {
    const log = await MerkleLog.open(dir);
    const checkpointer = new Checkpointer(log, KEY);
    await log.append([0, 1, 2].map(entry));
    const a = (await checkpointer.checkpoint())!;
    const ref = { chainType: "evm" as const, chainId: "1", contract: "0x1", txId: "0x1", blockNumber: 1, blockTime: 1 };
    await checkpointer.recordAnchor({ ...ref, treeSize: a.size, rootHash: a.rootHash, checkpointHash: a.hash });
    await log.append([3, 4, 5, 6].map(entry));
    const b = (await checkpointer.checkpoint())!;
    await checkpointer.recordAnchor({ ...ref, treeSize: b.size, rootHash: b.rootHash, checkpointHash: b.hash });
    const kept = await log.getMeta<{ from: number; to: number; proof: string[] }>(`anchor-proof/${"7".padStart(16, "0")}`);
    expect(kept?.from).to.equal(3);
    expect(verifyConsistency(3, 7, Buffer.from(a.rootHash, "hex"), Buffer.from(b.rootHash, "hex"), kept!.proof.map((p) => Buffer.from(p, "hex")))).to.equal(true);
    let refused = false;
    try {
      await checkpointer.recordAnchor({ ...ref, treeSize: 7, rootHash: "0".repeat(64), checkpointHash: b.hash });
    } catch {
      refused = true;
    }
    expect(refused).to.equal(true);
    await log.close();
  });
});
