import type { TxInfo } from "./lineage-graph.ts";

/**
 * The leak trace as the service answers it (POST /v1/trace, docs/TRACING.md) and everyone else
 * reads it: the supervisor's console, `pdl trace`, the tests. A wire format, so it lives beside the
 * records; the service builds it in ledger-service/src/trace/service/trace-report.ts from the
 * tests of ledger-service/src/trace/attribution.ts.
 */

/** POST /v1/trace's body. */
export interface TraceRequest {
  /** The leaked records as CSV (with a header row) or JSON lines text. */
  readonly records: string;
  readonly format?: "csv" | "jsonl" | "auto";
  /** When the leak was found, Unix seconds (default: now). */
  readonly at?: number;
  /** Bound on the probability of any false watermark attribution (default 1e-9). */
  readonly alpha?: number;
  /** Test only the deliveries of this product for the watermark. */
  readonly productId?: string;
  /** Inclusion proofs returned per delivery (default 20). */
  readonly maxProofsPerDelivery?: number;
}

/** One candidate's watermark test (ledger-service/src/trace/watermark-detect.ts). */
export interface DetectionResult {
  /** Distinct records (by key) read. */
  readonly records: number;
  /** Cells that carry a bit under this key and could be read. */
  readonly total: number;
  /** Cells whose bit matches this key. */
  readonly matched: number;
  /** matched / total (0 when total = 0). */
  readonly score: number;
  /** P(Bin(total, 1/2) ≥ matched): probability that unmarked data scores this well. */
  readonly pValue: number;
  /** Per-comparison level alpha / comparisons. */
  readonly level: number;
  /** Matches needed for a decision at `level`. */
  readonly threshold: number;
  /** Whether the data carries this watermark (matched ≥ threshold). */
  readonly detected: boolean;
  /** Whether pValue and threshold are exact (total ≤ 4096) or from the Chernoff bound. */
  readonly exact: boolean;
}

/** The watermark test of one candidate delivery. */
export interface WatermarkTest extends DetectionResult {
  readonly deliveryId: string;
}

/**
 * The marked-exact-match test of one candidate: of the `records` distinct leaked records that
 * carry a readable bit under its key, `marked` are found as delivered in it and were changed by
 * its watermark. Data that is not this delivery's copy matches such a record with probability
 * ≤ ½ each, independently, so pValue = P(Bin(records, ½) ≥ marked) bounds a false attribution.
 */
export interface MarkedExactTest {
  readonly deliveryId: string;
  readonly records: number;
  readonly marked: number;
  readonly pValue: number;
  readonly level: number;
  readonly threshold: number;
  readonly detected: boolean;
}

/** A leaked record found as delivered, with its inclusion proof under the delivery's root. */
export interface ProvenRecord {
  /** Position of the record in the leaked file. */
  readonly leakedIndex: number;
  /** Index of the record in the delivery (leaf index). */
  readonly index: number;
  readonly leafHash: string;
  readonly proof: string[];
  /** The recomputed leaf equals the delivery's leaf at `index` and the proof verifies against the root. */
  readonly verified: boolean;
}

export interface OrgRef {
  readonly orgId: string;
  readonly name: string;
  readonly role: string;
}

/** Where a signed record sits: the lineage's TxInfo, under the name the report gives it. */
export type RecordRef = TxInfo;

export interface ExactEvidence {
  /** Leaked records found, as delivered, in this delivery. */
  readonly matchedRecords: number;
  /** Of those, records found in no other delivery. */
  readonly uniqueRecords: number;
  /** Of those, records this delivery's watermark changed (the unmarked original holds none of them). */
  readonly markedRecords: number;
  readonly treeSize: number;
  /** The root registered on chain with the delivery (the proofs are against it). */
  readonly fingerprintRoot: string;
  /** Every returned proof recomputed the keyed leaf and verified against the root. */
  readonly proofsVerified: boolean;
  readonly proofs: readonly ProvenRecord[];
}

export interface WatermarkEvidence extends DetectionResult {
  /** P(false attribution over all candidates) ≤ alpha = level × 2 × comparisons. */
  readonly alpha: number;
  readonly comparisons: number;
}

/**
 * What an attribution rests on, each a test at the false-attribution bound (level = alpha / (2 ×
 * deliveries tested)): the delivery's watermark was detected in the leaked cells, or enough
 * leaked records are found as delivered in it that its watermark changed.
 */
export type AttributionEvidence =
  | {
      readonly kind: "watermark";
      /** Cells read / cells matching this delivery's bits. */
      readonly total: number;
      readonly matched: number;
      readonly pValue: number;
      readonly level: number;
      readonly threshold: number;
    }
  | {
      readonly kind: "marked-exact-match";
      /** Distinct leaked records carrying a bit / of them found as delivered and changed by the mark. */
      readonly records: number;
      readonly marked: number;
      readonly pValue: number;
      readonly level: number;
      readonly threshold: number;
    };

/** A delivery holding some leaked records as delivered, without evidence at the bound: no one is named. */
export interface UnattributedMatch {
  readonly deliveryId: string;
  readonly matchedRecords: number;
  readonly uniqueRecords: number;
  readonly markedRecords: number;
}

