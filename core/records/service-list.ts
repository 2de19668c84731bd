import { z } from "zod";
import { Id, OrgId, Text } from "./common.ts";
import { ChargeUnit, PriceFen } from "./product.ts";

/**
 * The operator's product and service list (数据产品和服务清单), published at least once a
 * quarter: each entry is one of the operator's registered products with what the public needs
 * to use it (the service's content, its response time) and its fee, which must be the product's
 * registered pricing. Public-welfare entries are marked free.
 */
export const FEE_CHARGES = ["free", "charged"] as const;
export const FeeCharge = z.enum(FEE_CHARGES);
export type FeeCharge = z.infer<typeof FeeCharge>;

export const ListedFee = z.strictObject({ charge: FeeCharge, chargeUnit: ChargeUnit, priceFen: PriceFen });
export type ListedFee = z.infer<typeof ListedFee>;

export const ServiceListEntry = z.strictObject({
  productId: Id,
  content: Text(512),
  responseTime: Text(64),
  fee: ListedFee,
});
export type ServiceListEntry = z.infer<typeof ServiceListEntry>;

export const ServiceList = z.strictObject({
  operator: OrgId,
  entries: z
    .array(ServiceListEntry)
    .min(1, "must list at least 1 product or service")
    .max(256, "must list at most 256 products or services")
    .refine((e) => new Set(e.map((x) => x.productId)).size === e.length, "must list each product once"),
});
export type ServiceList = z.infer<typeof ServiceList>;
