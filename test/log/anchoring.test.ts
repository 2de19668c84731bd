import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "chai";
import {
  Anchorer,
  AnchorStore,
  Checkpointer,
  MerkleLog,
  verifyConsistency,
  type AnchorRecord,
  type AnchorRequest,
  type AnchorSink,
  type AnchorTx,
} from "../../ledger-service/src/log/index.ts";
import { LOG_KEY, rejectsWith, tempDirs } from "./helpers.ts";

/** A chain that records what it was asked to anchor; can be told to fail. */
class FakeSink implements AnchorSink {
  readonly calls: AnchorRequest[] = [];
  failNext = false;
  async anchor(cp: AnchorRequest): Promise<AnchorTx> {
    await sleep(2);
    if (this.failNext) {
      this.failNext = false;
      throw new Error("chain unavailable");
    }
    this.calls.push(cp);
    const n = this.calls.length;
    return {
      txId: `0x${n.toString(16).padStart(64, "0")}`,
      blockNumber: 100 + n,
      blockTime: 1_767_200_000 + n,
      chainType: "evm",
      chainId: "1387",
      contract: "0x00000000000000000000000000000000000000aa",
    };
  }
}

async function until(cond: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("timed out");
    await sleep(5);
  }
}

const data = (i: number) => Buffer.from(`record ${i}`);
const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => data(from + i));