export interface LineageStep extends RecordRef {
  readonly id: string;
  readonly operation: string;
  readonly actor: string;
  readonly environment: string;
  readonly inputs: readonly unknown[];
  readonly outputHash: string;
  readonly recordCount: number;
}

export interface CertificateFinding {
  readonly id: string;
  readonly holder: string;
  readonly assetClass: string;
  /** When the holder says the assets were destroyed. */
  readonly destroyedAt: number;
  /** When the certificate reached the chain (block time). */
  readonly filedAt: number;
  /** Whether it covers this delivery's data, and why (or why not). */
  readonly covers: boolean;
  readonly why: string;
  /** min(destroyedAt, filedAt): from then on no copy of covered data may exist. */
  readonly coveredSince: number;
  readonly record: RecordRef;
}

export interface DeliveryFinding {
  readonly deliveryId: string;
  /** Always true: a finding is only made at the false-attribution bound. */
  readonly attributed: boolean;
  /** The tests it rests on (at least one). */
  readonly evidence: readonly AttributionEvidence[];
  readonly exact: ExactEvidence | null;
  readonly watermark: WatermarkEvidence | null;
  readonly deliveredAt: number;
  readonly delivery: RecordRef & { readonly actor: string; readonly hop: unknown };
  readonly recipient: OrgRef;
  readonly deliveredBy: OrgRef;
  readonly product: {
    readonly id: string;
    readonly name: string;
    readonly serviceForm: string;
    readonly scenario: string;
    readonly operator: OrgRef;
    readonly record: RecordRef;
  };
  readonly grant: {
    readonly id: string;
    readonly grantee: OrgRef;
    readonly scenarios: readonly string[];
    readonly validFrom: number;
    readonly validUntil: number;
    /** Status replayed from the grant's signed history up to the delivery. */
    readonly statusAtDelivery: string;
    readonly inTermAtDelivery: boolean;
    readonly activeAtDelivery: boolean;
    readonly statusNow: string;
    /** When the grant ended (revocation or exit), 0 while it has not. */
    readonly endedAt: number;
    /** endedAt + 30 days, 0 while the grant has not ended. */
    readonly destructionDeadline: number;
    readonly record: RecordRef;
  };
  /** The delivery's lineage path: the hops it derives from, back to the resources. */
  readonly lineage: {
    readonly hops: readonly LineageStep[];
    readonly resources: readonly {
      readonly id: string;
      readonly name: string;
      readonly grade: number;
      readonly versionsUsed: readonly number[];
    }[];
    readonly organisations: readonly OrgRef[];
    readonly unresolvedInputs: number;
  };
  readonly destruction: {
    readonly leakAt: number;
    readonly certificates: readonly CertificateFinding[];
    /** A certificate covering this data existed (or claimed destruction) before the leak. */
    readonly coveredAtLeak: boolean;
    /**
     * The data should no longer have existed when it leaked: coveredAtLeak, and the leak is
     * attributed to this delivery at the false-attribution bound (`evidence`).
     */
    readonly violation: boolean;
    /** The grant's destruction was overdue at the leak time. */
    readonly overdueAtLeak: boolean;
  };
  /** Receipts (inclusion in the SM3 log, signed checkpoint, anchor) of the records relied on. */
  readonly receipts: {
    readonly delivery: unknown;
    readonly grant: unknown;
    readonly product: unknown;
    readonly certificates: Readonly<Record<string, unknown>>;
  };
}

export interface TraceReport {
  /** The leak time the destruction check used, Unix seconds. */
  readonly leakAt: number;
  readonly records: number;
  /** Leaked records found in no delivery as delivered (changed, or never delivered). */
  readonly unmatchedRecords: number;
  readonly alpha: number;
  /** Deliveries tested; each had two tests (watermark, marked exact matches) at alpha / (2 × comparisons). */
  readonly comparisons: number;
  /**
   * "attributed": some delivery's evidence reached the bound; "exact match only": records were
   * found as delivered, but no evidence reached the bound (see `unattributed`); "no match".
   */
  readonly verdict: "attributed" | "exact match only" | "no match";
  readonly attributedTo: readonly string[];
  /**
   * The risk alerts (leak-attributed) about the attributed deliveries for this leaked sample,
   * raised by this trace or by an earlier trace of the same sample; set by the service's route.
   */
  readonly alerts?: readonly string[];
  /** Attributed deliveries whose data a destruction certificate covered when it leaked. */
  readonly violations: readonly string[];
  /** The attributed deliveries, with recipient, lineage, grant, destruction and receipts. */
  readonly deliveries: readonly DeliveryFinding[];
  /** Deliveries holding leaked records as delivered, without evidence at the bound. */
  readonly unattributed: readonly UnattributedMatch[];
  /** Every candidate's watermark test, most significant first. */
  readonly watermark: readonly WatermarkTest[];
  /** Every candidate's marked-exact-match test, most significant first. */
  readonly markedExact: readonly MarkedExactTest[];
}
