/** Where a transaction landed: what a receipt's anchor and an index entry point at. */
export interface TxRef {
  readonly txId: string;
  readonly blockNumber: number;
  /** Block time (EVM) or transaction timestamp (Fabric), Unix seconds. */
  readonly blockTime: number;
}

/**
 * The answer to an accepted write, as the service sends it and its clients read it: the record's
 * hash and what it created or changed, the transaction it landed in, and its log receipt (`R`:
 * the receipt as the reader types it).
 */
export interface AcceptedRecord<R = unknown> {
  readonly recordHash: string;
  readonly op: string;
  readonly kind: string;
  readonly id: string;
  readonly tx: TxRef;
  readonly leafIndex: number;
  readonly receipt: R;
}