describe("anchoring (anchoring.ts)", () => {
  const dir = tempDirs("pdl-anchor-");

  async function setup(options: ConstructorParameters<typeof Anchorer>[4]) {
    const log = await MerkleLog.open(dir());
    const checkpointer = new Checkpointer(log, LOG_KEY);
    const anchors = new AnchorStore(log);
    const sink = new FakeSink();
    const anchorer = new Anchorer(log, checkpointer, anchors, sink, options);
    return { log, checkpointer, anchors, sink, anchorer };
  }

  async function expectChainConsistent(anchors: AnchorStore, log: MerkleLog): Promise<AnchorRecord[]> {
    const all: AnchorRecord[] = [];
    for await (const a of anchors.all()) all.push(a);
    for (let i = 1; i < all.length; i++) {
      const link = (await anchors.link(all[i]!.treeSize))!;
      expect(link.from).to.equal(all[i - 1]!.treeSize);
      expect(link.to).to.equal(all[i]!.treeSize);
      const proof = link.proof.map((p) => Buffer.from(p, "hex"));
      expect(
        verifyConsistency(
          link.from,
          link.to,
          Buffer.from(all[i - 1]!.rootHash, "hex"),
          Buffer.from(all[i]!.rootHash, "hex"),
          proof,
        ),
      ).to.equal(true);
    }
    for (const a of all) expect(a.rootHash).to.equal(Buffer.from(await log.root(a.treeSize)).toString("hex"));
    return all;
  }

  it("anchorNow: checkpoints, calls the sink with the checkpoint's fields, records the anchor", async () => {
    const { log, checkpointer, anchors, sink, anchorer } = await setup({ everySeconds: 0, everyLeaves: 0 });
    expect(await anchorer.anchorNow()).to.equal(undefined);
    await log.append(batch(0, 5));
    const a = (await anchorer.anchorNow())!;
    const cp = (await checkpointer.latest())!;
    expect(sink.calls).to.deep.equal([
      { origin: LOG_KEY.origin, treeSize: 5, rootHash: cp.rootHash, checkpointHash: cp.hash },
    ]);
    expect(a).to.include({
      treeSize: 5,
      rootHash: cp.rootHash,
      checkpointHash: cp.hash,
      chainType: "evm",
      chainId: "1387",
      blockNumber: 101,
    });
    expect(await anchors.at(5)).to.deep.equal(a);
    expect(await anchorer.anchorNow(), "nothing new: no second anchor").to.deep.equal(a);
    expect(sink.calls.length).to.equal(1);
    await log.append(batch(5, 4));
    await anchorer.anchorNow();
    expect((await expectChainConsistent(anchors, log)).map((x) => x.treeSize)).to.deep.equal([5, 9]);
    expect((await anchors.covering(4))!.treeSize).to.equal(5);
    expect((await anchors.covering(5))!.treeSize).to.equal(9);
    expect(await anchors.covering(9)).to.equal(undefined);
    await log.close();
  });

  it("answers the latest anchor and checkpoint from memory alike for every store on the log, and after a reopen", async () => {
    const path = dir();
    const log = await MerkleLog.open(path);
    const checkpointer = new Checkpointer(log, LOG_KEY);
    const anchors = new AnchorStore(log);
    const anchorer = new Anchorer(log, checkpointer, anchors, new FakeSink(), { everySeconds: 0, everyLeaves: 0 });
    const other = new AnchorStore(log);
    expect(await other.latest()).to.equal(undefined);
    expect(await other.covering(0)).to.equal(undefined);
    await log.append(batch(0, 5));
    const first = (await anchorer.anchorNow())!;
    // Recorded through one store, seen by the other (which had remembered "none").
    expect(await other.latest()).to.deep.equal(first);
    expect((await other.covering(4))!.treeSize).to.equal(5);
    expect(await other.covering(5)).to.equal(undefined);
    await log.append(batch(5, 4));
    const cp = (await checkpointer.checkpoint())!;
    expect(await new Checkpointer(log, LOG_KEY).latest()).to.deep.equal(cp);
    expect(await anchors.covering(5)).to.equal(undefined);
    await log.close();
    const reopened = await MerkleLog.open(path);
    const again = new AnchorStore(reopened);
    expect(await again.latest()).to.deep.equal(first);
    expect((await again.covering(0))!.treeSize).to.equal(5);
    expect(await again.covering(5)).to.equal(undefined);
    expect(await new Checkpointer(reopened, LOG_KEY).latest()).to.deep.equal(cp);
    await reopened.close();
  });

  it("anchors as soon as N new leaves are in the log (count trigger)", async () => {
    const { log, anchors, sink, anchorer } = await setup({ everySeconds: 0, everyLeaves: 10 });
    await anchorer.start();
    await log.append(batch(0, 4));
    await log.append(batch(4, 4));
    await sleep(30);
    expect(sink.calls.length, "8 < 10 leaves").to.equal(0);
    await log.append(batch(8, 4));
    await until(() => sink.calls.length === 1);
    expect(sink.calls[0]!.treeSize).to.equal(12);
    for (let i = 12; i < 60; i += 3) await log.append(batch(i, 3));
    await until(
      async () => (await anchors.latest())!.treeSize === 60 || log.size - (await anchors.latest())!.treeSize < 10,
    );
    await anchorer.stop();
    const all = await expectChainConsistent(anchors, log);
    for (let i = 1; i < all.length; i++) expect(all[i]!.treeSize - all[i - 1]!.treeSize).to.be.at.least(10);
    await log.close();
  });

  it("anchors every T seconds while the log grows (time trigger), and not while idle", async () => {
    const { log, anchors, sink, anchorer } = await setup({ everySeconds: 0.05, everyLeaves: 0 });
    await anchorer.start();
    await log.append(batch(0, 3));
    await until(() => sink.calls.length === 1);
    await sleep(200);
    expect(sink.calls.length, "idle: no new anchors").to.equal(1);
    await log.append(batch(3, 2));
    await until(() => sink.calls.length === 2);
    await anchorer.stop();
    expect((await expectChainConsistent(anchors, log)).map((a) => a.treeSize)).to.deep.equal([3, 5]);
    await log.append(batch(5, 2));
    await sleep(150);
    expect(sink.calls.length, "stopped").to.equal(2);
    await log.close();
  });

  it("reports a failing sink and anchors on the next trigger", async () => {
    const errors: unknown[] = [];
    const { log, anchors, sink, anchorer } = await setup({
      everySeconds: 0.03,
      everyLeaves: 0,
      onError: (e) => errors.push(e),
    });
    sink.failNext = true;
    await log.append(batch(0, 2));
    let message = "";
    await anchorer.anchorNow().catch((e: Error) => (message = e.message));
    expect(message).to.equal("chain unavailable");
    expect(await anchors.latest()).to.equal(undefined);
    sink.failNext = true;
    await anchorer.start();
    await until(() => sink.calls.length === 1);
    expect(errors.length).to.be.at.least(1);
    await anchorer.stop();
    await log.close();
  });

  it("refuses anchors that do not match the log: wrong root, wrong checkpoint hash, not newer, unknown size", async () => {
    const { log, checkpointer, anchors } = await setup({});
    await log.append(batch(0, 6));
    const cp = (await checkpointer.checkpoint())!;
    const tx = { txId: "0x01", blockNumber: 1, blockTime: 1, chainType: "evm", chainId: "1", contract: "0x1" };
    const good = { ...tx, treeSize: 6, rootHash: cp.rootHash, checkpointHash: cp.hash };
    await rejectsWith(anchors.record({ ...good, rootHash: "0".repeat(64) }), "ANCHOR_MISMATCH");
    await rejectsWith(anchors.record({ ...good, checkpointHash: "1".repeat(64) }), "ANCHOR_MISMATCH");
    await rejectsWith(anchors.record({ ...good, treeSize: 7 }), "ANCHOR_MISMATCH");
    await rejectsWith(anchors.record({ ...good, txId: "" }), "ANCHOR_MISMATCH");
    await anchors.record(good);
    await rejectsWith(anchors.record(good), "CHECKPOINT_INCONSISTENT");
    const root4 = Buffer.from(await log.root(4)).toString("hex");
    await rejectsWith(
      anchors.record({ ...good, treeSize: 4, rootHash: root4, checkpointHash: "2".repeat(64) }),
      "CHECKPOINT_INCONSISTENT",
    );
    expect((await anchors.latest())!.treeSize).to.equal(6);
    await log.close();
  });
});
