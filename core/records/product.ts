import { z } from "zod";
import { Domain, Hash, Id, Text, uniqueList } from "./common.ts";

/**
 * Product registration (数据产品登记, Table 2) and its listing at the exchange. Public-welfare
 * products are free; industry products are charged per product, call, period or volume, at
 * most the agency's cap for the product's domain and charging unit. Prices are integer fen.
 */
export const PRICING_MODELS = ["public-welfare", "industry"] as const;

export const CHARGE_UNITS = ["per-product", "per-call", "per-period", "per-volume"] as const;
export const ChargeUnit = z.enum(CHARGE_UNITS);
export type ChargeUnit = z.infer<typeof ChargeUnit>;

export const PriceFen = z.number().int("prices are whole fen").min(0).max(1_000_000_000_000);

export const Pricing = z.strictObject({
  model: z.enum(PRICING_MODELS),
  chargeUnit: ChargeUnit,
  priceFen: PriceFen,
});
export type Pricing = z.infer<typeof Pricing>;

export const ServiceForm = z.enum(["api", "dataset", "model", "report"]);

export const Product = z.strictObject({
  id: Id,
  name: Text(128),
  domain: Domain,
  scenario: Text(512),
  serviceForm: ServiceForm,
  grantId: Id,
  sources: uniqueList(Id, 1, 64, "source resources"),
  pricing: Pricing,
  personalInfo: z.boolean(),
  tradeSecret: z.boolean(),
  /**
   * The most records one delivery of the product carries, as the operator declares it: a
   * delivery above it raises a volume alert (数据风险评估). Optional so that products registered
   * before the declaration existed still read back; a product without one raises no volume alert.
   */
  declaredVolume: z
    .number()
    .int("a volume is a whole number of records")
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .optional(),
});
export type Product = z.infer<typeof Product>;

export const PRODUCT_STATUSES = ["registered", "listed", "delisted"] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

export const ProductRepricing = z.strictObject({ productId: Id, pricing: Pricing });
export type ProductRepricing = z.infer<typeof ProductRepricing>;

/** The exchange's listing decision, with the hash of its verification report. */
export const ProductListing = z.strictObject({ productId: Id, reportHash: Hash });
export type ProductListing = z.infer<typeof ProductListing>;

export const ProductDelisting = z.strictObject({ productId: Id, reason: Text(512) });
export type ProductDelisting = z.infer<typeof ProductDelisting>;

/** The agency's price cap (上限收费标准) for a domain and charging unit. */
export const PriceCap = z.strictObject({ domain: Domain, chargeUnit: ChargeUnit, maxPriceFen: PriceFen });
export type PriceCap = z.infer<typeof PriceCap>;
