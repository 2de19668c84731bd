import { OPERATIONS } from "../../../../core/operations.ts";
import { isOverdue, type OverdueItem } from "../../../../core/overdue.ts";
import type { ComplaintView } from "../../../../core/views.ts";
import { latestWithEvent, startedBy, type OverdueSource } from "./source.ts";

const LODGED = [OPERATIONS["complaint.lodge"].event];

/**
 * Complaints without an outcome 30 days after their lodging: the supervisors' duty, so owed by
 * no organisation and shown to the agency and supervisors only (the subject is not told).
 */
export const complaintOverdue: OverdueSource = {
  kind: "complaint-handling",
  async collect({ at, backend, store }) {
    const items: OverdueItem[] = [];
    for (const id of await store.idsOfKind("complaint")) {
      const view = (await backend.view({ kind: "complaint", id })) as ComplaintView | undefined;
      if (!view || view.status === "concluded" || !isOverdue(view.deadline, at)) continue;
      const lodged = await latestWithEvent(store, "complaint", id, LODGED);
      items.push({
        kind: "complaint-handling",
        subject: { kind: "complaint", id },
        deadline: view.deadline,
        startedBy: startedBy(lodged, { kind: "complaint", id, at: view.lodgedAt }),
        owedBy: [],
        concerns: [],
        detail: { status: view.status, subjectKind: view.subjectKind, subjectId: view.subjectId },
      });
    }
    return items;
  },
};
