import { isOverdue, type OverdueItem } from "../../../../core/overdue.ts";
import { firstProduct, latestServiceList, operatorsWithDuty } from "../service-lists.ts";
import { startedBy, type OverdueSource } from "./source.ts";

/**
 * Operators whose product and service list (服务清单) is older than 91 days, or who registered a
 * product 91 days ago and have published none: owed by the operator, started by its latest list
 * or else its first product.
 */
export const serviceListOverdue: OverdueSource = {
  kind: "service-list",
  async collect({ at, backend, store }) {
    const items: OverdueItem[] = [];
    for (const view of await operatorsWithDuty({ store, backend })) {
      if (!isOverdue(view.nextListDue, at)) continue;
      const clock = view.publishedAt
        ? await latestServiceList(store, view.operator)
        : await firstProduct(store, view.operator);
      const fallback = view.publishedAt
        ? { kind: "service-list", id: view.operator, at: view.publishedAt }
        : { kind: "product", id: "", at: view.since };
      items.push({
        kind: "service-list",
        subject: { kind: "service-list", id: view.operator },
        deadline: view.nextListDue,
        startedBy: startedBy(clock, fallback),
        owedBy: [view.operator],
        concerns: [view.operator],
        detail: {
          since: view.since,
          publishedAt: view.publishedAt,
          publications: view.publications,
          lateLists: view.lateLists,
        },
      });
    }
    return items;
  },
};
