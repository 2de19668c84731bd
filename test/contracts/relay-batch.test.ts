import { expect } from "chai";
import { getBytes, toUtf8String } from "ethers";
import { LedgerError } from "../../core/errors.ts";
import { recordHash, type SignedRecord } from "../../core/record.ts";
import { fromIso } from "../../core/time.ts";
import type { BatchOutcome } from "../../ledger-service/src/chain/backend.ts";
import { registryInterface } from "../../ledger-service/src/chain/evm/artifacts.ts";
import { decodeRecordEvent } from "../../ledger-service/src/chain/evm/encoding.ts";
import { EvmBackend } from "../../ledger-service/src/chain/evm/evm-backend.ts";
import { batchCallGas, BATCH_BASE_GAS } from "../../ledger-service/src/chain/evm/registry-client.ts";
import { signerRelay, type RelaySender } from "../../ledger-service/src/chain/evm/relay.ts";
import { actorBody, expectCode, freshChain, h, sign, ZERO_FEE, type Org, type TestChain } from "./helpers.ts";

/**
 * Registry.relayBatch and the backend's batch path: several records in one transaction, each
 * checked exactly as if sent alone after the ones before it.
 */
const GENESIS = fromIso("2027-09-01T09:00:00+08:00");

const codeOf = (outcome: BatchOutcome | undefined) =>
  outcome && !outcome.ok && outcome.error instanceof LedgerError
    ? outcome.error.code
    : outcome?.ok
      ? "accepted"
      : String(outcome && !outcome.ok ? outcome.error : "none");

