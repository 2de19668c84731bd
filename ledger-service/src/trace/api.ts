import { CsvParser, JsonlParser, type Format, type Row } from "./datasets.ts";
import type { MarkedExactTest, ProvenRecord } from "./attribution.ts";
import type { WatermarkSpec } from "./watermark-spec.ts";
import type { DetectionResult } from "./watermark-detect.ts";

/**
 * The wire format of the trace endpoints, shared by the service (http/routes/trace-routes.ts) and the
 * `pdl deliver` / `pdl trace` commands. Binary values travel as base64 (handles, leaf hashes) or
 * lowercase hex (keys, hashes); record text travels as a JSON string.
 *
 *   POST /v1/trace/keys                              operator, partner   → DeliveryKeysResponse
 *   POST /v1/trace/deliveries/:deliveryId            the hop's author    → IntakeStatus (begin or resume)
 *   POST /v1/trace/deliveries/:deliveryId/fingerprints  the hop's author → IntakeStatus
 *   GET  /v1/trace/deliveries/:deliveryId            author, agency, supervisor → IntakeStatus
 *   POST /v1/trace                                   agency, supervisor  → TraceReport
 */
export const TRACE_PATHS = {
  keys: "/v1/trace/keys",
  delivery: (id: string) => `/v1/trace/deliveries/${encodeURIComponent(id)}`,
  fingerprints: (id: string) => `/v1/trace/deliveries/${encodeURIComponent(id)}/fingerprints`,
  trace: "/v1/trace",
} as const;

export interface DeliveryKeysRequest {
  /** The id the delivery's `deliver` hop will have (or has). */
  readonly deliveryId: string;
}

export interface DeliveryKeysResponse {
  readonly deliveryId: string;
  readonly orgId: string;
  /**
   * The delivery's own secret, hex: the "master secret" M of `deriveDeliveryKeys(M, deliveryId)`
   * (trace-keys.ts) for this one delivery. It yields this delivery's watermark and fingerprint keys
   * and nothing else.
   */
  readonly deliverySecret: string;
  /** The caller's organisation's index key (lookup handles), hex. */
  readonly indexKey: string;
  /** What the hop must register: SM3 commitment to the watermark key, hex. */
  readonly watermarkCommitment: string;
}

export interface IntakeBeginRequest {
  readonly watermark: WatermarkSpec;
  /** Format of the delivered file (informative). */
  readonly format?: Format;
}

export interface FingerprintChunk {
  /** Index of the chunk's first record in the delivery; must equal the records staged so far. */
  readonly start: number;
  /** Concatenated 16-byte lookup handles, base64. */
  readonly handles: string;
  /** Concatenated 32-byte RFC 9162 leaf hashes, base64, same records in the same order. */
  readonly leafHashes: string;
  /**
   * One byte per record, base64: how many of the record's cells the watermark changed (at most
   * 254). Without it the records' marks are unknown, and their exact matches attribute nothing.
   */
  readonly marks?: string;
  /** Last chunk: check the count and the root against the hop on chain, then index. */
  readonly final?: boolean;
}

export interface IntakeStatus {
  readonly deliveryId: string;
  /** Record count and root as registered on chain. */
  readonly recordCount: number;
  readonly fingerprintRoot: string;
  /** Records received so far (equal to recordCount once indexed). */
  readonly staged: number;
  /** Largest chunk (records) that fits the service's body limit. */
  readonly chunkRecords: number;
  /** Whether the delivery is in the fingerprint store (traceable). */
  readonly indexed: boolean;
}

export interface TraceRequest {
  /** The leaked records as CSV (with a header row) or JSON lines text. */
  readonly records: string;
  readonly format?: Format | "auto";
  /** When the leak was found, Unix seconds (default: now). */
  readonly at?: number;
  /** Bound on the probability of any false watermark attribution (default 1e-9). */
  readonly alpha?: number;
  /** Test only the deliveries of this product for the watermark. */
  readonly productId?: string;
  /** Inclusion proofs returned per delivery (default 20). */
  readonly maxProofsPerDelivery?: number;
}

/**
 * The fewest distinct leaked records a trace accepts (docs/TRACING.md §5): below it no
 * attribution can be decided at the bound, so the service refuses rather than answer "no match".
 */
export const MIN_TRACE_RECORDS = 50;

/** Base64 characters per record in a fingerprint chunk: 16 + 32 + 1 bytes → at most 66. */
const CHUNK_CHARS_PER_RECORD = 66;
export const MAX_CHUNK_RECORDS = 4096;

/** How many records' handles and leaves fit one request under a body limit (with 4 KiB spare). */
export function chunkRecordsFor(bodyLimitBytes: number): number {
  return Math.max(1, Math.min(MAX_CHUNK_RECORDS, Math.floor((bodyLimitBytes - 4096) / CHUNK_CHARS_PER_RECORD)));
}

/** Parses CSV or JSON lines text ("auto": JSON lines when the first non-blank character is `{`). */
export function parseRecordText(text: string, format: Format | "auto" = "auto"): Row[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const f = format === "auto" ? (body.trimStart().startsWith("{") ? "jsonl" : "csv") : format;
  return (f === "csv" ? new CsvParser() : new JsonlParser()).push(body, true);
}

// ---------------------------------------------------------------------------------------------
// The supervisor's answer

export interface OrgRef {
  readonly orgId: string;
  readonly name: string;
  readonly role: string;
}

/** Where a signed record sits: its hash, its transaction and its leaf in the SM3 log. */
export interface RecordRef {
  readonly recordHash: string;
  readonly txId: string;
  readonly blockNumber: number;
  readonly blockTime: number;
  readonly leafIndex: number;
}

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
  readonly watermark: readonly (DetectionResult & { readonly deliveryId: string })[];
  /** Every candidate's marked-exact-match test, most significant first. */
  readonly markedExact: readonly MarkedExactTest[];
}
