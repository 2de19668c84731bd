import type { OrderedTransaction } from "./channel-ledger.ts";
import { IdentityError, transactionIdOf, verifySignature, type MspRegistry } from "./msp.ts";
import { common, TxValidationCode } from "./protos.ts";
import { decodeRwset } from "./rwset.ts";
import { unpackEnvelope } from "./transaction.ts";

/**
 * The committing peer's per-transaction checks before MVCC validation (the validator and
 * VSCC): a well-formed endorser transaction on this channel, the transaction id bound to nonce
 * and creator, the creator's signature over the payload, an endorsement by this peer that
 * verifies over the response it endorsed, and a parseable read-write set. A transaction failing
 * one keeps its place in the block with that validation code; MVCC, phantom and duplicate
 * checks happen when the block is applied (ChannelLedger.commit).
 */
export interface CommitterContext {
  readonly channel: string;
  readonly chaincodeName: string;
  readonly msps: MspRegistry;
  /** The peer's serialized identity; only its endorsements satisfy the endorsement policy. */
  readonly endorser: Uint8Array;
}

export function checkForCommit(ctx: CommitterContext, envelopeBytes: Uint8Array): OrderedTransaction {
  const rejected = (
    txId: string,
    timestamp: number,
    code: (typeof TxValidationCode)[keyof typeof TxValidationCode],
  ): OrderedTransaction => ({ envelope: envelopeBytes, txId, timestamp, rwset: undefined, rejected: code });
  let env;
  try {
    env = unpackEnvelope(common.Envelope.deserializeBinary(envelopeBytes));
  } catch {
    return rejected("", 0, TxValidationCode.BAD_PAYLOAD);
  }
  const { txId, timestampSeconds: ts } = env;
  if (env.channel !== ctx.channel) return rejected(txId, ts, TxValidationCode.TARGET_CHAIN_NOT_FOUND);
  if (!env.action) return rejected(txId, ts, TxValidationCode.UNKNOWN_TX_TYPE);
  if (txId !== transactionIdOf(env.nonce, env.creator)) return rejected(txId, ts, TxValidationCode.BAD_PROPOSAL_TXID);
  try {
    ctx.msps.verify(env.creator, env.payloadBytes, env.signature);
  } catch (err) {
    if (err instanceof IdentityError) return rejected(txId, ts, TxValidationCode.BAD_CREATOR_SIGNATURE);
    throw err;
  }
  if (env.action.chaincodeName !== ctx.chaincodeName) return rejected(txId, ts, TxValidationCode.INVALID_CHAINCODE);
  const endorsedByPeer = env.action.endorsements.some((e) => {
    if (!e.endorser.equals(ctx.endorser)) return false;
    try {
      verifySignature(
        ctx.msps.creator(e.endorser).certificate,
        Buffer.concat([env.action!.proposalResponsePayload, e.endorser]),
        e.signature,
      );
      return true;
    } catch {
      return false;
    }
  });
  if (!endorsedByPeer) return rejected(txId, ts, TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
  let rwset;
  try {
    rwset = decodeRwset(ctx.chaincodeName, env.action.rwset);
  } catch {
    return rejected(txId, ts, TxValidationCode.BAD_RWSET);
  }
  const e = env.action.event;
  const event = e
    ? {
        chaincodeId: e.getChaincodeId(),
        txId: e.getTxId(),
        eventName: e.getEventName(),
        payload: Buffer.from(e.getPayload_asU8()),
      }
    : undefined;
  return { envelope: envelopeBytes, txId, timestamp: ts, rwset, event };
}
