import "../quiet.ts";
import { rm } from "node:fs/promises";
import { expect } from "chai";
import { createFabricIdentity, type FabricIdentity } from "../identities.ts";
import { startEmulatedNetwork, type EmulatedNetwork } from "./network.ts";
import { packageProbeChaincode } from "./probe-package.ts";
import { connectTestClient, type TestClient } from "./test-client.ts";

/**
 * The emulator's state semantics as a chaincode sees them through the real fabric-shim, driven
 * by the real fabric-gateway client: the probe chaincode over `fabric-chaincode-node server`.
 */
describe("peer emulator: chaincode state through the shim", function () {
  this.timeout(60_000);
  let net: EmulatedNetwork;
  let dir: string;
  let alice: FabricIdentity;
  let client: TestClient;
  const json = (bytes: Uint8Array) => JSON.parse(Buffer.from(bytes).toString("utf8")) as unknown;
  const submit = (fn: string, ...args: string[]) => client.contract.submitTransaction(fn, ...args);
  const evaluate = async (fn: string, ...args: string[]) =>
    json(await client.contract.evaluateTransaction(fn, ...args));

  before(async () => {
    dir = await packageProbeChaincode();
    // A batch of 2 rows makes every range of 3+ keys continue with QUERY_STATE_NEXT.
    net = await startEmulatedNetwork({
      chaincodeName: "probe",
      modulePath: dir,
      mspIds: ["Org1MSP"],
      queryBatchSize: 2,
    });
    alice = await createFabricIdentity({ mspId: "Org1MSP", commonName: "alice", attributes: { role: "tester" } });
    client = connectTestClient(net.emulator.address, alice, { contract: "probe" });
  });
  after(async () => {
    client?.close();
    await net?.stop();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => net.emulator.reset());

  it("registers the chaincode and passes it the creator, the transaction id and the emulator's clock", async () => {
    net.emulator.setClock(1_800_000_000);
    const me = (await evaluate("whoami")) as Record<string, unknown>;
    expect(me.mspId).to.equal("Org1MSP");
    expect(me.id).to.match(/^x509::\/.*CN=alice.*::\/.*CN=ca\.org1msp/);
    expect(me.txId).to.match(/^[0-9a-f]{64}$/);
    expect(me.seconds).to.equal(1_800_000_000);
    expect(me.localMsp).to.equal("PeerMSP");
    net.emulator.setClock(undefined);
    const now = Math.floor(Date.now() / 1000);
    expect(((await evaluate("whoami")) as { seconds: number }).seconds).to.be.within(now - 5, now + 5);
  });

  it("has no read-your-writes: a transaction reads the committed value, never its own write", async () => {
    expect(json(await submit("putThenGet", "k", "v1"))).to.equal(null);
    expect(await evaluate("get", "k")).to.equal("v1");
    expect(json(await submit("putThenGet", "k", "v2"))).to.equal("v1");
    expect(await evaluate("get", "k")).to.equal("v2");
  });

  it("treats an empty value as a delete and keeps history newest first with transaction times", async () => {
    net.emulator.setClock(1_000);
    await submit("put", "h", "one");
    net.emulator.setClock(2_000);
    await submit("put", "h", "two");
    net.emulator.setClock(3_000);
    await submit("put", "h", "");
    expect(await evaluate("get", "h")).to.equal(null);
    const history = (await evaluate("history", "h")) as {
      value: string;
      isDelete: boolean;
      seconds: number;
      txId: string;
    }[];
    expect(history.map((e) => [e.value, e.isDelete, e.seconds])).to.deep.equal([
      ["", true, 3_000],
      ["two", false, 2_000],
      ["one", false, 1_000],
    ]);
    expect(new Set(history.map((e) => e.txId)).size).to.equal(3);
  });

  it("scans ranges in UTF-8 byte order, start inclusive, end exclusive, open-ended, without composite keys", async () => {
    // UTF-16 order would put U+FF01 after U+1F600; UTF-8 (LevelDB) puts it before.
    for (const key of ["b", "a", "c\u{1F600}", "c\uFF01", "d", "e"]) await submit("put", key, key);
    await submit("putComposite", "t", "x", "1", "composite");
    expect(await evaluate("keys", "a", "d")).to.deep.equal(["a", "b", "c\uFF01", "c\u{1F600}"]);
    expect(await evaluate("keys", "b", "")).to.deep.equal(["b", "c\uFF01", "c\u{1F600}", "d", "e"]);
    expect(await evaluate("keys", "", "")).to.deep.equal(["a", "b", "c\uFF01", "c\u{1F600}", "d", "e"]);
  });

  it("pages with bookmarks and refuses a paginated query in a transaction that writes", async () => {
    for (const key of ["p1", "p2", "p3", "p4", "p5"]) await submit("put", key, key);
    expect(await evaluate("page", "p", "q", "2", "")).to.deep.equal({ keys: ["p1", "p2"], bookmark: "p3", fetched: 2 });
    expect(await evaluate("page", "p", "q", "2", "p3")).to.deep.equal({
      keys: ["p3", "p4"],
      bookmark: "p5",
      fetched: 2,
    });
    expect(await evaluate("page", "p", "q", "2", "p5")).to.deep.equal({ keys: ["p5"], bookmark: "", fetched: 1 });
    const err = await submit("putThenPage", "w").catch((e: unknown) => e);
    expect(String((err as { details?: { message: string }[] }).details?.[0]?.message)).to.match(/paginated/);
  });

  it("answers partial composite keys in order", async () => {
    await submit("putComposite", "asset", "org2", "b", "1");
    await submit("putComposite", "asset", "org1", "b", "2");
    await submit("putComposite", "asset", "org1", "a", "3");
    await submit("putComposite", "other", "org1", "a", "4");
    expect(await evaluate("listComposite", "asset", "org1")).to.deep.equal([
      ["org1", "a"],
      ["org1", "b"],
    ]);
    expect(await evaluate("listComposite", "asset", "")).to.deep.equal([
      ["org1", "a"],
      ["org1", "b"],
      ["org2", "b"],
    ]);
  });

  it("refuses rich queries as a LevelDB peer does", async () => {
    const err = await client.contract.evaluateTransaction("richQuery").catch((e: unknown) => e);
    expect(String((err as { details?: { message: string }[] }).details?.[0]?.message)).to.contain(
      "ExecuteQuery not supported for leveldb",
    );
  });
});
