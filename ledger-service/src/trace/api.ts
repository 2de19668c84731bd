import { CsvParser, JsonlParser, type Format, type Row } from "./datasets.ts";
import type { WatermarkSpec } from "./watermark-spec.ts";

/**
 * The wire format of the trace endpoints, shared by the service (http/routes/trace-routes.ts) and the
 * `pdl deliver` / `pdl trace` commands (the trace request and its report, which the console reads
 * too, are core/trace-report.ts). Binary values travel as base64 (handles, leaf hashes) or
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