describe("Registry.relayBatch: several records in one transaction", function () {
  let chain: TestChain;
  let agency: Org, op: Org, ex: Org, su: Org, stranger: Org, late: Org;
  let t = GENESIS;
  const tick = () => (t += 10);
  const anchor = (treeSize: number) =>
    sign(agency, "anchor.checkpoint", {
      origin: "batch.test/log",
      treeSize,
      rootHash: h(`root${treeSize}`),
      checkpointHash: h(`cp${treeSize}`),
    });
  const calldata = (signed: SignedRecord) => chain.client.calldata(signed);

  before(async function () {
    chain = await freshChain(GENESIS);
    agency = chain.org("agency", "agency", 1);
    op = chain.org("op", "operator", 2);
    ex = chain.org("ex", "exchange", 3);
    su = chain.org("su", "source-unit", 4);
    stranger = chain.org("stranger", "operator", 5);
    late = chain.org("late", "partner", 6);
    await chain.submit(sign(agency, "actor.bootstrap", actorBody(agency)), agency, tick());
  });

  after(async function () {
    await chain?.close();
  });

  it("dry-runs each call as if alone, after the earlier ones, writing nothing", async function () {
    const calls = [
      sign(agency, "actor.register", actorBody(op)),
      sign(agency, "actor.register", actorBody(op)),
      anchor(5),
      anchor(5),
      anchor(6),
    ].map(calldata);
    const dry = await chain.client.simulateBatch(calls, agency.wallet.address);
    expect(dry.map((d) => d.ok)).to.deep.equal([true, false, true, false, true]);
    expect(dry.map((d) => (d.ok ? "ok" : (d.error as LedgerError).code))).to.deep.equal([
      "ok",
      "DUPLICATE_ID",
      "ok",
      "ANCHOR_NOT_MONOTONIC",
      "ok",
    ]);
    for (const d of dry) if (d.ok) expect(Number(d.gas)).to.be.greaterThan(2_000);
    expect(await chain.client.view({ kind: "actor", id: op.orgId })).to.equal(undefined);
    expect(await chain.client.view({ kind: "anchor", id: "batch.test/log" })).to.equal(undefined);
  });

  it("mines the accepted calls in one transaction, each emitting its own event, in order", async function () {
    const records = [
      sign(agency, "actor.register", actorBody(op)),
      sign(agency, "actor.register", actorBody(ex)),
      anchor(7),
    ];
    const calls = records.map(calldata);
    const dry = await chain.client.simulateBatch(calls, agency.wallet.address);
    const gas =
      BATCH_BASE_GAS + calls.reduce((sum, c, i) => sum + batchCallGas(c, (dry[i] as { gas: bigint }).gas), 0n);
    await chain.rpc.request({ method: "evm_setNextBlockTimestamp", params: [tick()] });
    const mined = await chain.client.submitBatch(calls, signerRelay(agency.wallet, ZERO_FEE), gas);
    expect([...mined.emitted]).to.deep.equal(records.map((r) => recordHash(r.record)));
    expect(mined.blockTime).to.equal(t);
    const events = (await chain.client.events(mined.blockNumber, mined.blockNumber)).filter(
      (e) => e.txId === mined.txId,
    );
    expect(events.map((e) => e.recordHash)).to.deep.equal(records.map((r) => recordHash(r.record)));
    expect(events.map((e) => e.event)).to.deep.equal(["ActorRegistered", "ActorRegistered", "CheckpointAnchored"]);
    expect(await chain.client.view({ kind: "actor", id: ex.orgId })).to.include({ role: "exchange" });
    expect(await chain.client.view({ kind: "anchor", id: "batch.test/log" })).to.include({ treeSize: 7 });
  });

  it("keeps every call's sender binding: a batch from an unbound account relays nothing", async function () {
    const calls = [anchor(8), sign(agency, "actor.register", actorBody(su))].map(calldata);
    const dry = await chain.client.simulateBatch(calls, stranger.wallet.address);
    expect(dry.map((d) => (d.ok ? "ok" : (d.error as LedgerError).code))).to.deep.equal([
      "NOT_AUTHORIZED",
      "NOT_AUTHORIZED",
    ]);
    // The author's own bound account may batch its own records.
    const own = await chain.client.simulateBatch(
      [calldata(sign(ex, "product.delist", { productId: "P-NONE", reason: "x" }))],
      ex.wallet.address,
    );
    expect(own[0]!.ok ? "ok" : (own[0]!.error as LedgerError).code).to.equal("NOT_FOUND");
  });

  it("refuses a batch nested in a batch", async function () {
    const inner = getBytes(registryInterface().encodeFunctionData("relayBatch", [[calldata(anchor(9))]]));
    let reverted: unknown;
    try {
      await chain.client.simulateBatch([inner], agency.wallet.address);
    } catch (err) {
      reverted = err;
    }
    expect(reverted, "a nested batch must revert the whole call").to.be.instanceOf(Error);
    expect(String(reverted)).to.include("relayBatch reverted with NestedBatch()");
    expect(await chain.client.view({ kind: "anchor", id: "batch.test/log" })).to.include({ treeSize: 7 });
  });

  it("reads registry events straight from the log data as ethers decodes them, and nothing else", async function () {
    const events = await chain.provider.getLogs({ address: chain.address, fromBlock: 0 });
    expect(events.length).to.be.greaterThan(3);
    for (const log of events) {
      const parsed = registryInterface().parseLog(log)!;
      expect(decodeRecordEvent(log)).to.deep.equal({
        event: parsed.name,
        id: parsed.args.id as string,
        recordHash: (parsed.args.recordHash as string).slice(2),
        signedRecordJson: toUtf8String(parsed.args.signedRecord as string),
      });
    }
    const log = events[0]!;
    const word = (n: number) => n.toString(16).padStart(64, "0");
    expect(decodeRecordEvent({ topics: [h("not-an-event"), log.topics[1]!], data: "0x" + "00".repeat(96) })).to.equal(
      undefined,
    );
    expect(decodeRecordEvent({ topics: [h("not-an-event"), log.topics[1]!], data: log.data })).to.equal(undefined);
    // A wrong offset, a length beyond the data, a short or odd payload: not a record event.
    expect(
      decodeRecordEvent({ topics: log.topics, data: "0x" + log.data.slice(2, 66) + word(96) + log.data.slice(130) }),
    ).to.equal(undefined);
    expect(
      decodeRecordEvent({
        topics: log.topics,
        data: "0x" + log.data.slice(2, 130) + word(1 << 20) + log.data.slice(194),
      }),
    ).to.equal(undefined);
    expect(decodeRecordEvent({ topics: log.topics, data: log.data.slice(0, 150) })).to.equal(undefined);
    expect(decodeRecordEvent({ topics: log.topics, data: log.data + "0" })).to.equal(undefined);
  });

  describe("EvmBackend.submitBatch", function () {
    let backend: EvmBackend;
    before(function () {
      backend = new EvmBackend(chain.address, "31337", chain.provider, agency.wallet, {
        overrides: { maxFeePerGas: 0n, maxPriorityFeePerGas: 0n },
      });
    });

    it("answers each record: schema and rule refusals write nothing, the accepted share one transaction", async function () {
      const good1 = sign(agency, "actor.register", actorBody(su));
      const bad = sign(agency, "actor.register", { ...actorBody(stranger), orgId: "not-a-uscc" });
      const dup = sign(agency, "actor.register", actorBody(op));
      const good2 = anchor(10);
      await chain.rpc.request({ method: "evm_setNextBlockTimestamp", params: [tick()] });
      const outcomes = await backend.submitBatch([good1, bad, dup, good2]);
      expect(outcomes.map(codeOf)).to.deep.equal(["accepted", "INVALID_RECORD", "DUPLICATE_ID", "accepted"]);
      const [a, , , d] = outcomes as { ok: true; tx: { txId: string; blockTime: number } }[];
      expect(a!.tx.txId).to.equal(d!.tx.txId);
      expect(a!.tx.blockTime).to.equal(t);
      const hashes = new Set((await chain.client.events(0)).map((e) => e.recordHash));
      expect(hashes.has(recordHash(good1.record)) && hashes.has(recordHash(good2.record))).to.equal(true);
      expect(hashes.has(recordHash(dup.record))).to.equal(false);
    });

    it("splits the accepted records into transactions that fit the gas budget", async function () {
      const small = new EvmBackend(chain.address, "31337", chain.provider, agency.wallet, {
        overrides: { maxFeePerGas: 0n, maxPriorityFeePerGas: 0n },
        maxBatchGas: 1n,
      });
      const outcomes = await small.submitBatch([anchor(11), anchor(12), anchor(13)]);
      expect(outcomes.map(codeOf)).to.deep.equal(["accepted", "accepted", "accepted"]);
      const txs = new Set(outcomes.map((o) => (o as { tx: { txId: string } }).tx.txId));
      expect(txs.size).to.equal(3);
    });

    it("answers a record the chain refused at mining time with the reason the new state gives", async function () {
      // Between the dry run and the batch, another transaction registers the same actor.
      const racing: RelaySender = {
        relay: async (to, data, gas) => {
          await chain.submit(sign(agency, "actor.register", actorBody(late)), agency, tick());
          return signerRelay(agency.wallet, ZERO_FEE).relay(to, data, gas);
        },
      };
      const raced = new EvmBackend(chain.address, "31337", chain.provider, agency.wallet, { relay: racing });
      const outcomes = await raced.submitBatch([
        sign(agency, "actor.register", { ...actorBody(late), name: "second" }),
        anchor(14),
      ]);
      expect(outcomes.map(codeOf)).to.deep.equal(["DUPLICATE_ID", "accepted"]);
      expect(await chain.client.view({ kind: "actor", id: late.orgId })).to.include({ role: "partner" });
    });

    it("rejects as a whole only when nothing could be dry-run", async function () {
      await expectCode(
        backend.submitBatch([sign(agency, "actor.register", { ...actorBody(stranger), orgId: "bad" })]).then((o) => {
          if (!o[0]!.ok) throw o[0]!.error;
        }),
        "INVALID_RECORD",
      );
    });
  });
});
