import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import "./quiet.ts";
import { LedgerError } from "../../core/errors.ts";
import type { SignedRecord } from "../../core/record.ts";
import { ChainUnavailableError, type ChainEvent } from "../../ledger-service/src/chain/backend.ts";
import { ChainConflictError } from "../../ledger-service/src/chain/fabric/gateway-errors.ts";
import { FabricBackend, type FabricBackendOptions } from "../../ledger-service/src/chain/fabric/fabric-backend.ts";
import { clientIdentity } from "../../ledger-service/src/fabric-access/identity.ts";
import { addCalendarYears } from "../../core/time.ts";
import { R1_FIELDS, h, hopBody, productBody, resourceBody, review } from "../../scripts/scenarios/fixtures.ts";
import { MEMBERS, actorBody, org, signAs } from "../../scripts/scenarios/world.ts";
import { startEmulatedNetwork, type EmulatedNetwork } from "./emulator/network.ts";
import { createFabricIdentity, type FabricIdentity } from "./identities.ts";

/**
 * The service's FabricBackend against the peer emulator: what Fabric's optimistic concurrency
 * does to two transactions on the same key, how the backend answers it, and the event stream
 * the indexer resumes from.
 */
describe("Fabric backend: MVCC conflicts, event cursors, outages", function () {
  this.timeout(180_000);
  let net: EmulatedNetwork;
  let relay: FabricIdentity;
  const opened: FabricBackend[] = [];
  let seq = 0;

  async function backend(options: Partial<FabricBackendOptions> = {}): Promise<FabricBackend> {
    const client = new grpc.Client(net.emulator.address, grpc.credentials.createInsecure());
    const b = FabricBackend.connect({
      client,
      identity: clientIdentity(relay.mspId, relay.certificatePem, relay.privateKey),
      channel: "pdl",
      chaincode: "pdl",
      ownsClient: true,
      ...options,
    });
    opened.push(b);
    return b;
  }
  const withdrawal = () =>
    signAs("agency", "resource.withdraw", { resourceId: "R1", reason: "superseded" }, `withdraw-${seq++}`);
  const hop = (id: string) => signAs("op", "lineage.hop", hopBody(id), `hop-${id}-${seq++}`);
  type Conflict = { attempt: number; validationCode: string };
  function conflictLog(): { conflicts: Conflict[]; onConflict: (c: Conflict) => void } {
    const conflicts: Conflict[] = [];
    return { conflicts, onConflict: (c) => conflicts.push({ attempt: c.attempt, validationCode: c.validationCode }) };
  }
  /** Both results of two concurrent submissions, in submission order. */
  async function race(a: Promise<unknown>, b: Promise<unknown>): Promise<PromiseSettledResult<unknown>[]> {
    return Promise.allSettled([a, b]);
  }
  const rejection = (results: PromiseSettledResult<unknown>[]) =>
    (results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason as unknown;
  /** Grant G1 on R1 to `op` and product P1 under it: every lineage hop on P1 rewrites P1's hop count. */
  async function withProduct(b: FabricBackend): Promise<void> {
    const now = Math.floor(Date.now() / 1000) - 60;
    const records: SignedRecord[] = [
      signAs("agency", "actor.register", actorBody("op"), "op"),
      signAs("agency", "cap.set", { domain: "finance", chargeUnit: "per-call", maxPriceFen: 1000 }, "cap"),
      signAs(
        "agency",
        "grant.issue",
        {
          id: "G1",
          grantee: org("op"),
          scope: [{ resourceId: "R1", fields: ["a", "b", "c"] }],
          scenarios: ["credit assessment"],
          validFrom: now,
          validUntil: addCalendarYears(now, 2),
          agreementHash: h("agreement"),
        },
        "G1",
      ),
      signAs("op", "product.register", productBody(), "P1"),
    ];
    for (const r of records) await b.submit(r);
  }
  async function events(b: FabricBackend, after?: string): Promise<ChainEvent[]> {
    const out: ChainEvent[] = [];
    for await (const e of b.events(after)) out.push(e);
    return out;
  }

  before(async () => {
    net = await startEmulatedNetwork({ channel: "pdl", chaincodeName: "pdl" });
    await net.trust(MEMBERS.agency.mspId);
    relay = await createFabricIdentity({
      mspId: MEMBERS.agency.mspId,
      commonName: "relay",
      attributes: { "pdl.org": org("agency"), "pdl.role": "agency" },
    });
  });
  beforeEach(async () => {
    net.emulator.reset();
    const setup = await backend();
    const records: SignedRecord[] = [
      signAs("agency", "actor.bootstrap", actorBody("agency"), "bootstrap"),
      signAs("agency", "actor.register", actorBody("su1"), "su1"),
      signAs("su1", "resource.review", (review("su1", "R1", R1_FIELDS) as { body: unknown }).body, "review"),
      signAs("agency", "resource.register", resourceBody("R1", R1_FIELDS, 2), "R1"),
    ];
    for (const r of records) await setup.submit(r);
  });
  afterEach(async () => {
    for (const b of opened.splice(0)) await b.close();
  });
  after(async () => {
    await net?.stop();
  });

  it("commits one of two transactions on the same key and reports the other as CHAIN_CONFLICT without retries", async () => {
    const [a, b] = [await backend({ conflictRetries: 0 }), await backend({ conflictRetries: 0 })];
    net.emulator.holdNextBlock(2);
    const results = await Promise.allSettled([a.submit(withdrawal()), b.submit(withdrawal())]);
    expect(results.map((r) => r.status).sort()).to.deep.equal(["fulfilled", "rejected"]);
    const failure = (results.find((r) => r.status === "rejected") as PromiseRejectedResult)
      .reason as ChainConflictError;
    expect(failure).to.be.instanceOf(ChainConflictError);
    expect(failure).to.be.instanceOf(LedgerError);
    expect(failure.code).to.equal("CHAIN_CONFLICT");
    expect(failure.validationCode).to.equal("MVCC_READ_CONFLICT");
    const withdrawn = (await events(a)).filter((e) => e.signed.record.op === "resource.withdraw");
    expect(withdrawn, "exactly one withdrawal is on chain").to.have.length(1);
    expect(await a.view({ kind: "resource", id: "R1" })).to.deep.include({ status: "withdrawn" });
  });

  it("re-endorses the conflicting transaction on the new state, where the rules then refuse it", async () => {
    const { conflicts, onConflict } = conflictLog();
    const [a, b] = [await backend({ onConflict, retryDelayMs: 5 }), await backend({ onConflict, retryDelayMs: 5 })];
    net.emulator.holdNextBlock(2);
    const results = await Promise.allSettled([a.submit(withdrawal()), b.submit(withdrawal())]);
    expect(results.map((r) => r.status).sort()).to.deep.equal(["fulfilled", "rejected"]);
    expect(conflicts).to.deep.equal([{ attempt: 1, validationCode: "MVCC_READ_CONFLICT" }]);
    const failure = (results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason as LedgerError;
    expect(failure).to.be.instanceOf(LedgerError);
    expect(failure.code, "the retry ran the rules again on the withdrawn resource").to.equal("RESOURCE_NOT_ACTIVE");
    expect((await events(a)).filter((e) => e.signed.record.op === "resource.withdraw")).to.have.length(1);
  });

  it("re-endorses the conflicting transaction on the new state, where it then commits", async () => {
    await withProduct(await backend());
    const { conflicts, onConflict } = conflictLog();
    const [a, b] = [await backend({ onConflict, retryDelayMs: 5 }), await backend({ onConflict, retryDelayMs: 5 })];
    const height = net.emulator.ledger.height;
    net.emulator.holdNextBlock(2);
    const results = await race(a.submit(hop("H1")), b.submit(hop("H2")));
    expect(results.map((r) => r.status)).to.deep.equal(["fulfilled", "fulfilled"]);
    expect(conflicts, "both read P1's hop count; the second one in the block was re-endorsed once").to.deep.equal([
      { attempt: 1, validationCode: "MVCC_READ_CONFLICT" },
    ]);
    const [first, second] = results
      .map((r) => (r as PromiseFulfilledResult<{ blockNumber: number }>).value.blockNumber)
      .sort((x, y) => x - y);
    expect(first, "one committed in the held block").to.equal(height);
    expect(second, "the other after its re-endorsement").to.be.greaterThan(height);
    const codes = net.emulator.ledger.block(height)!.transactions.map((t) => t.code);
    expect(codes).to.deep.equal([0, 11]); // VALID, MVCC_READ_CONFLICT
    expect(await a.view({ kind: "product", id: "P1" })).to.deep.include({ hopCount: 2 });
    const hops = (await events(a))
      .filter((e) => e.signed.record.op === "lineage.hop")
      .map((e) => (e.signed.record.body as { id: string }).id);
    expect(hops.sort()).to.deep.equal(["H1", "H2"]);
  });

  it("ends a retried duplicate in the rules' answer: REPLAYED_RECORD for an update, DUPLICATE_ID for a creation", async () => {
    await withProduct(await backend());
    const { conflicts, onConflict } = conflictLog();
    const [a, b] = [await backend({ onConflict, retryDelayMs: 5 }), await backend({ onConflict, retryDelayMs: 5 })];

    const sameHop = hop("H7");
    net.emulator.holdNextBlock(2);
    const creations = await race(a.submit(sameHop), b.submit(sameHop));
    expect(creations.map((r) => r.status).sort()).to.deep.equal(["fulfilled", "rejected"]);
    expect((rejection(creations) as LedgerError).code).to.equal("DUPLICATE_ID");

    const sameWithdrawal = withdrawal(); // after the hop, which reads R1 while it is active
    net.emulator.holdNextBlock(2);
    const updates = await race(a.submit(sameWithdrawal), b.submit(sameWithdrawal));
    expect(updates.map((r) => r.status).sort()).to.deep.equal(["fulfilled", "rejected"]);
    expect((rejection(updates) as LedgerError).code).to.equal("REPLAYED_RECORD");

    expect(conflicts).to.deep.equal([
      { attempt: 1, validationCode: "MVCC_READ_CONFLICT" },
      { attempt: 1, validationCode: "MVCC_READ_CONFLICT" },
    ]);
    const all = await events(a);
    expect(
      all.filter((e) => e.signed.record.nonce === sameWithdrawal.record.nonce),
      "the withdrawal once",
    ).to.have.length(1);
    expect(
      all.filter((e) => e.signed.record.op === "lineage.hop"),
      "the hop once",
    ).to.have.length(1);
  });

  it("streams each record's event once, in chain order, and resumes after a stored cursor across a reconnect", async () => {
    const first = await backend();
    const all = await events(first);
    expect(all.map((e) => e.signed.record.op)).to.deep.equal([
      "actor.bootstrap",
      "actor.register",
      "resource.review",
      "resource.register",
    ]);
    expect(all.map((e) => e.cursor)).to.deep.equal([...all.map((e) => e.cursor)].sort());
    expect(new Set(all.map((e) => e.cursor)).size).to.equal(all.length);
    const stored = all[1]!.cursor;
    await first.close();
    opened.splice(opened.indexOf(first), 1);

    const again = await backend();
    await again.submit(withdrawal());
    const resumed = await events(again, stored);
    expect(resumed.map((e) => e.signed.record.op)).to.deep.equal([
      "resource.review",
      "resource.register",
      "resource.withdraw",
    ]);
    expect(await events(again, resumed.at(-1)!.cursor), "nothing after the last event").to.deep.equal([]);
    const key = (e: ChainEvent) => `${e.cursor} ${e.txId} ${e.recordHash}`;
    expect(
      [...all.slice(0, 2), ...resumed].map(key),
      "before and after the cursor: the whole chain, nothing missed or doubled",
    ).to.deep.equal((await events(again)).map(key));
    for (const e of resumed) expect(e.blockTime).to.be.a("number").and.greaterThan(0);
  });

  it("answers ChainUnavailableError when the peer cannot be reached", async () => {
    const client = new grpc.Client("127.0.0.1:1", grpc.credentials.createInsecure());
    const down = FabricBackend.connect({
      client,
      identity: clientIdentity(relay.mspId, relay.certificatePem, relay.privateKey),
      channel: "pdl",
      chaincode: "pdl",
      ownsClient: true,
      timeouts: { evaluate: 2_000, endorse: 2_000 },
    });
    opened.push(down);
    const viewErr = await down.view({ kind: "resource", id: "R1" }).catch((e: unknown) => e);
    expect(viewErr).to.be.instanceOf(ChainUnavailableError);
    const submitErr = await down.submit(withdrawal()).catch((e: unknown) => e);
    expect(submitErr).to.be.instanceOf(ChainUnavailableError);
    expect(await events(down).catch((e: unknown) => e)).to.be.instanceOf(ChainUnavailableError);
    expect(await down.now().catch((e: unknown) => e)).to.be.instanceOf(ChainUnavailableError);
  });

  it("answers ChainUnavailableError when the peer stops, also to a submission waiting for its commit", async () => {
    const own = await startEmulatedNetwork({ channel: "pdl", chaincodeName: "pdl", mspIds: [relay.mspId] });
    let stopped = false;
    try {
      const client = new grpc.Client(own.emulator.address, grpc.credentials.createInsecure());
      const b = FabricBackend.connect({
        client,
        identity: clientIdentity(relay.mspId, relay.certificatePem, relay.privateKey),
        channel: "pdl",
        chaincode: "pdl",
        ownsClient: true,
        timeouts: { evaluate: 2_000, endorse: 2_000, submit: 2_000 },
      });
      opened.push(b);
      await b.submit(signAs("agency", "actor.bootstrap", actorBody("agency"), "bootstrap"));
      own.emulator.holdNextBlock(2);
      const waiting = b.submit(signAs("agency", "actor.register", actorBody("su1"), "su1")).catch((e: unknown) => e);
      while (own.emulator.waitingForBlock === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      await own.stop();
      stopped = true;
      const err = await waiting;
      expect(err).to.be.instanceOf(ChainUnavailableError);
      expect((err as Error).message).to.match(/may or may not commit/);
      expect(await b.view({ kind: "actor", id: org("agency") }).catch((e: unknown) => e)).to.be.instanceOf(
        ChainUnavailableError,
      );
      expect(await b.submit(withdrawal()).catch((e: unknown) => e)).to.be.instanceOf(ChainUnavailableError);
      expect(await events(b).catch((e: unknown) => e)).to.be.instanceOf(ChainUnavailableError);
    } finally {
      if (!stopped) await own.stop();
    }
  });
});
