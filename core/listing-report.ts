import type { Page } from "./public-list.ts";

/**
 * The listing verification report as the service signs it and everyone else reads it: the
 * exchange's console, the demo, a verifier checking `reportHash` against the listing record.
 * A wire format, so it lives beside the records; the service builds it in
 * ledger-service/src/domain/verification-report.ts.
 */
export type CheckResult = "pass" | "fail" | "not-judged";

export interface ReportCheck {
  readonly id: string;
  readonly title: string;
  readonly result: CheckResult;
  readonly detail: string;
  readonly evidence: readonly Evidence[];
}

export interface Evidence {
  readonly kind: string;
  readonly id: string;
  readonly recordHash?: string;
  readonly txId?: string;
  readonly blockNumber?: number;
  readonly leafIndex?: number;
}

export interface SignedReport<T> {
  readonly report: T;
  /** SM3 of the report's RFC 8785 canonical form: what `product.list` records as reportHash. */
  readonly reportHash: string;
  /** SM2 signature (r‖s hex) over the canonical form, by the service's log key. */
  readonly signature: string;
  readonly signer: { readonly keyName: string; readonly publicKey: string };
}

/**
 * A report the service issued: signed as above, and its hash recorded on chain by a
 * `report.issue` record (its acceptance here: record hash, transaction, log leaf, receipt). A
 * listing may name only the latest report issued for its product, with verdict pass.
 */
export interface IssuedReport<T> extends SignedReport<T> {
  readonly issued: {
    readonly recordHash: string;
    readonly tx: { readonly txId: string; readonly blockNumber: number; readonly blockTime: number };
    readonly leafIndex: number;
    readonly receipt: unknown;
  };
}

export interface ListingReport {
  readonly type: "listing-verification";
  readonly productId: string;
  readonly at: number;
  readonly atCst: string;
  readonly verdict: "pass" | "fail";
  readonly checks: readonly ReportCheck[];
  /** Freshness (时效性) of every source resource at `at`: shown, not judged (a stale source does not fail a listing). */
  readonly freshness: readonly SourceFreshness[];
  /**
   * Data-quality objections (异议处置) still unanswered against the source versions the product is
   * built on, each with its deadline and whether it has passed: shown, not judged.
   */
  readonly objections: readonly SourceObjection[];
}

export interface SourceObjection {
  readonly objectionId: string;
  readonly resourceId: string;
  readonly version: number;
  readonly category: string;
  readonly filedAt: number;
  readonly deadline: number;
  /** Unanswered past its deadline at the report's time. */
  readonly overdue: boolean;
  /** The objection's record. */
  readonly evidence: Evidence | null;
}

export interface SourceFreshness {
  readonly resourceId: string;
  readonly updateFrequency: string;
  readonly version: number;
  readonly lastVersionAt: number;
  readonly nextVersionDue: number;
  /** The next version is past its due second at the report's time. */
  readonly overdue: boolean;
  readonly lateVersions: number;
  /** The record of the current version (or the registration). */
  readonly evidence: Evidence | null;
}

/** GET /v1/exchange/queue: the products awaiting the exchange's decision, in cursor pages. */
export interface ListingQueue extends Page {
  readonly products: readonly ListingQueueItem[];
}

/** One product of the exchange's listing queue (GET /v1/exchange/queue). */
export interface ListingQueueItem {
  readonly productId: string;
  readonly name: string;
  readonly domain: string;
  readonly operator: string;
  readonly operatorName: string;
  readonly grantId: string;
  readonly grantStatus: string | null;
  /** Block time of the product's registration. */
  readonly registeredAt: number;
  /** Its listing verification report at the queue's time: the verdict and the ids of the checks that fail. */
  readonly report: { readonly at: number; readonly verdict: "pass" | "fail"; readonly failing: readonly string[] };
}
