import { compareOverdue, type OverdueItem } from "../../../../core/overdue.ts";
import type { Caller } from "../access.ts";
import { complaintOverdue } from "./complaints.ts";
import { destructionOverdue } from "./destruction.ts";
import { objectionOverdue } from "./objections.ts";
import { resourceUpdateOverdue } from "./resource-updates.ts";
import { revenueCapOverdue } from "./revenue-caps.ts";
import { revenueGuidanceOverdue } from "./revenue-guidance.ts";
import { serviceListOverdue } from "./service-lists.ts";
import type { OverdueContext, OverdueSource } from "./source.ts";

/** Every kind of overdue duty, one source each (append new kinds at the end). */
export const OVERDUE_SOURCES: readonly OverdueSource[] = [
  destructionOverdue,
  resourceUpdateOverdue,
  complaintOverdue,
  objectionOverdue,
  serviceListOverdue,
  revenueGuidanceOverdue,
  revenueCapOverdue,
];

/** Roles that see every overdue item; anyone else sees those that name its organisation. */
const SEES_ALL = new Set(["agency", "supervisor"]);

export function canSeeOverdue(caller: Caller, item: OverdueItem): boolean {
  return SEES_ALL.has(caller.role) || item.owedBy.includes(caller.orgId) || item.concerns.includes(caller.orgId);
}

/** Every overdue item at `ctx.at` the caller may see, earliest deadline first. */
export async function overdueItems(
  ctx: OverdueContext,
  caller: Caller,
  sources: readonly OverdueSource[] = OVERDUE_SOURCES,
): Promise<OverdueItem[]> {
  const items: OverdueItem[] = [];
  for (const source of sources)
    for (const item of await source.collect(ctx)) if (canSeeOverdue(caller, item)) items.push(item);
  return items.sort(compareOverdue);
}
