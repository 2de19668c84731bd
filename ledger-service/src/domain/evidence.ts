import type { Evidence } from "../../../core/listing-report.ts";
import type { IndexedEntry } from "../indexes/index-store.ts";

/** The evidence a report cites for an indexed record: its id, hash, transaction and log leaf. */
export function evidenceOf(entry: IndexedEntry): Evidence {
  return {
    kind: entry.kind,
    id: entry.id,
    recordHash: entry.recordHash,
    txId: entry.txId,
    blockNumber: entry.blockNumber,
    leafIndex: entry.leafIndex,
  };
}
