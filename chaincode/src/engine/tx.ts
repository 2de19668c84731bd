import type { LedgerRecord, SignedRecord } from "../../../core/record.ts";
import type { OperationBody, OperationName } from "../../../core/operations.ts";
import type { Ledger } from "../ledger/ledger.ts";
import type { ActorState } from "./state.ts";

/** Who submitted the transaction, as the peer saw it: the creator's MSP and certificate. */
export interface Submitter {
  readonly mspId: string;
  /** DER bytes of the creator's X.509 certificate. */
  readonly certificateDer: Uint8Array;
  /** Fabric CA attributes (extension 1.2.3.4.5.6.7.8.1). */
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * Record signatures the engine's own process has verified already: the embedded chain runs in
 * the service, which checked the same record hash, signature and registered key before
 * submitting. A hit spares the engine repeating that SM2 verification on its serialized path;
 * anything else is verified as always. Never set on a Fabric peer, which trusts no caller.
 */
export interface VerifiedSignatures {
  has(recordHash: string, signature: string, publicKey: string): boolean;
}

/** One transaction's inputs: state, the transaction time (never the clock) and the creator. */
export interface TxContext {
  readonly ledger: Ledger;
  readonly now: number;
  readonly txId: string;
  readonly submitter: Submitter;
  readonly signatures?: VerifiedSignatures;
}

/** A transaction that passed the preamble: the record, its hash and its registered author. */
export interface Tx<O extends OperationName = OperationName> extends TxContext {
  readonly signed: SignedRecord;
  readonly record: LedgerRecord<O>;
  readonly recordHash: string;
  readonly author: ActorState;
}

export type Handler<O extends OperationName> = (tx: Tx<O>, body: OperationBody<O>) => Promise<void>;

/** The CA attribute that names the platform's relay identity (the agency's gateway). */
export const RELAY_ROLE_ATTRIBUTE = "pdl.role";
export const ORG_ATTRIBUTE = "pdl.org";

export function isRelay(submitter: Submitter): boolean {
  return submitter.attributes[RELAY_ROLE_ATTRIBUTE] === "agency";
}
