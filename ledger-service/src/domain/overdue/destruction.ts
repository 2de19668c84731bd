import { OPERATIONS } from "../../../../core/operations.ts";
import type { OverdueItem } from "../../../../core/overdue.ts";
import { latestWithEvent, startedBy, type OverdueSource } from "./source.ts";

const ENDING_EVENTS = [OPERATIONS["grant.exit"].event, OPERATIONS["grant.revoke"].event];

/**
 * Destruction certificates (销毁证明) missing past the 30-day deadline after a grant ended: one
 * item per grant, owed by the holders whose certificates are missing. The chain computes which.
 */
export const destructionOverdue: OverdueSource = {
  kind: "destruction-certificate",
  async collect({ at, backend, store }) {
    const items: OverdueItem[] = [];
    for (const grant of await backend.overdue(at)) {
      const ending = await latestWithEvent(store, "grant", grant.grantId, ENDING_EVENTS);
      const holders = [...new Set(grant.missing.map((m) => m.holder))].sort();
      items.push({
        kind: "destruction-certificate",
        subject: { kind: "grant", id: grant.grantId },
        deadline: grant.deadline,
        startedBy: startedBy(ending, { kind: "grant", id: grant.grantId, at: grant.endedAt }),
        owedBy: holders,
        concerns: holders,
        detail: { endedAt: grant.endedAt, missing: grant.missing },
      });
    }
    return items;
  },
};
