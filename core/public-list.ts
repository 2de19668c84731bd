/**
 * The published product and service list (运营机构定期公开数据产品和服务清单) as the service
 * answers it and the console reads it: a wire format, so it lives beside the records; the service
 * builds it in ledger-service/src/domain/public-list.ts.
 */
import { yuanText } from "./money.ts";

/**
 * What anyone may know of a product (the public product list shows these for listed ones): what
 * a recipient sees of a product delivered to it. Not its grant, sources, other hops or deliveries.
 */
export interface PublicProductFacts {
  readonly id: string;
  readonly name: string;
  readonly domain: string;
  readonly scenario: string;
  readonly serviceForm: string;
  /** The operator's unified social credit code. */
  readonly operator: string;
  /** The chain's product status; null if the chain holds no view of it. */
  readonly status: string | null;
  readonly charge: "free" | "charged";
  readonly priceFen: number;
  readonly chargeUnit: string;
}

/**
 * What the public is told of a product that was listed. `listed` only while the exchange's
 * listing stands and the grant still allows trading; otherwise why it does not: the exchange
 * delisted it, or the grant behind it is suspended, in exit, revoked, closed or past its term.
 */
export const PUBLIC_STATUSES = [
  "listed",
  "delisted",
  "grant-suspended",
  "grant-exiting",
  "grant-revoked",
  "grant-closed",
  "grant-expired",
] as const;
export type PublicStatus = (typeof PUBLIC_STATUSES)[number];

/** A listed product's public facts, with what the list adds: its public status, names and prices as read. */
export interface PublicListing extends Omit<PublicProductFacts, "status"> {
  /** The operator's registered name. */
  readonly operatorName: string;
  readonly status: PublicStatus;
  /** The price in yuan with two decimals, e.g. "5.00". */
  readonly priceYuan: string;
  /** The price in yuan with its unit, in the caller's language (Accept-Language). */
  readonly priceText: string;
  /** Block time (Unix seconds) of the latest listing. */
  readonly listedAt: number;
  /** Block time of the latest change the list shows (listing, delisting, repricing, the grant's status). */
  readonly lastPublished: number;
  /** Block time of the operator's latest product and service list (服务清单); null before its first. */
  readonly serviceListPublishedAt: number | null;
}

/** One entry of an operator's published product and service list, as the public reads it. */
export interface PublicServiceEntry {
  readonly productId: string;
  /** The product's registered name (empty if the service no longer holds it). */
  readonly name: string;
  readonly content: string;
  readonly responseTime: string;
  readonly charge: "free" | "charged";
  readonly priceFen: number;
  readonly priceYuan: string;
  readonly chargeUnit: string;
  readonly priceText: string;
}

/**
 * An operator's product and service list duty and its latest list: when it was published (null
 * before the first), the last on-time second of the next one and whether that has passed.
 */
export interface PublicServiceList {
  readonly operator: string;
  readonly operatorName: string;
  readonly publishedAt: number | null;
  readonly recordHash: string | null;
  readonly nextListDue: number;
  readonly overdue: boolean;
  readonly entries: readonly PublicServiceEntry[];
}

export interface PublicServiceListPage extends Page {
  readonly serviceLists: readonly PublicServiceList[];
}

/** One page of a list answer: `nextCursor` asks for the next page (`?cursor=`), null on the last. */
export interface Page {
  readonly nextCursor: string | null;
}

export interface PublicProductPage extends Page {
  readonly products: readonly PublicListing[];
}

const UNIT_TEXT = {
  zh: { "per-product": "元/个", "per-call": "元/次", "per-period": "元/期", "per-volume": "元/单位数据量" },
  en: {
    "per-product": "per product",
    "per-call": "per call",
    "per-period": "per period",
    "per-volume": "per unit of volume",
  },
} as const;

/** "5.00 元/次" or "¥5.00 per call", grouped ("1,000.00 元/次"); free products "免费" / "free". */
export function priceText(charge: "free" | "charged", fen: number, unit: string, lang: "zh" | "en"): string {
  if (charge === "free" && fen === 0) return lang === "zh" ? "免费" : "free";
  const text = (UNIT_TEXT[lang] as Record<string, string>)[unit] ?? unit;
  return lang === "zh" ? `${yuanText(fen, lang)} ${text}` : `¥${yuanText(fen, lang)} ${text}`;
}
