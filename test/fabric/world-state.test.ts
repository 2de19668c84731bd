import { expect } from "chai";
import { compositeKey } from "../../chaincode/src/ledger/world-state.ts";
import { Ledger } from "../../chaincode/src/ledger/ledger.ts";
import { FabricLedger, prefixRange } from "./semantics/world-state.ts";

const b = (s: string) => Buffer.from(s, "utf8");
const text = (v: Uint8Array | undefined) => (v ? Buffer.from(v).toString("utf8") : undefined);

describe("Fabric-semantics ledger (test double of a peer's state)", () => {
  it("gives no read-your-writes inside a transaction", async () => {
    const ledger = new FabricLedger();
    const sim = ledger.simulate();
    await sim.putState("k", b("v1"));
    expect(await sim.getState("k")).to.equal(undefined);
    ledger.commitBlock([{ txId: "t1", timestamp: 1, rwset: sim.rwset() }]);
    const next = ledger.simulate();
    await next.putState("k", b("v2"));
    expect(text(await next.getState("k"))).to.equal("v1");
  });

  it("lets the engine's write cache read its own writes whatever the peer does", async () => {
    const ledger = new FabricLedger();
    const tx = new Ledger(ledger.simulate());
    tx.put("grant", ["G1"], { status: "active" });
    expect(await tx.get("grant", "G1")).to.deep.equal({ status: "active" });
    tx.delete("grant", "G1");
    expect(await tx.get("grant", "G1")).to.equal(undefined);
  });

  it("invalidates the second of two transactions that read and wrote the same key (MVCC_READ_CONFLICT)", async () => {
    const ledger = new FabricLedger();
    const seed = ledger.simulate();
    await seed.putState("counter", b("0"));
    ledger.commitBlock([{ txId: "seed", timestamp: 1, rwset: seed.rwset() }]);
    const a = ledger.simulate();
    const c = ledger.simulate();
    for (const sim of [a, c]) {
      const n = Number(text(await sim.getState("counter")));
      await sim.putState("counter", b(String(n + 1)));
    }
    const results = ledger.commitBlock([
      { txId: "a", timestamp: 2, rwset: a.rwset() },
      { txId: "c", timestamp: 2, rwset: c.rwset() },
    ]);
    expect(results.map((r) => r.code)).to.deep.equal(["VALID", "MVCC_READ_CONFLICT"]);
    expect(text(await ledger.simulate().getState("counter"))).to.equal("1");
  });

  it("detects a phantom read when a key appears in a scanned range", async () => {
    const ledger = new FabricLedger();
    const reader = ledger.simulate();
    const seen: string[] = [];
    for await (const { key } of reader.scan("holder", ["G1"])) seen.push(key);
    await reader.putState(compositeKey("grant", ["G1"]), b("closed"));
    const writer = ledger.simulate();
    await writer.putState(compositeKey("holder", ["G1", "ORG"]), b("ORG"));
    const results = ledger.commitBlock([
      { txId: "w", timestamp: 3, rwset: writer.rwset() },
      { txId: "r", timestamp: 3, rwset: reader.rwset() },
    ]);
    expect(seen).to.deep.equal([]);
    expect(results.map((r) => r.code)).to.deep.equal(["VALID", "PHANTOM_READ_CONFLICT"]);
  });

  it("accepts a range read whose results did not change", async () => {
    const ledger = new FabricLedger();
    const reader = ledger.simulate();
    for await (const entry of reader.range(prefixRange("holder", ["G1"]))) void entry;
    const other = ledger.simulate();
    await other.putState(compositeKey("holder", ["G2", "ORG"]), b("ORG"));
    const results = ledger.commitBlock([
      { txId: "o", timestamp: 3, rwset: other.rwset() },
      { txId: "r", timestamp: 3, rwset: reader.rwset() },
    ]);
    expect(results.map((r) => r.code)).to.deep.equal(["VALID", "VALID"]);
  });

  it("refuses a duplicate transaction id and discards its writes", async () => {
    const ledger = new FabricLedger();
    const first = ledger.simulate();
    await first.putState("k", b("first"));
    const again = ledger.simulate();
    await again.putState("k", b("second"));
    const [one] = ledger.commitBlock([{ txId: "same", timestamp: 1, rwset: first.rwset() }]);
    const [two] = ledger.commitBlock([{ txId: "same", timestamp: 2, rwset: again.rwset() }]);
    expect([one?.code, two?.code]).to.deep.equal(["VALID", "DUPLICATE_TXID"]);
    expect(text(await ledger.simulate().getState("k"))).to.equal("first");
  });

  it("keeps every committed value of a key, oldest first, with deletes", async () => {
    const ledger = new FabricLedger();
    for (const [i, v] of ["a", "b", null].entries()) {
      const sim = ledger.simulate();
      if (v === null) await sim.deleteState("k");
      else await sim.putState("k", b(v));
      ledger.commitBlock([{ txId: `t${i}`, timestamp: 10 + i, rwset: sim.rwset() }]);
    }
    const history = [];
    for await (const e of ledger.simulate().history("k"))
      history.push([e.txId, e.timestamp, e.isDelete, text(e.value)]);
    expect(history).to.deep.equal([
      ["t0", 10, false, "a"],
      ["t1", 11, false, "b"],
      ["t2", 12, true, ""],
    ]);
  });
});
