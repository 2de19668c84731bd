import { isOverdue, type OverdueItem } from "../../../../core/overdue.ts";
import { revenueViews } from "../revenue.ts";
import { revenueReportItem } from "./revenue-item.ts";
import type { OverdueSource } from "./source.ts";

/**
 * Revenue reports within 10 % of the maximum whose guidance item is open (收益分配机制): the
 * agency's duty, due on the report (the plan gives no period), until the operator reprices in a
 * covered domain or the agency records its guidance. Owed by no organisation; shown to the operator.
 */
export const revenueGuidanceOverdue: OverdueSource = {
  kind: "revenue-guidance",
  async collect({ at, backend, store }) {
    const items: OverdueItem[] = [];
    for (const view of await revenueViews({ store, backend })) {
      if (view.guidance !== "open" || !isOverdue(view.reportedAt, at)) continue;
      items.push(await revenueReportItem("revenue-guidance", view, store, { domains: view.domains }));
    }
    return items;
  },
};
