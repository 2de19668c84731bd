import { isOverdue, type OverdueItem } from "../../../../core/overdue.ts";
import type { RevenueView } from "../../../../core/views.ts";
import { revenueViews } from "../revenue.ts";
import { revenueReportItem } from "./revenue-item.ts";
import type { OverdueSource } from "./source.ts";

/**
 * Revenue reports more than 10 % off the maximum (收益分配机制): the agency must adjust the price
 * caps of the maximum's domains. Due on the report (the plan gives no period); open while a cap of
 * a domain the report holds was last set at or before the report. A domain is held by the
 * operator's latest such report covering it (a later one takes the domain over, as on chain).
 */
export const revenueCapOverdue: OverdueSource = {
  kind: "revenue-caps",
  async collect({ at, backend, store }) {
    const reports = (await revenueViews({ store, backend })).filter((v) => v.band === "cap-adjustment");
    const caps = await Promise.all(
      (await store.idsOfKind("price-cap")).map(async (id) => ({
        id,
        domain: id.slice(0, id.indexOf("/")),
        setAt: (await store.historyOf("price-cap", id)).at(-1)?.blockTime ?? 0,
      })),
    );
    const items: OverdueItem[] = [];
    for (const view of reports) {
      if (!isOverdue(view.reportedAt, at)) continue;
      const held = view.domains.filter((d) => !reports.some((o) => takesOver(o, view, d)));
      const pendingCaps = caps
        .filter((c) => held.includes(c.domain) && c.setAt <= view.reportedAt)
        .map((c) => c.id)
        .sort();
      if (pendingCaps.length === 0) continue;
      items.push(await revenueReportItem("revenue-caps", view, store, { pendingCaps }));
    }
    return items;
  },
};

/** Whether `other`, a later report of the same operator above 10 %, holds `domain` instead of `view`. */
function takesOver(other: RevenueView, view: RevenueView, domain: string): boolean {
  return other.operator === view.operator && other.reportedAt > view.reportedAt && other.domains.includes(domain);
}
