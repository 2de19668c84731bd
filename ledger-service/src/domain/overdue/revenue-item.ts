import { OPERATIONS } from "../../../../core/operations.ts";
import type { OverdueItem } from "../../../../core/overdue.ts";
import type { RevenueView } from "../../../../core/views.ts";
import { revenueId } from "../revenue.ts";
import type { IndexStore } from "../../indexes/index-store.ts";
import { latestWithEvent, startedBy } from "./source.ts";

const REPORTED = [OPERATIONS["revenue.report"].event];

/**
 * An overdue item started by an operator's revenue report: both revenue duties are the agency's,
 * due on the report, owed by no organisation and shown to the operator; `detail` adds what each
 * duty still needs.
 */
export async function revenueReportItem(
  kind: "revenue-caps" | "revenue-guidance",
  view: RevenueView,
  store: IndexStore,
  detail: Record<string, unknown>,
): Promise<OverdueItem> {
  const id = revenueId(view.operator, view.year);
  const report = await latestWithEvent(store, "revenue", id, REPORTED);
  return {
    kind,
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
      ...detail,
    },
  };
}
