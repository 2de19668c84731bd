import type { Language } from "../../../core/errors.ts";
import type { Product } from "../../../core/records/product.ts";
import type { GrantView, ProductView } from "../../../core/views.ts";
import { yuanOf } from "../../../core/money.ts";
import { priceText, type PublicListing, type PublicStatus } from "../../../core/public-list.ts";
import type { LedgerBackend } from "../chain/backend.ts";
import type { IndexStore } from "../indexes/index-store.ts";
import { publicProductFacts } from "./access.ts";
import { latestServiceList } from "./service-lists.ts";

/**
 * The published product and service list (运营机构定期公开数据产品和服务清单): every product the
 * exchange ever listed, with what the public should believe of it today. A listing only stands
 * while the grant behind the product allows trading (seed: suspension, revocation and exit end
 * the operator's right to offer products), so the status says why a product is no longer on
 * offer instead of repeating the exchange's last decision.
 */
export interface PublicListDeps {
  readonly store: IndexStore;
  readonly backend: LedgerBackend;
}

const GRANT_STATUS: Record<GrantView["status"], PublicStatus | undefined> = {
  active: undefined,
  suspended: "grant-suspended",
  exiting: "grant-exiting",
  revoked: "grant-revoked",
  closed: "grant-closed",
};

/** What the public is told of a product today, given its view and its grant's. */
export function publicStatus(product: ProductView, grant: GrantView | undefined, now: number): PublicStatus {
  if (product.status === "delisted") return "delisted";
  const ended = grant ? GRANT_STATUS[grant.status] : "grant-revoked";
  if (ended) return ended;
  return now >= grant!.validUntil ? "grant-expired" : "listed";
}

/** The public entry of one product, or undefined for one never listed (not published). */
export async function publicListing(
  d: PublicListDeps,
  productId: string,
  now: number,
  lang: Language,
): Promise<PublicListing | undefined> {
  const view = (await d.backend.view({ kind: "product", id: productId })) as ProductView | undefined;
  if (!view || view.status === "registered") return undefined;
  const history = await d.store.historyOf("product", productId);
  const first = history[0];
  if (!first) return undefined;
  const grant = (await d.backend.view({ kind: "grant", id: view.grantId })) as GrantView | undefined;
  const grantHistory = await d.store.historyOf("grant", view.grantId);
  const body = first.signed.record.body as Product;
  const facts = publicProductFacts(body, first.signed.record.actor, view);
  const listings = history.filter((e) => e.signed.record.op === "product.list");
  const changes = [...history.slice(1), ...grantHistory.filter((e) => e.signed.record.op.startsWith("grant."))];
  const operatorName = (await d.store.actor(facts.operator))?.name ?? facts.operator;
  return {
    ...facts,
    operatorName,
    status: publicStatus(view, grant, now),
    priceYuan: yuanOf(facts.priceFen),
    priceText: priceText(facts.charge, facts.priceFen, facts.chargeUnit, lang),
    listedAt: listings.at(-1)?.blockTime ?? first.blockTime,
    lastPublished: Math.max(first.blockTime, ...changes.map((e) => e.blockTime)),
    serviceListPublishedAt: (await latestServiceList(d.store, facts.operator))?.blockTime ?? null,
  };
}
