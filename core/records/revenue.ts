import { z } from "zod";
import { Domain, OrgId, Text, uniqueList } from "./common.ts";

/**
 * Permitted revenue and the 10 % rule (收益分配机制). The agency sets each year's maximum
 * permitted revenue for an operator (最高准许收入: operating cost + permitted profit + tax) and
 * the domains its business covers; the operator files the year's actual revenue. The deviation
 * is |actual − maximum| / maximum in basis points, rounded up, so that any amount above 10 %
 * shows as more than 1000 bp and exactly 10 % as 1000 bp (the lower band).
 */
export const RevenueFen = z.number().int("amounts are whole fen").min(0).max(10_000_000_000_000);

/** The year the revenue belongs to (the calendar year in China Standard Time). */
export const RevenueYear = z.number().int("must be a whole year").min(2000).max(2100);

/** Below 1 yuan a maximum is no budget, and keeps the basis points within exact integers. */
export const MIN_MAXIMUM_FEN = 100;

export const RevenueMaximum = z
  .strictObject({
    operator: OrgId,
    year: RevenueYear,
    domains: uniqueList(Domain, 1, 4, "domains"),
    operatingCostFen: RevenueFen,
    permittedProfitFen: RevenueFen,
    taxFen: RevenueFen,
  })
  .refine((b) => maximumFen(b) >= MIN_MAXIMUM_FEN, {
    message: `the maximum permitted revenue must be at least ${MIN_MAXIMUM_FEN} fen`,
    path: ["operatingCostFen"],
  });
export type RevenueMaximum = z.infer<typeof RevenueMaximum>;

export const RevenueReport = z.strictObject({ operator: OrgId, year: RevenueYear, actualRevenueFen: RevenueFen });
export type RevenueReport = z.infer<typeof RevenueReport>;

/** The agency's guidance to the operator to adjust specific prices (the lower band's duty). */
export const RevenueGuidance = z.strictObject({ operator: OrgId, year: RevenueYear, guidance: Text(1024) });
export type RevenueGuidance = z.infer<typeof RevenueGuidance>;

/** The lower band (≤ 10 %): the agency guides; above it the agency must adjust the price caps. */
export const REVENUE_BANDS = ["guidance", "cap-adjustment"] as const;
export type RevenueBand = (typeof REVENUE_BANDS)[number];

/** The lower band's open item and how it was closed. */
export const GUIDANCE_STATUSES = ["open", "repriced", "guided"] as const;
export type GuidanceStatus = (typeof GUIDANCE_STATUSES)[number];

/** 10 % in basis points: the last deviation of the lower band. */
export const GUIDANCE_BAND_MAX_BP = 1000;

export function maximumFen(m: { operatingCostFen: number; permittedProfitFen: number; taxFen: number }): number {
  return m.operatingCostFen + m.permittedProfitFen + m.taxFen;
}

/** ⌈|actual − maximum| × 10000 / maximum⌉, in integers (BigInt: the product passes 2^53). */
export function deviationBp(actualFen: number, maxFen: number): number {
  const diff = BigInt(Math.abs(actualFen - maxFen));
  const max = BigInt(maxFen);
  return Number((diff * 10_000n + max - 1n) / max);
}

export function revenueBand(bp: number): RevenueBand {
  return bp > GUIDANCE_BAND_MAX_BP ? "cap-adjustment" : "guidance";
}
