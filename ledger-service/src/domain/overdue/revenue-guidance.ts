import { OPERATIONS } from "../../../../core/operations.ts";
import { isOverdue, type OverdueItem } from "../../../../core/overdue.ts";
import { revenueId, revenueViews } from "../revenue.ts";
import { latestWithEvent, startedBy, type OverdueSource } from "./source.ts";

const REPORTED = [OPERATIONS["revenue.report"].event];

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
      const id = revenueId(view.operator, view.year);
      const report = await latestWithEvent(store, "revenue", id, REPORTED);
      items.push({
        kind: "revenue-guidance",
        subject: { kind: "revenue", id },
        deadline: view.reportedAt,
        startedBy: startedBy(report, { kind: "revenue", id, at: view.reportedAt }),
        owedBy: [],
        concerns: [view.operator],
        detail: {
          operator: view.operator,
          year: view.year,
          maximumFen: view.maximumFen,
          actualRevenueFen: view.actualRevenueFen,
          deviationBp: view.deviationBp,
          domains: view.domains,
        },
      });
    }
    return items;
  },
};
