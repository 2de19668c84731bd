import type { OperationBody, OperationName } from "./operations.ts";
import type { LedgerRecord } from "./record.ts";
import type { PublicProductFacts } from "./public-list.ts";
import type { Product } from "./records/product.ts";
import type { ProductView, RevenueView, StateView } from "./views.ts";

/**
 * A ledger record as the service answers it (GET /v1/records/:kind/:id and the named routes that
 * answer the same: /v1/actors/:orgId, /v1/hops/:hopId, /v1/complaints/:complaintId …) and as the
 * console and pdl read it: the chain's current view, the signed record that created it, and every
 * later signed record that changed it, each with its transaction. A wire format, so it lives
 * beside the records; the service builds it in ledger-service/src/domain/record-reader.ts.
 *
 * The route is one for every kind, so the view, the creating body and the changes' bodies are
 * parameters a reader names for the kind it asked for (`RecordDocument<ComplaintView>` …).
 */
export interface RecordDocument<V = StateView, C = unknown, B = unknown> {
  readonly kind: string;
  readonly id: string;
  /** The chain's view; null when the chain holds none (the record is indexed only). */
  readonly view: V | null;
  /** The body of the record that created it; null when the index holds none. */
  readonly created: C | null;
  readonly changes: readonly ChangeSummary<B>[];
}

/** A signed record that changed a ledger record, with its transaction. */
export interface ChangeSummary<B = unknown> {
  readonly op: string;
  readonly actor: string;
  readonly recordHash: string;
  readonly txId: string;
  readonly blockNumber: number;
  readonly blockTime: number;
  readonly body: B;
}

/**
 * GET /v1/records/:kind/:id/history: every signed record that touched it, oldest first, each
 * with its signature, its leaf in the SM3 log and its latest receipt (null before it is logged).
 */
export interface RecordHistory<O extends OperationName = OperationName> {
  readonly kind: string;
  readonly id: string;
  readonly history: readonly HistoryEntry<O>[];
}

export interface HistoryEntry<O extends OperationName = OperationName> extends ChangeSummary<OperationBody<O>> {
  readonly signature: string;
  readonly record: LedgerRecord<O>;
  readonly leafIndex: number;
  readonly receipt: unknown;
}

/**
 * GET /v1/products/:productId: the product's document for its grant's holders and those who read
 * everything; a recipient of a delivery gets the product's public facts only, with no changes.
 */
export type ProductDocument =
  RecordDocument<ProductView, Product> | RecordDocument<PublicProductFacts, PublicProductFacts, never>;

/** GET /v1/operators/:operator/revenue: the operator's years of permitted revenue. */
export interface RevenueYears {
  readonly years: readonly RecordDocument<RevenueView>[];
}
