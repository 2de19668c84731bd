import type { OverdueItem } from "../../../../../../core/overdue.ts";
import type { GrantAudit } from "../../../../../../core/grant-audit.ts";

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
