/**
 * POST /v1/trace's answer, as far as the page reads it (the service's TraceReport, docs/TRACING.md):
 * the console may import only core/ and the client SDK, so the shape the page relies on is here.
 */
export interface OrgRef {
  readonly orgId: string;
  readonly name: string;
  readonly role: string;
}

export interface RecordRef {
  readonly recordHash: string;
  readonly txId: string;
  readonly blockNumber: number;
  readonly blockTime: number;
  readonly leafIndex: number;
}

export type AttributionEvidence =
  | {
      readonly kind: "watermark";
      readonly total: number;
      readonly matched: number;
      readonly pValue: number;
      readonly level: number;
      readonly threshold: number;
    }
  | {
      readonly kind: "marked-exact-match";
      readonly records: number;
      readonly marked: number;
      readonly pValue: number;
      readonly level: number;
      readonly threshold: number;
    };

export interface WatermarkTest {
  readonly deliveryId: string;
  readonly records: number;
  readonly total: number;
  readonly matched: number;
  readonly score: number;
  readonly pValue: number;
  readonly level: number;
  readonly threshold: number;
  readonly detected: boolean;
}

export interface MarkedExactTest {
  readonly deliveryId: string;
  readonly records: number;
  readonly marked: number;
  readonly pValue: number;
  readonly level: number;
  readonly threshold: number;
  readonly detected: boolean;
}

export interface CertificateFinding {
  readonly id: string;
  readonly holder: string;
  readonly assetClass: string;
  readonly destroyedAt: number;
  readonly filedAt: number;
  readonly covers: boolean;
  readonly why: string;
  readonly coveredSince: number;
  readonly record: RecordRef;
}

export interface LineageStep extends RecordRef {
  readonly id: string;
  readonly operation: string;
  readonly actor: string;
  readonly environment: string;
  readonly recordCount: number;
}

export interface DeliveryFinding {
  readonly deliveryId: string;
  readonly evidence: readonly AttributionEvidence[];
  readonly exact: {
    readonly matchedRecords: number;
    readonly uniqueRecords: number;
    readonly markedRecords: number;
    readonly treeSize: number;
    readonly fingerprintRoot: string;
    readonly proofsVerified: boolean;
  } | null;
  readonly deliveredAt: number;
  readonly delivery: RecordRef & { readonly actor: string };
  readonly recipient: OrgRef;
  readonly deliveredBy: OrgRef;
  readonly product: {
    readonly id: string;
    readonly name: string;
    readonly operator: OrgRef;
    readonly record: RecordRef;
  };
  readonly grant: {
    readonly id: string;
    readonly grantee: OrgRef;
    readonly validFrom: number;
    readonly validUntil: number;
    readonly statusAtDelivery: string;
    readonly activeAtDelivery: boolean;
    readonly statusNow: string;
    readonly endedAt: number;
    readonly destructionDeadline: number;
    readonly record: RecordRef;
  };
  readonly lineage: {
    readonly hops: readonly LineageStep[];
    readonly resources: readonly {
      readonly id: string;
      readonly name: string;
      readonly versionsUsed: readonly number[];
    }[];
  };
  readonly destruction: {
    readonly leakAt: number;
    readonly certificates: readonly CertificateFinding[];
    readonly coveredAtLeak: boolean;
    readonly violation: boolean;
    readonly overdueAtLeak: boolean;
  };
  readonly receipts: {
    readonly delivery: unknown;
    readonly grant: unknown;
    readonly product: unknown;
    readonly certificates: Readonly<Record<string, unknown>>;
  };
}

export interface TraceReport {
  readonly leakAt: number;
  readonly records: number;
  readonly unmatchedRecords: number;
  readonly alpha: number;
  readonly comparisons: number;
  readonly verdict: "attributed" | "exact match only" | "no match";
  readonly attributedTo: readonly string[];
  /** The leak-attributed risk alerts the service raised (or had raised) for this sample. */
  readonly alerts?: readonly string[];
  readonly violations: readonly string[];
  readonly deliveries: readonly DeliveryFinding[];
  readonly unattributed: readonly {
    readonly deliveryId: string;
    readonly matchedRecords: number;
    readonly uniqueRecords: number;
    readonly markedRecords: number;
  }[];
  readonly watermark: readonly WatermarkTest[];
  readonly markedExact: readonly MarkedExactTest[];
}

/** What the page sends: POST /v1/trace's body. */
export interface TraceRequest {
  readonly records: string;
  readonly format: "auto" | "csv" | "jsonl";
  readonly productId?: string;
  readonly at?: number;
}

/**
 * The service's request body is limited (256 KiB by default); like `pdl trace`, the page sends the
 * first whole lines of a larger file that fit 240 KiB inside the JSON string (enough for the
 * watermark, which needs at least 50 records), and says so.
 */
export const TRACE_BUDGET_BYTES = 240 * 1024;

export function fitToBudget(text: string, budget = TRACE_BUDGET_BYTES): { text: string; lines: number; sent: number } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(/(?<=\n)/);
  const encoder = new TextEncoder();
  let used = 0;
  let sent = 0;
  for (const line of lines) {
    const cost = encoder.encode(JSON.stringify(line)).length - 2;
    if (used + cost > budget) break;
    used += cost;
    sent++;
  }
  const nonBlank = lines.filter((l) => l.trim() !== "").length;
  return {
    text: lines.slice(0, sent).join(""),
    lines: nonBlank,
    sent: lines.slice(0, sent).filter((l) => l.trim() !== "").length,
  };
}

/** A p-value as people read it: 2 significant digits, in scientific notation when small. */
export function pValue(p: number): string {
  return p === 0 ? "0" : p < 0.001 ? p.toExponential(1) : p.toPrecision(2);
}
