import type { RevenueView } from "../../../core/views.ts";
import type { LedgerBackend } from "../chain/backend.ts";
import type { IndexStore } from "../indexes/index-store.ts";

/**
 * Permitted revenue (收益分配机制): the chain keeps each operator's year (maximum, report,
 * deviation, guidance item); the indexes know which years exist, by their id "<operator>/<year>".
 */
export interface RevenueDeps {
  readonly store: IndexStore;
  readonly backend: LedgerBackend;
}

export const revenueId = (operator: string, year: number | string): string => `${operator}/${year}`;

/** The ids of every year the agency set a maximum for, optionally of one operator, in id order. */
export async function revenueIds(store: IndexStore, operator?: string): Promise<string[]> {
  const ids = await store.idsOfKind("revenue");
  return (operator === undefined ? ids : ids.filter((id) => id.startsWith(`${operator}/`))).sort();
}

export async function revenueViews(d: RevenueDeps): Promise<RevenueView[]> {
  const views: RevenueView[] = [];
  for (const id of await revenueIds(d.store)) {
    const view = (await d.backend.view({ kind: "revenue", id })) as RevenueView | undefined;
    if (view) views.push(view);
  }
  return views;
}
