import type { Evidence } from "./listing-report.ts";
import type { AssetClass } from "./records/destruction.ts";
import type { Grant } from "./records/grant.ts";
import type { CertificateView, EvaluationView, GrantView, PartnerView, ProductView } from "./views.ts";

/**
 * The grant audit (GET /v1/grants/:grantId/audit) as the service answers it and everyone else
 * reads it: the supervisor's audit page, the agency's and the operator's desks, the demo.
 * Everything derived from one grant, each record with its evidence. A wire format, so it lives
 * beside the records; the service builds it in ledger-service/src/domain/verification-report.ts.
 */
export interface GrantAudit {
  readonly type: "grant-audit";
  readonly grantId: string;
  /** The time the overdue check used, Unix seconds. */
  readonly at: number;
  /** The grant as issued (its first record's body). */
  readonly grant: Grant;
  /** The chain's current view; null if the chain does not hold it. */
  readonly view: GrantView | null;
  /** Every signed change of the grant, oldest first. */
  readonly changes: readonly Evidence[];
  readonly partners: readonly AuditedRecord<PartnerView>[];
  readonly products: readonly AuditedRecord<ProductView>[];
  readonly hops: readonly AuditedHop[];
  /** The hops that delivered outside the grant (a subset of `hops`). */
  readonly deliveries: readonly AuditedDelivery[];
  readonly certificates: readonly AuditedRecord<CertificateView>[];
  /** Annual evaluations by year (a string: the index's key). */
  readonly evaluations: readonly { readonly year: string; readonly view: EvaluationView | null }[];
  readonly exit: GrantExitStatus;
}

/** A record derived from the grant: the chain's view of it (null if not held) and its first record. */
export interface AuditedRecord<V> {
  readonly id: string;
  readonly view: V | null;
  readonly evidence: Evidence;
}

export interface AuditedHop {
  readonly id: string;
  readonly productId: string;
  /** The organisation that signed the hop. */
  readonly actor: string;
  readonly operation: string;
  readonly recordCount: number;
  readonly evidence: Evidence;
}

export interface AuditedDelivery {
  readonly id: string;
  readonly productId: string;
  readonly recipient: string;
  readonly recordCount: number;
  readonly crossBorder: boolean;
  readonly evidence: Evidence;
}

export interface GrantExitStatus {
  /** The grant's status, "unknown" when the chain holds no view of it. */
  readonly status: GrantView["status"] | "unknown";
  readonly kind: GrantView["exitKind"];
  /** When the grant ended (revocation or the start of an exit); 0 while it has not. */
  readonly endedAt: number;
  /** The last second for the destruction certificates; null while the grant has not ended. */
  readonly destructionDeadline: number | null;
  /** The certificates still missing at `at` once the deadline has passed. */
  readonly overdue: readonly { readonly holder: string; readonly assetClass: AssetClass }[];
}
