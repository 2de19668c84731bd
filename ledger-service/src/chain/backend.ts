import type { SignedRecord } from "../../../core/record.ts";
import type { OverdueGrant, StateView, ViewKey } from "../../../core/views.ts";

/**
 * The ledger service's view of a chain. Three implementations: `embedded` (Hardhat's EVM in
 * process), `evm` (any JSON-RPC endpoint), `fabric` (fabric-gateway). Rule failures reject with
 * `LedgerError` carrying the rulebook code; transport failures with `ChainUnavailableError`.
 */
export interface ChainRef {
  readonly type: "evm" | "fabric";
  /** EVM chain id (decimal string) or Fabric channel name. */
  readonly chainId: string;
  /** Contract address of the registry facade, or the chaincode name. */
  readonly contract: string;
}

/** Where a transaction landed: what a receipt's anchor and an index entry point at. */
export interface TxRef {
  readonly txId: string;
  readonly blockNumber: number;
  /** Block time (EVM) or transaction timestamp (Fabric), Unix seconds. */
  readonly blockTime: number;
}

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
  /** Submits and waits for commit. */
  submit(signed: SignedRecord): Promise<TxRef>;
  /**
   * Optional: checks and submits several records in order as if one by one (each sees the
   * earlier accepted ones), in as few transactions as the chain allows. A refused record writes
   * nothing; the others are unaffected. Rejects as a whole only when nothing was submitted
   * (e.g. the chain is unreachable before the dry run).
   */
  submitBatch?(records: readonly SignedRecord[]): Promise<BatchOutcome[]>;
  view(key: ViewKey): Promise<StateView | undefined>;
  overdue(at: number): Promise<OverdueGrant[]>;
  /** Events after `cursor` (from the beginning when undefined), in chain order. */
  events(after?: string): AsyncIterable<ChainEvent>;
  /** The chain's current time (latest block time, or wall clock for Fabric). */
  now(): Promise<number>;
  close(): Promise<void>;
}

export class ChainUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ChainUnavailableError";
  }
}
