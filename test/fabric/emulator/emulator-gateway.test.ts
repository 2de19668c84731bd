import "../quiet.ts";
import { rm } from "node:fs/promises";
import {
  CommitError,
  EndorseError,
  GatewayError,
  hash,
  signers,
  StatusCode,
  type ChaincodeEvent,
  type CloseableAsyncIterable,
} from "@hyperledger/fabric-gateway";
import { expect } from "chai";
import { createFabricIdentity, type FabricIdentity } from "../identities.ts";
import { signEcdsa } from "./msp.ts";
import { common, gateway, peer, TxValidationCode } from "./protos.ts";
import { startEmulatedNetwork, type EmulatedNetwork } from "./network.ts";
import { packageProbeChaincode } from "./probe-package.ts";
import { connectTestClient, type TestClient } from "./test-client.ts";

/**
 * The emulator as the real fabric-gateway client sees it: commit-time validation (MVCC, phantom
 * reads, duplicate transaction ids), chaincode events and their resumption, the gateway's error
 * details, and the identity checks a peer makes.
 */
describe("peer emulator: gateway, validation and events", function () {
  this.timeout(60_000);
  let net: EmulatedNetwork;
  let dir: string;
  let alice: FabricIdentity;
  let client: TestClient;
  const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");
  const evaluate = async (fn: string, ...args: string[]) =>
    JSON.parse(text(await client.contract.evaluateTransaction(fn, ...args))) as unknown;
  const endorse = (fn: string, ...args: string[]) => client.contract.newProposal(fn, { arguments: args }).endorse();

  before(async () => {
    dir = await packageProbeChaincode();
    net = await startEmulatedNetwork({ chaincodeName: "probe", modulePath: dir, mspIds: ["Org1MSP"] });
    alice = await createFabricIdentity({ mspId: "Org1MSP", commonName: "alice" });
    client = connectTestClient(net.emulator.address, alice);
  });
  after(async () => {
    client?.close();
    await net?.stop();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => net.emulator.reset());

  describe("validation at commit", () => {
    it("commits one of two transactions endorsed on the same state and fails the other with MVCC_READ_CONFLICT", async () => {
      const [a, b] = await Promise.all([endorse("incr", "counter"), endorse("incr", "counter")]);
      await (await a.submit()).getStatus().then((s) => expect(s.code).to.equal(StatusCode.VALID));
      const status = await (await b.submit()).getStatus();
      expect(status.code).to.equal(StatusCode.MVCC_READ_CONFLICT);
      expect(await evaluate("get", "counter")).to.equal("1");
    });

    it("validates transactions of one block in order against the earlier ones in the same block", async () => {
      net.emulator.holdNextBlock(2);
      const results = await Promise.allSettled([
        client.contract.submitTransaction("incr", "c2"),
        client.contract.submitTransaction("incr", "c2"),
      ]);
      const block = net.emulator.ledger.block(net.emulator.ledger.height - 1)!;
      expect(block.transactions.map((t) => t.code)).to.deep.equal([
        TxValidationCode.VALID,
        TxValidationCode.MVCC_READ_CONFLICT,
      ]);
      expect(results.map((r) => r.status).sort()).to.deep.equal(["fulfilled", "rejected"]);
      const failure = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(failure.reason).to.be.instanceOf(CommitError);
      expect((failure.reason as CommitError).code).to.equal(StatusCode.MVCC_READ_CONFLICT);
      expect(await evaluate("get", "c2")).to.equal("1");
    });

    it("fails a transaction whose range read changed before it committed with PHANTOM_READ_CONFLICT", async () => {
      await client.contract.submitTransaction("put", "r/1", "x");
      const counting = await endorse("countThenPut", "r/", "r0", "count");
      await client.contract.submitTransaction("put", "r/2", "x");
      const status = await (await counting.submit()).getStatus();
      expect(status.code).to.equal(StatusCode.PHANTOM_READ_CONFLICT);
      expect(await evaluate("get", "count")).to.equal(null);
      // Re-endorsed on the new state, it commits.
      expect(text(await client.contract.submitTransaction("countThenPut", "r/", "r0", "count"))).to.equal("2");
    });

    it("marks a resubmitted transaction DUPLICATE_TXID, in a later block and in the same block, and refuses to re-endorse it", async () => {
      const tx = await endorse("incr", "dup");
      expect((await (await tx.submit()).getStatus()).code).to.equal(StatusCode.VALID);
      await (await tx.submit()).getStatus();
      const later = net.emulator.ledger.block(net.emulator.ledger.height - 1)!;
      expect(later.transactions.map((t) => [t.txId, t.code])).to.deep.equal([
        [tx.getTransactionId(), TxValidationCode.DUPLICATE_TXID],
      ]);
      expect(await evaluate("get", "dup")).to.equal("1");

      const twice = await endorse("incr", "dup2");
      net.emulator.holdNextBlock(2);
      await Promise.all([twice.submit(), twice.submit()]);
      const same = net.emulator.ledger.block(net.emulator.ledger.height - 1)!;
      expect(same.transactions.map((t) => t.code)).to.deep.equal([
        TxValidationCode.VALID,
        TxValidationCode.DUPLICATE_TXID,
      ]);

      const proposal = client.contract.newProposal("incr", { arguments: ["dup3"] });
      await (await proposal.endorse()).submit().then((s) => s.getStatus());
      const again = await proposal.endorse().catch((e: unknown) => e);
      expect(again).to.be.instanceOf(EndorseError);
      expect((again as EndorseError).details[0]?.message).to.contain("duplicate transaction found");
    });
  });

  describe("errors", () => {
    it("reports a chaincode error as the gateway does: ABORTED with an ErrorDetail on submit, UNKNOWN on evaluate", async () => {
      const err = (await client.contract.submitTransaction("fail", "boom").catch((e: unknown) => e)) as EndorseError;
      expect(err).to.be.instanceOf(EndorseError);
      expect(err.code).to.equal(10); // grpc ABORTED
      expect(err.message).to.contain("failed to endorse transaction, see attached details for more info");
      expect(err.details).to.deep.equal([
        { address: net.emulator.address, mspId: "PeerMSP", message: "chaincode response 500, boom" },
      ]);
      const evalErr = (await client.contract
        .evaluateTransaction("fail", "bang")
        .catch((e: unknown) => e)) as GatewayError;
      expect(evalErr).to.be.instanceOf(GatewayError);
      expect(evalErr.code).to.equal(2); // grpc UNKNOWN
      expect(evalErr.details[0]?.message).to.equal("chaincode response 500, bang");
    });

    it("refuses an unknown chaincode function with the contract API's message", async () => {
      const err = (await client.network
        .getContract("probe", "probe")
        .evaluateTransaction("nope")
        .catch((e: unknown) => e)) as GatewayError;
      expect(err.details[0]?.message).to.equal(
        "chaincode response 500, You've asked to invoke a function that does not exist: probe:nope",
      );
    });
  });

  describe("identity checks", () => {
    it("refuses a creator from an MSP outside the channel", async () => {
      const mallory = await createFabricIdentity({ mspId: "StrangerMSP", commonName: "mallory" });
      const other = connectTestClient(net.emulator.address, mallory);
      try {
        const err = (await other.contract.evaluateTransaction("whoami").catch((e: unknown) => e)) as GatewayError;
        expect(err.code).to.equal(9); // FAILED_PRECONDITION
        expect(err.details[0]?.message).to.match(/access denied.*StrangerMSP is not a member of the channel/);
      } finally {
        other.close();
      }
    });

    it("refuses a signature by another key than the certificate's, and a high-S signature", async () => {
      const bob = await createFabricIdentity({ mspId: "Org1MSP", commonName: "bob" });
      const forged = connectTestClient(net.emulator.address, alice, {
        signer: signers.newPrivateKeySigner(bob.privateKey),
      });
      const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
      const highS = connectTestClient(net.emulator.address, alice, {
        signer: async (digest) => {
          // Sign the digest (the message was already hashed by the client) and flip S to n − S.
          const der = Buffer.from(await signers.newPrivateKeySigner(alice.privateKey)(digest));
          const rLength = der[3]!;
          const s = BigInt("0x" + der.subarray(6 + rLength).toString("hex"));
          const flipped = Buffer.from((P256_N - s).toString(16).padStart(64, "0"), "hex");
          const sPart = flipped[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), flipped]) : flipped;
          const rPart = der.subarray(4, 4 + rLength);
          const body = Buffer.concat([
            Buffer.from([0x02, rPart.length]),
            rPart,
            Buffer.from([0x02, sPart.length]),
            sPart,
          ]);
          return Buffer.concat([Buffer.from([0x30, body.length]), body]);
        },
      });
      try {
        const e1 = (await forged.contract.evaluateTransaction("whoami").catch((e: unknown) => e)) as GatewayError;
        expect(e1.details[0]?.message).to.contain("the signature does not verify");
        const e2 = (await highS.contract.evaluateTransaction("whoami").catch((e: unknown) => e)) as GatewayError;
        expect(e2.details[0]?.message).to.contain("high S");
      } finally {
        forged.close();
        highS.close();
      }
    });

    it("verifies P-384 creators against their own curve and Ed25519 creators over the whole message", async () => {
      const p384 = await createFabricIdentity({ mspId: "Org1MSP", commonName: "carol", keyAlgorithm: "P-384" });
      const ed = await createFabricIdentity({ mspId: "Org1MSP", commonName: "dave", keyAlgorithm: "Ed25519" });
      const clients = [
        connectTestClient(net.emulator.address, p384),
        connectTestClient(net.emulator.address, ed, { hash: hash.none }),
      ];
      try {
        for (const [i, c] of clients.entries()) {
          // Several signatures each: a P-384 low S is almost always above P-256's n/2.
          for (let n = 0; n < 4; n++) await c.contract.submitTransaction("incr", `curve-${i}`);
          expect(JSON.parse(text(await c.contract.evaluateTransaction("whoami"))) as { mspId: string }).to.deep.include(
            { mspId: "Org1MSP" },
          );
          expect(await evaluate("get", `curve-${i}`)).to.equal("4");
        }
        // Ed25519 signs the message itself: a signature over its SHA-256 digest is refused.
        const digestSigned = connectTestClient(net.emulator.address, ed, { hash: hash.sha256 });
        try {
          const err = (await digestSigned.contract
            .evaluateTransaction("whoami")
            .catch((e: unknown) => e)) as GatewayError;
          expect(err.details[0]?.message).to.contain("the signature does not verify");
        } finally {
          digestSigned.close();
        }
      } finally {
        for (const c of clients) c.close();
      }
    });

    it("refuses a transaction id that is not hex(SHA-256(nonce ‖ creator))", async () => {
      const proposal = client.contract.newProposal("whoami");
      const proposed = gateway.ProposedTransaction.deserializeBinary(proposal.getBytes());
      const signed = proposed.getProposal()!;
      const p = peer.Proposal.deserializeBinary(signed.getProposalBytes_asU8());
      const header = common.Header.deserializeBinary(p.getHeader_asU8());
      const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
      channelHeader.setTxId("0".repeat(64));
      header.setChannelHeader(channelHeader.serializeBinary());
      p.setHeader(header.serializeBinary());
      signed.setProposalBytes(p.serializeBinary());
      signed.setSignature(signEcdsa(alice.privateKey, p.serializeBinary()));
      proposed.setTransactionId("0".repeat(64));
      const tampered = client.gateway.newSignedProposal(proposed.serializeBinary(), signed.getSignature_asU8());
      const err = (await tampered.evaluate().catch((e: unknown) => e)) as GatewayError;
      expect(err.details[0]?.message).to.contain("incorrectly formed transaction id");
    });
  });

  describe("chaincode events", () => {
    async function take(events: CloseableAsyncIterable<ChaincodeEvent>, n: number): Promise<ChaincodeEvent[]> {
      const out: ChaincodeEvent[] = [];
      try {
        for await (const e of events) {
          out.push(e);
          if (out.length === n) break;
        }
      } finally {
        events.close();
      }
      return out;
    }
    const summary = (events: ChaincodeEvent[]) =>
      events.map((e) => [Number(e.blockNumber), e.eventName, text(e.payload)]);

    it("delivers one event per valid transaction (the last setEvent), in block and transaction order, none for invalid ones", async () => {
      const start = net.emulator.ledger.height;
      await client.contract.submitTransaction("emit", "first", "1");
      net.emulator.holdNextBlock(3);
      const [a, b] = await Promise.all([endorse("incr", "e"), endorse("incr", "e")]);
      const sent = [client.contract.submitTransaction("emit", "second", "2"), a.submit(), b.submit()];
      await Promise.allSettled(sent);
      await client.contract.submitTransaction("emit", "third", "3");
      const events = await take(await client.network.getChaincodeEvents("probe", { startBlock: BigInt(start) }), 3);
      expect(summary(events)).to.deep.equal([
        [start, "first", "1"],
        [start + 1, "second", "2"],
        [start + 2, "third", "3"],
      ]);
      expect(events.every((e) => e.chaincodeName === "probe" && /^[0-9a-f]{64}$/.test(e.transactionId))).to.equal(true);
      expect(net.emulator.ledger.block(start + 1)!.transactions.map((t) => t.code)).to.include(
        TxValidationCode.MVCC_READ_CONFLICT,
      );
    });

    it("resumes after a given transaction or from a start block, and keeps streaming new commits", async () => {
      const txIds: string[] = [];
      for (const n of ["1", "2", "3"]) txIds.push(text(await client.contract.submitTransaction("emit", `ev${n}`, n)));
      const firstBlock = net.emulator.ledger.height - 3;
      const afterSecond = await take(
        await client.network.getChaincodeEvents("probe", {
          checkpoint: { getBlockNumber: () => BigInt(firstBlock + 1), getTransactionId: () => txIds[1] },
        }),
        1,
      );
      expect(summary(afterSecond)).to.deep.equal([[firstBlock + 2, "ev3", "3"]]);
      const fromBlock = await take(
        await client.network.getChaincodeEvents("probe", { startBlock: BigInt(firstBlock + 1) }),
        2,
      );
      expect(summary(fromBlock).map((e) => e[1])).to.deep.equal(["ev2", "ev3"]);

      // A stream opened at the next commit sees only what commits afterwards.
      const live = await client.network.getChaincodeEvents("probe");
      const pending = take(live, 1);
      await client.contract.submitTransaction("emit", "ev4", "4");
      expect(summary(await pending).map((e) => e[1])).to.deep.equal(["ev4"]);
    });
  });

  it("answers qscc GetChainInfo with the chain height", async () => {
    await client.contract.submitTransaction("put", "x", "y");
    const qscc = client.network.getContract("qscc");
    const info = common.BlockchainInfo.deserializeBinary(await qscc.evaluateTransaction("GetChainInfo", "pdl"));
    expect(info.getHeight()).to.equal(net.emulator.ledger.height).and.to.equal(2);
    const block = common.Block.deserializeBinary(await qscc.evaluateTransaction("GetBlockByNumber", "pdl", "1"));
    expect(block.getHeader()!.getNumber()).to.equal(1);
    expect(Buffer.from(block.getHeader()!.getPreviousHash_asU8()).equals(net.emulator.ledger.block(0)!.hash)).to.equal(
      true,
    );
  });
});
