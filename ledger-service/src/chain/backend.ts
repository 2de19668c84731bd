import type { TxRef } from "../../../core/accepted-record.ts";
import type { SignedRecord } from "../../../core/record.ts";
import type { OverdueGrant, StateView, ViewKey } from "../../../core/views.ts";

/**
 * The ledger service's view of a chain. Implementations: `embedded` (the chaincode's rule engine
 * in process on a durable LevelDB world state and block store; Hardhat's EVM with a replayed
 * journal before it), `evm` (any JSON-RPC endpoint), `fabric` (fabric-gateway). Rule failures reject with
 * `LedgerError` carrying the rulebook code; transport failures with `ChainUnavailableError`.
 */
export interface ChainRef {
  readonly type: "embedded" | "evm" | "fabric";
  /** EVM chain id (decimal string), Fabric channel name, or the embedded chain's name. */
  readonly chainId: string;
  /** Contract address of the registry facade, or the chaincode name. */
  readonly contract: string;
}

export type { TxRef } from "../../../core/accepted-record.ts";

/** An accepted record as the chain reports it in its events. */
export interface ChainEvent extends TxRef {
  readonly event: string;
  readonly signed: SignedRecord;
  readonly recordHash: string;
  /** Monotonic position for resuming the event stream (block number and index in block). */
  readonly cursor: string;
}

/** One record's fate in a batch: where it landed, or why it was refused (nothing written for it). */
export type BatchOutcome = { readonly ok: true; readonly tx: TxRef } | { readonly ok: false; readonly error: unknown };

export interface LedgerBackend {
  readonly ref: ChainRef;
  /** Checks the record against the rules without writing anything (EVM: eth_call; Fabric: endorse only). */
  simulate(signed: SignedRecord): Promise<void>;
  /** Submits and waits for commit (OutcomeUnknownError when it was sent but its fate is unknown). */
  submit(signed: SignedRecord): Promise<TxRef>;
  /**
   * Optional: checks and submits several records in order as if one by one (each sees the
   * earlier accepted ones), in as few transactions as the chain allows. A refused record writes
   * nothing; the others are unaffected. Rejects as a whole only when nothing was submitted
   * (e.g. the chain is unreachable before the dry run). A record whose transaction may have
   * been sent but whose fate is unknown gets an OutcomeUnknownError as its outcome, never a
   * ChainUnavailableError.
   */
  submitBatch?(records: readonly SignedRecord[]): Promise<BatchOutcome[]>;
  /**
   * The service verified this record's signature against the author's registered key: a chain
   * running in the service's process need not verify it again (chains elsewhere ignore it).
   */
  signatureVerified?(recordHash: string, signature: string, publicKey: string): void;
  view(key: ViewKey): Promise<StateView | undefined>;
  overdue(at: number): Promise<OverdueGrant[]>;
  /** Events after `cursor` (from the beginning when undefined), in chain order. */
  events(after?: string): AsyncIterable<ChainEvent>;
  /** The chain's current time (latest block time, or wall clock for Fabric). */
  now(): Promise<number>;
  /** Optional: the chain's own clock, where the chain has one the service runs (the embedded chain). */
  readonly clock?: ChainClockControl;
  /**
   * Optional: what identifies the chain and how far it is, to check that it is the chain this
   * data directory was built on (start-up and /readyz). Rejects with ChainUnavailableError when
   * the chain does not answer.
   */
  identify?(): Promise<ChainIdentity>;
  /** Optional: the block an event cursor of this backend points into. */
  cursorBlock?(cursor: string): number;
  /**
   * Optional: the fate of a transaction whose outcome a submission could not learn
   * (OutcomeUnknownError): "landed" (its events are on chain: index them), "dropped" (it never
   * will be: nothing of it was written), "unknown" (ask again later). It may send the same
   * signed transaction again to settle the question (an identical transaction lands once).
   */
  transactionOutcome?(pending: PendingTransaction): Promise<"landed" | "dropped" | "unknown">;
  close(): Promise<void>;
}

/** A chain clock the service runs: `manual` ones move only when the agency asks (LEDGER_CLOCK=manual). */
export interface ChainClockControl {
  readonly mode: "wall" | "manual";
  /**
   * Moves a manual clock forward to `to` (Unix seconds), journaled before it resolves; `by` is
   * who asked. LedgerError CLOCK_NOT_MANUAL on a wall clock, CLOCK_BACKWARDS before the present.
   */
  advance(to: number, by: string): Promise<{ previous: number; time: number }>;
}

export interface ChainIdentity {
  /** The chain's first block (EVM: block 0's hash): fixed for the chain's whole life. */
  readonly genesis: string;
  /** The latest block number. */
  readonly head: number;
  /** Whether the registry (contract or chaincode) is deployed where the service expects it. */
  readonly registry: boolean;
}

/** A transaction that may have been sent, as the backend needs it to learn its fate later (JSON). */
export interface PendingTransaction {
  /** The transaction id, when it was known before sending. */
  readonly txId?: string;
  /** Whatever else the backend needs (EVM: the signed raw transaction, its sender and nonce). */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/**
 * A submission whose transaction may have been sent, but whose outcome the backend could not
 * learn in time (the node stopped answering after the send): the records may or may not be on
 * chain. Never "nothing was written".
 */
export class OutcomeUnknownError extends Error {
  constructor(
    message: string,
    readonly pending: PendingTransaction,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "OutcomeUnknownError";
  }
}

/** The chain answers, but it is not the chain this data directory was built on (one line, for people). */
export class ChainMismatchError extends Error {
  constructor(
    message: string,
    /** The kind of chain that answered (embedded, evm, fabric). */
    readonly backend: string,
  ) {
    super(message);
    this.name = "ChainMismatchError";
  }
}

/** Transport failure before anything was sent: nothing was written. */
export class ChainUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ChainUnavailableError";
  }
}
