import { ensure } from "../../../core/errors.ts";
import type { Pricing } from "../../../core/records/product.ts";
import type { Ledger } from "../ledger/ledger.ts";
import { ensureGrantUsable, inForce, requireGrant, requireProduct } from "./checks.ts";
import { closeGuidanceByRepricing, dateCap, ensureNoRevenueHold, isUpward } from "./revenue.ts";
import { startServiceListDuty } from "./service-list.ts";
import { ensureListableReport } from "./reports.ts";
import type { Handler } from "./tx.ts";
import { K, type ProductState } from "./state.ts";

/** cap.set: the agency's maximum price for a domain and charging unit. */
export const setPriceCap: Handler<"cap.set"> = async ({ ledger, now }, body) => {
  ledger.put(K.cap, [body.domain, body.chargeUnit], body.maxPriceFen);
  dateCap(ledger, body.domain, body.chargeUnit, now);
};

/** Public-welfare products are free; industry products are priced at most at the cap. */
async function ensurePricing(ledger: Ledger, domain: string, pricing: Pricing): Promise<void> {
  if (pricing.model === "public-welfare") {
    ensure(pricing.priceFen === 0, "PUBLIC_WELFARE_NOT_FREE", `price ${pricing.priceFen} fen`, {
      priceFen: pricing.priceFen,
    });
    return;
  }
  const cap = await ledger.get<number>(K.cap, domain, pricing.chargeUnit);
  ensure(cap !== undefined, "PRICE_CAP_MISSING", `no cap for ${domain}/${pricing.chargeUnit}`, {
    domain,
    chargeUnit: pricing.chargeUnit,
  });
  ensure(pricing.priceFen <= cap, "PRICE_ABOVE_CAP", `the cap is ${cap} fen`, { capFen: cap });
}

/** product.register: a data product under the grantee's grant, from granted resources. */
export const registerProduct: Handler<"product.register"> = async ({ ledger, now, author }, body) => {
  ensure(!(await ledger.has(K.product, body.id)), "DUPLICATE_ID", `product ${body.id}`, {
    id: body.id,
  });
  const grant = await requireGrant(ledger, body.grantId);
  ensure(author.orgId === grant.grantee, "NOT_AUTHORIZED", "only the grantee registers products under its grant", {
    orgId: author.orgId,
  });
  ensureGrantUsable(grant, now);
  for (const source of body.sources) {
    ensure(
      grant.scope.some((e) => e.resourceId === source),
      "RESOURCE_NOT_GRANTED",
      `resource ${source}`,
      { resourceId: source },
    );
  }
  await ensurePricing(ledger, body.domain, body.pricing);
  await ensureNoRevenueHold(ledger, author.orgId, body.domain, body.pricing);
  ledger.put(K.product, [body.id], {
    id: body.id,
    grantId: grant.id,
    operator: author.orgId,
    status: "registered",
    model: body.pricing.model,
    chargeUnit: body.pricing.chargeUnit,
    priceFen: body.pricing.priceFen,
    hopCount: 0,
    reportHash: "",
    domain: body.domain,
    sources: body.sources,
    personalInfo: body.personalInfo,
    tradeSecret: body.tradeSecret,
  } satisfies ProductState);
  await startServiceListDuty(ledger, author.orgId, now);
};

export const repriceProduct: Handler<"product.reprice"> = async ({ ledger, now, author }, body) => {
  const product = await requireProduct(ledger, body.productId);
  ensure(author.orgId === product.operator, "NOT_AUTHORIZED", "only the product's operator changes its price", {
    orgId: author.orgId,
  });
  await ensurePricing(ledger, product.domain, body.pricing);
  if (isUpward(product, body.pricing))
    await ensureNoRevenueHold(ledger, product.operator, product.domain, body.pricing);
  await closeGuidanceByRepricing(ledger, product, now);
  ledger.put(K.product, [product.id], {
    ...product,
    model: body.pricing.model,
    chargeUnit: body.pricing.chargeUnit,
    priceFen: body.pricing.priceFen,
  } satisfies ProductState);
};

/** product.list: the exchange lists a product with lineage under a usable grant. */
export const listProduct: Handler<"product.list"> = async ({ ledger, now }, body) => {
  const product = await requireProduct(ledger, body.productId);
  ensure(
    product.status === "registered" || product.status === "delisted",
    "PRODUCT_STATUS_INVALID",
    `product ${product.id} is ${product.status}`,
    { productId: product.id },
  );
  const grant = await requireGrant(ledger, product.grantId);
  ensure(grant.status === "active", "GRANT_NOT_ACTIVE", `grant ${grant.id} is ${grant.status}`, { grantId: grant.id });
  ensure(inForce(grant, now), "GRANT_OUTSIDE_TERM", `grant ${grant.id} is not in force`, { grantId: grant.id });
  ensure(product.hopCount > 0, "LINEAGE_INCOMPLETE", `product ${product.id} has no lineage hop`, {
    productId: product.id,
  });
  await ensureListableReport(ledger, product, body.reportHash);
  ledger.put(K.product, [product.id], {
    ...product,
    status: "listed",
    reportHash: body.reportHash,
  } satisfies ProductState);
};

export const delistProduct: Handler<"product.delist"> = async ({ ledger }, body) => {
  const product = await requireProduct(ledger, body.productId);
  ensure(product.status === "listed", "PRODUCT_STATUS_INVALID", `product ${product.id} is ${product.status}`, {
    productId: product.id,
  });
  ledger.put(K.product, [product.id], { ...product, status: "delisted" } satisfies ProductState);
};
