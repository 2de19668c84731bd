import type { OverdueItem } from "../../../../../../core/overdue.ts";
import type { GrantAudit } from "../../../../../../core/grant-audit.ts";
import type { HistoryEntry } from "../../../../../../core/record-document.ts";

/** The reason a change of the grant gives (a suspension, a revocation …), if it gives one. */
export function changeReason(change: HistoryEntry): string | undefined {
  const body = change.record.body;
  return "reason" in body && typeof body.reason === "string" && body.reason !== "" ? body.reason : undefined;
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
