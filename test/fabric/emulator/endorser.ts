import type { FabricIdentity } from "../identities.ts";
import type { ChannelLedger } from "./channel-ledger.ts";
import { IdentityError, signEcdsa, transactionIdOf, type MspRegistry } from "./msp.ts";
import { msp, peer } from "./protos.ts";
import { answerQscc } from "./qscc.ts";
import { encodeRwset } from "./rwset.ts";
import type { ShimSession } from "./shim-session.ts";
import { TxStateHandler } from "./state-requests.ts";
import {
  proposalResponsePayload,
  restamp,
  unpackProposal,
  type ChaincodeResult,
  type UnpackedProposal,
} from "./transaction.ts";

/**
 * The peer's ProcessProposal: check the signed proposal (creator, signature, transaction id,
 * channel, chaincode, not a committed transaction id), run it on the chaincode against a fresh
 * simulation of the current state, and sign the result as this peer's endorsement. Nothing is
 * written: the read-write set travels in the endorsement until the block commits.
 *
 * Failures are classified as the gateway needs them (its responseStatus): `client` (the peer
 * refused the proposal), `chaincode` (the chaincode answered an error status) or `execution`
 * (the chaincode could not be run).
 */
export class EndorsementError extends Error {
  constructor(
    message: string,
    readonly kind: "client" | "chaincode" | "execution",
  ) {
    super(message);
    this.name = "EndorsementError";
  }
}

export interface Endorsed {
  readonly proposal: UnpackedProposal;
  readonly result: ChaincodeResult;
  readonly proposalResponsePayload: Uint8Array;
  readonly endorsement: peer.Endorsement;
}

export interface EndorserContext {
  readonly channel: string;
  readonly chaincodeName: string;
  readonly msps: MspRegistry;
  readonly identity: FabricIdentity;
  readonly queryBatchSize: number;
  ledger(): ChannelLedger;
  session(): Promise<ShimSession>;
  /** The emulator-only clock hook: the transaction timestamp the chaincode sees, if set. */
  clock(): number | undefined;
}

export class Endorser {
  readonly serializedIdentity: Uint8Array;

  constructor(private readonly ctx: EndorserContext) {
    const id = new msp.SerializedIdentity();
    id.setMspid(ctx.identity.mspId);
    id.setIdBytes(Buffer.from(ctx.identity.certificatePem, "utf8"));
    this.serializedIdentity = id.serializeBinary();
  }

  /** Checks a proposal as the peer's preProcess does; throws EndorsementError("client"). */
  check(signed: peer.SignedProposal | undefined, options: { forCommit: boolean }): UnpackedProposal {
    const p = unpackProposal(signed);
    try {
      if (p.channel !== this.ctx.channel) throw new EndorsementError(`channel ${p.channel} not found`, "client");
      this.ctx.msps.verify(p.creator, p.signed.getProposalBytes_asU8(), p.signed.getSignature_asU8());
    } catch (err) {
      if (err instanceof IdentityError)
        throw new EndorsementError(
          `access denied: channel [${p.channel}] creator org unknown, creator is malformed or the signature is invalid: ${err.message}`,
          "client",
        );
      throw err;
    }
    const expected = transactionIdOf(p.nonce, p.creator);
    if (p.txId !== expected)
      throw new EndorsementError(
        `incorrectly formed transaction id ${p.txId}: expected hex(sha256(nonce ‖ creator)) = ${expected}`,
        "client",
      );
    if (options.forCommit && this.ctx.ledger().transaction(p.txId))
      throw new EndorsementError(
        `duplicate transaction found [${p.txId}]. Creator [${p.creator.toString("hex")}]`,
        "client",
      );
    return p;
  }

  /** Simulates the proposal and endorses (signs) a successful result. */
  async process(signed: peer.SignedProposal | undefined, options: { forCommit: boolean }): Promise<Endorsed> {
    const checked = this.check(signed, options);
    const clock = this.ctx.clock();
    const proposal = clock === undefined ? checked : restamp(checked, clock);
    const result = proposal.chaincodeName === "qscc" ? this.qscc(proposal) : await this.execute(proposal);
    // Status ≥ 400 fails the endorsement (core/endorser); the gateway reports it in these words.
    if (result.status < 200 || result.status >= 400)
      throw new EndorsementError(`chaincode response ${result.status}, ${result.message}`, "chaincode");
    const prp = proposalResponsePayload(proposal, result);
    const endorsement = new peer.Endorsement();
    endorsement.setEndorser(this.serializedIdentity);
    endorsement.setSignature(signEcdsa(this.ctx.identity.privateKey, Buffer.concat([prp, this.serializedIdentity])));
    return { proposal, result, proposalResponsePayload: prp, endorsement };
  }

  private qscc(p: UnpackedProposal): ChaincodeResult {
    const answer = answerQscc(
      this.ctx.ledger(),
      p.input.getArgsList_asU8().map((a) => Buffer.from(a).toString("utf8")),
    );
    return { ...answer, event: undefined, rwset: new Uint8Array() };
  }

  private async execute(p: UnpackedProposal): Promise<ChaincodeResult> {
    if (p.chaincodeName !== this.ctx.chaincodeName) {
      throw new EndorsementError(
        `make sure the chaincode ${p.chaincodeName} has been successfully defined on channel ${p.channel} and try again: chaincode ${p.chaincodeName} not found`,
        "client",
      );
    }
    const ledger = this.ctx.ledger();
    const simulator = ledger.state.simulate();
    const handler = new TxStateHandler(p.chaincodeName, ledger.state, simulator, this.ctx.queryBatchSize);
    let completion;
    try {
      const session = await this.ctx.session();
      completion = await session.execute(p.channel, p.txId, p.input, p.signed, handler);
    } catch (err) {
      throw new EndorsementError(
        `error in simulation: ${err instanceof Error ? err.message : String(err)}`,
        "execution",
      );
    }
    // The shim leaves the event's chaincode id and tx id empty; the peer fills them in.
    const event = completion.event;
    event?.setChaincodeId(p.chaincodeName);
    event?.setTxId(p.txId);
    return {
      status: completion.status,
      message: completion.message,
      payload: completion.payload,
      event,
      rwset: encodeRwset(p.chaincodeName, simulator.rwset()),
    };
  }
}
