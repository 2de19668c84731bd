import { isOverdue, type OverdueItem } from "../../../../core/overdue.ts";
import type { Resource } from "../../../../core/records/resource.ts";
import { objectionViews } from "../objections.ts";
import { startedBy, type OverdueSource } from "./source.ts";

/**
 * Data-quality objections unanswered 15 days after their filing (异议处置): owed by the source
 * units of the resource, and shown to the organisation that filed them.
 */
export const objectionOverdue: OverdueSource = {
  kind: "objection-answer",
  async collect({ at, backend, store }) {
    const items: OverdueItem[] = [];
    for (const view of await objectionViews({ store, backend })) {
      if (view.status !== "open" || !isOverdue(view.deadline, at)) continue;
      const [filed] = await store.historyOf("objection", view.id);
      const registration = (await store.historyOf("resource", view.resourceId))[0];
      const units = [...((registration?.signed.record.body as Resource | undefined)?.sourceUnits ?? [])].sort();
      items.push({
        kind: "objection-answer",
        subject: { kind: "objection", id: view.id },
        deadline: view.deadline,
        startedBy: startedBy(filed, { kind: "objection", id: view.id, at: view.filedAt }),
        owedBy: units,
        concerns: [view.filer],
        detail: { resourceId: view.resourceId, version: view.version, category: view.category, filer: view.filer },
      });
    }
    return items;
  },
};
