import { expect } from "chai";
import { generateKeyPair } from "../../core/crypto/sm2.ts";
import {
  Anchorer,
  AnchorStore,
  buildReceipt,
  Checkpointer,
  MerkleLog,
  Receipt,
  signCheckpoint,
  verifyReceipt,
  verifyReceiptOffline,
  type AnchorSink,
} from "../../ledger-service/src/log/index.ts";
import { LOG_KEY, tempDirs } from "./helpers.ts";

const sink: AnchorSink = {
  async anchor() {
    return {
      txId: "0xabc",
      blockNumber: 7,
      blockTime: 1_767_200_000,
      chainType: "evm",
      chainId: "1387",
      contract: "0x00000000000000000000000000000000000000aa",
    };
  },
};
const recordHash = "ab".repeat(32);
const entry = (i: number) =>
  Buffer.from(JSON.stringify({ v: 1, i, recordHash: i === 4 ? recordHash : "cd".repeat(32) }));

describe("receipts (receipt.ts)", () => {
  const dir = tempDirs("pdl-receipt-");

  async function setup() {
    const log = await MerkleLog.open(dir());
    const checkpointer = new Checkpointer(log, LOG_KEY);
    const anchors = new AnchorStore(log);
    const anchorer = new Anchorer(log, checkpointer, anchors, sink, { everySeconds: 0, everyLeaves: 0 });
    return { log, checkpointer, anchors, anchorer };
  }

  it("moves from pending to checkpointed to anchored, and each verifies offline", async () => {
    const { log, checkpointer, anchors, anchorer } = await setup();
    await log.append([0, 1, 2, 3, 4].map(entry));
    const pending = await buildReceipt(log, checkpointer, anchors, 4);
    expect(pending.state).to.equal("pending");
    expect(pending.entry).to.include({ index: 4, recordHash });
    const p = verifyReceiptOffline(pending, LOG_KEY.publicKey, LOG_KEY.keyName);
    expect(p.ok, "a pending receipt proves nothing yet").to.equal(false);
    expect(p.checks.find((c) => c.name === "state")!.ok).to.equal(false);
    expect(p.checks.find((c) => c.name === "entry")!.ok).to.equal(true);

    await checkpointer.checkpoint();
    const checkpointed = await buildReceipt(log, checkpointer, anchors, 4);
    expect(checkpointed.state).to.equal("checkpointed");
    expect(checkpointed.checkpoint!.size).to.equal(5);
    const c = verifyReceiptOffline(checkpointed, LOG_KEY.publicKey, LOG_KEY.keyName);
    expect(c.ok, JSON.stringify(c.checks)).to.equal(true);

    await anchorer.anchorNow();
    await log.append([5, 6].map(entry));
    await checkpointer.checkpoint();
    const anchored = await buildReceipt(log, checkpointer, anchors, 4);
    expect(anchored.state).to.equal("anchored");
    expect(anchored.checkpoint!.size, "the anchored checkpoint, not the newer one").to.equal(5);
    expect(anchored.anchor).to.include({ txId: "0xabc", treeSize: 5 });
    const a = verifyReceiptOffline(anchored, LOG_KEY.publicKey, LOG_KEY.keyName);
    expect(a.ok, JSON.stringify(a.checks)).to.equal(true);
    expect(a.checks.map((x) => x.name)).to.include.members([
      "checkpoint signature",
      "inclusion",
      "anchor tree size",
      "anchor root",
      "anchor checkpoint hash",
    ]);
    expect(Receipt.parse(JSON.parse(JSON.stringify(anchored)))).to.deep.equal(anchored);

    // Entries beyond the anchor are checkpointed under the newer checkpoint.
    expect((await buildReceipt(log, checkpointer, anchors, 6)).state).to.equal("checkpointed");
    await log.close();
  });

  it("fails offline verification on every tampered field, naming the failing check", async () => {
    const { log, checkpointer, anchors, anchorer } = await setup();
    await log.append([0, 1, 2, 3, 4, 5].map(entry));
    await anchorer.anchorNow();
    const good = await buildReceipt(log, checkpointer, anchors, 4);
    expect(good.state).to.equal("anchored");
    const otherKey = generateKeyPair();

    const tamper = (what: string, f: (r: Receipt) => void, failing: string, key = LOG_KEY.publicKey) => {
      const copy = structuredClone(good);
      f(copy);
      const result = verifyReceiptOffline(copy, key, LOG_KEY.keyName);
      expect(result.ok, what).to.equal(false);
      expect(
        result.checks.filter((c) => !c.ok).map((c) => c.name),
        what,
      ).to.include(failing);
    };
    const hex0 = "0".repeat(64);
    tamper("entry data", (r) => (r.entry.data = Buffer.from("forged").toString("base64")), "entry");
    tamper("record hash", (r) => (r.entry.recordHash = "ef".repeat(32)), "entry");
    tamper("leaf hash", (r) => (r.entry.leafHash = hex0), "inclusion");
    tamper("leaf hash, no data", (r) => ((r.entry.leafHash = hex0), delete r.entry.data), "inclusion");
    tamper("index", (r) => (r.entry.index = 3), "inclusion");
    tamper("index beyond size", (r) => (r.entry.index = 9), "inclusion");
    tamper("proof element", (r) => (r.inclusionProof![0] = hex0), "inclusion");
    tamper("proof truncated", (r) => r.inclusionProof!.pop(), "inclusion");
    tamper("proof extended", (r) => r.inclusionProof!.push(hex0), "inclusion");
    tamper(
      "checkpoint text",
      (r) => (r.checkpoint!.text = r.checkpoint!.text.replace("\n6\n", "\n7\n")),
      "checkpoint signature",
    );
    tamper("checkpoint size", (r) => (r.checkpoint!.size = 7), "checkpoint fields");
    tamper("checkpoint root", (r) => (r.checkpoint!.rootHash = hex0), "checkpoint fields");
    tamper("origin", (r) => (r.origin = "evil.example/log/sm3"), "checkpoint fields");
    tamper("anchor tree size", (r) => (r.anchor!.treeSize = 5), "anchor tree size");
    tamper("anchor root", (r) => (r.anchor!.rootHash = hex0), "anchor root");
    tamper("anchor checkpoint hash", (r) => (r.anchor!.checkpointHash = hex0), "anchor checkpoint hash");
    tamper("anchor removed", (r) => delete r.anchor, "state");
    tamper("state pending", (r) => (r.state = "pending"), "state");
    tamper("unknown field", (r) => Object.assign(r, { extra: 1 }), "format");
    tamper("bad hex", (r) => (r.entry.leafHash = "XYZ"), "format");
    tamper("log key hint", (r) => (r.logPublicKey = otherKey.publicKey), "log key");
    tamper("untrusted key", () => undefined, "checkpoint signature", otherKey.publicKey);
    // A checkpoint re-signed by another key, with everything else consistent, is still refused.
    tamper(
      "re-signed by another key",
      (r) =>
        (r.checkpoint!.text = signCheckpoint(
          r.checkpoint!.text.split("\n\n")[0]! + "\n",
          otherKey.privateKey,
          LOG_KEY.keyName,
        )),
      "checkpoint signature",
    );
    for (const junk of [null, 1, "receipt", {}, { version: 2 }])
      expect(verifyReceiptOffline(junk, LOG_KEY.publicKey, LOG_KEY.keyName).ok).to.equal(false);
    await log.close();
  });

  it("adds the injected chain confirmation for anchored receipts", async () => {
    const { log, checkpointer, anchors, anchorer } = await setup();
    await log.append([0, 1].map(entry));
    await anchorer.anchorNow();
    const r = await buildReceipt(log, checkpointer, anchors, 1);
    const yes = await verifyReceipt(r, LOG_KEY.publicKey, LOG_KEY.keyName, async (a) => ({
      ok: a.txId === "0xabc",
      detail: "seen on our node",
    }));
    expect(yes.ok).to.equal(true);
    expect(yes.checks.at(-1)!.name).to.equal("anchor on chain");
    const no = await verifyReceipt(r, LOG_KEY.publicKey, LOG_KEY.keyName, async () => {
      throw new Error("node unreachable");
    });
    expect(no.ok).to.equal(false);
    await log.close();
  });
});
