import { ensure } from "../../../core/errors.ts";
import type { Pricing } from "../../../core/records/product.ts";
import { deviationBp, maximumFen, revenueBand } from "../../../core/records/revenue.ts";
import type { Ledger } from "../ledger/ledger.ts";
import { requireActorWithRole } from "./checks.ts";
import type { Handler } from "./tx.ts";
import { K, type ProductState, type RevenueHold, type RevenueState } from "./state.ts";

/**
 * Permitted revenue and the 10 % rule (收益分配机制): the agency's maximum for an operator's
 * year, the operator's report, and what the deviation obliges. Years are kept as four digits
 * so that composite keys sort by year.
 */
const yearKey = (year: number): string => String(year).padStart(4, "0");

const ref = (operator: string, year: number) => ({ operator, year });

async function revenueOf(ledger: Ledger, operator: string, year: number): Promise<RevenueState | undefined> {
  return ledger.get<RevenueState>(K.revenue, operator, yearKey(year));
}

/** revenue.setMaximum: the agency's maximum for the year, changeable until the operator reports. */
export const setRevenueMaximum: Handler<"revenue.setMaximum"> = async ({ ledger, now }, body) => {
  await requireActorWithRole(ledger, body.operator, "operator");
  const before = await revenueOf(ledger, body.operator, body.year);
  ensure(
    !before?.reportedAt,
    "REVENUE_ALREADY_REPORTED",
    `${body.operator} filed its ${body.year} revenue`,
    ref(body.operator, body.year),
  );
  ledger.put(K.revenue, [body.operator, yearKey(body.year)], {
    operator: body.operator,
    year: body.year,
    domains: body.domains,
    operatingCostFen: body.operatingCostFen,
    permittedProfitFen: body.permittedProfitFen,
    taxFen: body.taxFen,
    maximumFen: maximumFen(body),
    setAt: now,
    reportedAt: 0,
    actualRevenueFen: 0,
    deviationBp: 0,
    band: "",
    guidance: "",
    guidanceClosedAt: 0,
  } satisfies RevenueState);
};

/**
 * revenue.report: the operator's actual revenue for a year with a maximum, once. Within 10 %
 * the agency's guidance item opens; above it the operator's prices in the maximum's domains
 * are held until the agency sets their caps again.
 */
export const reportRevenue: Handler<"revenue.report"> = async ({ ledger, now, author }, body) => {
  ensure(author.orgId === body.operator, "NOT_AUTHORIZED", "an operator files its own revenue only", {
    orgId: author.orgId,
  });
  const state = await revenueOf(ledger, body.operator, body.year);
  ensure(
    state,
    "REVENUE_MAXIMUM_MISSING",
    `no maximum for ${body.operator} in ${body.year}`,
    ref(body.operator, body.year),
  );
  ensure(
    !state.reportedAt,
    "REVENUE_ALREADY_REPORTED",
    `${body.operator} filed its ${body.year} revenue`,
    ref(body.operator, body.year),
  );
  const bp = deviationBp(body.actualRevenueFen, state.maximumFen);
  const band = revenueBand(bp);
  ledger.put(K.revenue, [body.operator, yearKey(body.year)], {
    ...state,
    reportedAt: now,
    actualRevenueFen: body.actualRevenueFen,
    deviationBp: bp,
    band,
    guidance: band === "guidance" ? "open" : "",
  } satisfies RevenueState);
  ledger.put(K.latestRevenue, [body.operator], body.year);
  if (band === "cap-adjustment")
    for (const domain of state.domains)
      ledger.put(K.revenueHold, [body.operator, domain], { year: body.year, reportedAt: now } satisfies RevenueHold);
};

/** revenue.guide: the agency records its guidance on a reported year; it closes an open item. */
export const recordRevenueGuidance: Handler<"revenue.guide"> = async ({ ledger, now }, body) => {
  const state = await revenueOf(ledger, body.operator, body.year);
  ensure(
    state?.reportedAt,
    "REVENUE_NOT_REPORTED",
    `${body.operator} has not filed its ${body.year} revenue`,
    ref(body.operator, body.year),
  );
  if (state.guidance === "open")
    ledger.put(K.revenue, [body.operator, yearKey(body.year)], {
      ...state,
      guidance: "guided",
      guidanceClosedAt: now,
    } satisfies RevenueState);
};

/** cap.set dates the cap: a held domain's unit is free again once its cap is newer than the report. */
export function dateCap(ledger: Ledger, domain: string, chargeUnit: string, now: number): void {
  ledger.put(K.capSetAt, [domain, chargeUnit], now);
}

/**
 * Refuses a new charged product, or an upward repricing, in a domain an operator's report above
 * 10 % holds, unless the domain's cap for the charging unit was set after that report.
 */
export async function ensureNoRevenueHold(
  ledger: Ledger,
  operator: string,
  domain: string,
  pricing: Pricing,
): Promise<void> {
  if (pricing.model === "public-welfare") return;
  const hold = await ledger.get<RevenueHold>(K.revenueHold, operator, domain);
  if (!hold) return;
  const capAt = (await ledger.get<number>(K.capSetAt, domain, pricing.chargeUnit)) ?? 0;
  ensure(
    capAt > hold.reportedAt,
    "REVENUE_CAP_PENDING",
    `${operator}'s ${hold.year} revenue report holds ${domain}/${pricing.chargeUnit} until its cap is set again`,
    { ...ref(operator, hold.year), domain, chargeUnit: pricing.chargeUnit, reportedAt: hold.reportedAt },
  );
}

/** Upward: a charged price where the product was free, in another unit, or above the current one. */
export function isUpward(product: ProductState, pricing: Pricing): boolean {
  return (
    pricing.model === "industry" &&
    (product.model === "public-welfare" ||
      pricing.chargeUnit !== product.chargeUnit ||
      pricing.priceFen > product.priceFen)
  );
}

/** A repricing in a domain of the operator's latest report closes that report's open guidance item. */
export async function closeGuidanceByRepricing(ledger: Ledger, product: ProductState, now: number): Promise<void> {
  const year = await ledger.get<number>(K.latestRevenue, product.operator);
  if (year === undefined) return;
  const state = await revenueOf(ledger, product.operator, year);
  if (state?.guidance !== "open" || !state.domains.includes(product.domain)) return;
  ledger.put(K.revenue, [product.operator, yearKey(year)], {
    ...state,
    guidance: "repriced",
    guidanceClosedAt: now,
  } satisfies RevenueState);
}

export function revenueView(state: RevenueState): { kind: "revenue" } & RevenueState {
  return { kind: "revenue", ...state };
}
