import type { Evidence } from "../../../../../../core/listing-report.ts";
import type { OverdueItem } from "../../../../../../core/overdue.ts";
import type { Grant } from "../../../../../../core/records/grant.ts";
import type {
  CertificateView,
  EvaluationView,
  GrantView,
  PartnerView,
  ProductView,
} from "../../../../../../core/views.ts";

/** GET /v1/grants/:grantId/audit, as far as the page reads it (the service's GrantAudit). */
export interface GrantAudit {
  readonly grantId: string;
  readonly at: number;
  readonly grant: Grant;
  readonly view: GrantView | null;
  readonly changes: readonly Evidence[];
  readonly partners: readonly { id: string; view: PartnerView | null; evidence: Evidence }[];
  readonly products: readonly { id: string; view: ProductView | null; evidence: Evidence }[];
  readonly hops: readonly {
    id: string;
    productId: string;
    actor: string;
    operation: string;
    recordCount: number;
    evidence: Evidence;
  }[];
  readonly deliveries: readonly {
    id: string;
    productId: string;
    recipient: string;
    recordCount: number;
    crossBorder: boolean;
    evidence: Evidence;
  }[];
  readonly certificates: readonly { id: string; view: CertificateView | null; evidence: Evidence }[];
  readonly evaluations: readonly { year: string; view: EvaluationView | null }[];
  readonly exit: {
    readonly status: string;
    readonly kind: string;
    readonly endedAt: number;
    readonly destructionDeadline: number | null;
    readonly overdue: readonly { holder: string; assetClass: string }[];
  };
}

/** One entry of GET /v1/records/grant/:id/history: a signed change of the grant. */
export interface GrantChange {
  readonly op: string;
  readonly actor: string;
  readonly recordHash: string;
  readonly blockNumber: number;
  readonly blockTime: number;
  readonly leafIndex: number;
  readonly record: { readonly body: { readonly reason?: string } };
}

/**
 * The overdue items (GET /v1/overdue) that concern this grant: its own destruction duty, and the
 * duties owed by its operator or its partners (a service list, an objection answer …).
 */
export function overdueOfGrant(items: readonly OverdueItem[], audit: GrantAudit): OverdueItem[] {
  const parties = new Set([audit.grant.grantee, ...audit.partners.flatMap((p) => (p.view ? [p.view.partner] : []))]);
  return items.filter(
    (i) => (i.subject.kind === "grant" && i.subject.id === audit.grantId) || i.owedBy.some((o) => parties.has(o)),
  );
}
