import { OPERATIONS } from "../../../../core/operations.ts";
import { isOverdue, type OverdueItem } from "../../../../core/overdue.ts";
import type { ResourceView } from "../../../../core/views.ts";
import { latestWithEvent, startedBy, type OverdueSource } from "./source.ts";

const VERSION_EVENTS = [OPERATIONS["resource.register"].event, OPERATIONS["resource.version"].event];

/**
 * Resources whose next version is overdue (时效性): active, and past the due second the chain
 * computed from the declared update frequency (period plus grace). Owed by the source units.
 */
export const resourceUpdateOverdue: OverdueSource = {
  kind: "resource-update",
  async collect({ at, backend, store }) {
    const items: OverdueItem[] = [];
    for (const id of await store.idsOfKind("resource")) {
      const view = (await backend.view({ kind: "resource", id })) as ResourceView | undefined;
      if (!view || view.status !== "active" || !isOverdue(view.nextVersionDue, at)) continue;
      const history = await store.historyOf("resource", id);
      const units = [...((history[0]?.signed.record.body as { sourceUnits?: string[] }).sourceUnits ?? [])].sort();
      const last = await latestWithEvent(store, "resource", id, VERSION_EVENTS);
      items.push({
        kind: "resource-update",
        subject: { kind: "resource", id },
        deadline: view.nextVersionDue,
        startedBy: startedBy(last, { kind: "resource", id, at: view.lastVersionAt }),
        owedBy: units,
        concerns: units,
        detail: {
          updateFrequency: view.updateFrequency,
          version: view.version,
          lastVersionAt: view.lastVersionAt,
          lateVersions: view.lateVersions,
        },
      });
    }
    return items;
  },
};
