import type { Language } from "../../../core/errors.ts";
import { OPERATIONS } from "../../../core/operations.ts";
import { isOverdue } from "../../../core/overdue.ts";
import { yuanOf } from "../../../core/money.ts";
import { priceText, type PublicServiceList } from "../../../core/public-list.ts";
import type { ServiceList } from "../../../core/records/service-list.ts";
import type { ServiceListView } from "../../../core/views.ts";
import type { LedgerBackend } from "../chain/backend.ts";
import type { IndexedEntry, IndexStore } from "../indexes/index-store.ts";

/**
 * The operators' product and service lists (服务清单): the chain keeps each operator's duty (since
 * its first product, the latest list, the next list's due second); the entries are the latest
 * signed list's.
 */
export interface ServiceListDeps {
  readonly store: IndexStore;
  readonly backend: LedgerBackend;
}

const PUBLISHED = OPERATIONS["serviceList.publish"].event;

/** The organisations that owe a list: every operator the chain holds a duty for. */
export async function operatorsWithDuty(d: ServiceListDeps): Promise<ServiceListView[]> {
  const views: ServiceListView[] = [];
  for (const orgId of await d.store.idsOfKind("actor")) {
    if ((await d.store.actor(orgId))?.role !== "operator") continue;
    const view = await serviceListView(d, orgId);
    if (view) views.push(view);
  }
  return views;
}

export async function serviceListView(d: ServiceListDeps, operator: string): Promise<ServiceListView | undefined> {
  return (await d.backend.view({ kind: "service-list", id: operator })) as ServiceListView | undefined;
}

/** The operator's latest accepted list, from the indexes. */
export async function latestServiceList(store: IndexStore, operator: string): Promise<IndexedEntry | undefined> {
  const history = await store.historyOf("service-list", operator);
  for (let i = history.length - 1; i >= 0; i--) if (history[i]!.event === PUBLISHED) return history[i];
  return undefined;
}

/** The record that started an operator's duty before its first list: its first product registration. */
export async function firstProduct(store: IndexStore, operator: string): Promise<IndexedEntry | undefined> {
  let first: IndexedEntry | undefined;
  for (const id of await store.linked("org.products", operator)) {
    const created = (await store.historyOf("product", id))[0];
    if (created && (!first || created.seq < first.seq)) first = created;
  }
  return first;
}

/** What the public is told of an operator's list at `now`. */
export async function publicServiceList(
  d: ServiceListDeps,
  view: ServiceListView,
  now: number,
  lang: Language,
): Promise<PublicServiceList> {
  const latest = await latestServiceList(d.store, view.operator);
  const body = latest?.signed.record.body as ServiceList | undefined;
  const entries = await Promise.all(
    (body?.entries ?? []).map(async (e) => {
      const created = (await d.store.historyOf("product", e.productId))[0];
      return {
        productId: e.productId,
        name: (created?.signed.record.body as { name?: string } | undefined)?.name ?? "",
        content: e.content,
        responseTime: e.responseTime,
        charge: e.fee.charge,
        priceFen: e.fee.priceFen,
        priceYuan: yuanOf(e.fee.priceFen),
        chargeUnit: e.fee.chargeUnit,
        priceText: priceText(e.fee.charge, e.fee.priceFen, e.fee.chargeUnit, lang),
      };
    }),
  );
  return {
    operator: view.operator,
    operatorName: (await d.store.actor(view.operator))?.name ?? view.operator,
    publishedAt: view.publishedAt || null,
    recordHash: latest?.recordHash ?? null,
    nextListDue: view.nextListDue,
    overdue: isOverdue(view.nextListDue, now),
    entries,
  };
}
