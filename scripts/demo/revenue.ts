import type { OverdueItem, OverdueKind } from "../../core/overdue.ts";
import { civilFromDays, CST_OFFSET, DAY } from "../../core/time.ts";
import type { RevenueView } from "../../core/views.ts";
import { exists, yuan, type Actor, type Print, type StepLog } from "./steps.ts";

/**
 * Permitted revenue and the 10 % rule (收益分配机制) for two years of the operator: exactly 10 %
 * above the maximum is the lower band (a guidance item for the agency in GET /v1/overdue until
 * it guides); 10 % and one fen above holds the operator's price rises in the maximum's domain
 * until the agency sets that domain's cap again, after the report (a revenue-caps item until then).
 */
export interface RevenueContext {
  readonly log: StepLog;
  readonly print: Print;
  readonly operator: Actor;
  readonly agency: Actor;
  /** The demo's credit product (finance, per call), whose price the operator tries to raise. */
  readonly productId: string;
  readonly chainNow: () => Promise<number>;
  readonly moveClock: (to: number, why: string) => Promise<void>;
}

export interface RevenueSummary {
  /** The first of the two years (the next is the one above 10 %). */
  readonly year: number;
  readonly lowerBandBp: number;
  /** revenue-guidance items in GET /v1/overdue the day after the report, and after the guidance. */
  readonly guidanceItems: number;
  readonly guidanceItemsAfter: number;
  readonly upperBandBp: number;
  /** What the REVENUE_CAP_PENDING refusal names: the report and the cap. */
  readonly refusalDetails: Readonly<Record<string, unknown>>;
  /** The caps the revenue-caps item of the second year names the day after, and its items once set. */
  readonly pendingCaps: readonly string[];
  readonly capItemsAfter: number;
}

/** ¥7,000,000 in all: operating cost, permitted profit and tax. */
const MAXIMUM = { operatingCostFen: 600_000_000, permittedProfitFen: 60_000_000, taxFen: 40_000_000 };
const MAXIMUM_FEN = MAXIMUM.operatingCostFen + MAXIMUM.permittedProfitFen + MAXIMUM.taxFen;
const TEN_PERCENT_ABOVE = MAXIMUM_FEN + MAXIMUM_FEN / 10;

export async function playRevenue(ctx: RevenueContext): Promise<RevenueSummary> {
  const { log, print, operator, agency, chainNow, moveClock } = ctx;
  log.chapter(
    "15. Permitted revenue",
    "收益分配机制: the agency sets the operator's maximum permitted revenue (最高准许收入) for two years and the operator files each year's actual revenue; at exactly 10 % above the agency guides, at 10 % and one fen above price rises wait for a new cap",
  );
  const path = (year: number) => `/v1/operators/${operator.orgId}/revenue/${year}`;
  const viewOf = async (year: number) => (await agency.client.get<{ view: RevenueView }>(path(year))).view;
  // Two consecutive years not on this ledger yet, from two years before the chain's year.
  let year = cstYear(await chainNow()) - 2;
  while ((await exists(agency.client, path(year))) || (await exists(agency.client, path(year + 1)))) year += 2;
  const setMaximum = (y: number) =>
    log.write(
      agency,
      "revenue.setMaximum",
      { operator: operator.orgId, year: y, domains: ["finance"], ...MAXIMUM },
      { note: `${yuan(MAXIMUM_FEN)}: operating cost + permitted profit + tax, for finance` },
    );
  const report = (y: number, actualRevenueFen: number, note: string) =>
    log.write(operator, "revenue.report", { operator: operator.orgId, year: y, actualRevenueFen }, { note });
  const itemsOf = async (kind: OverdueKind, y: number) =>
    (await agency.client.get<{ items: OverdueItem[] }>("/v1/overdue")).items.filter(
      (i) => i.kind === kind && i.subject.id === `${operator.orgId}/${y}`,
    );
  const guidanceItems = () => itemsOf("revenue-guidance", year);

  await setMaximum(year);
  await report(year, TEN_PERCENT_ABOVE, `${yuan(TEN_PERCENT_ABOVE)}: exactly 10 % above the maximum`);
  const lower = await viewOf(year);
  print(`       deviation ${lower.deviationBp} bp: the lower band (${lower.band}), guidance item ${lower.guidance}`);
  await moveClock((await chainNow()) + DAY, "the agency reads its open items the next day");
  const open = (await guidanceItems()).length;
  print(`       GET /v1/overdue: ${open} revenue-guidance item for ${year}, the agency's to act on`);
  await log.write(
    agency,
    "revenue.guide",
    { operator: operator.orgId, year, guidance: "lower the per-call price of the credit products by 5 % next year" },
    { note: "the agency's guidance closes the item" },
  );
  const guidedOpen = (await guidanceItems()).length;

  await setMaximum(year + 1);
  await report(year + 1, TEN_PERCENT_ABOVE + 1, `${yuan(TEN_PERCENT_ABOVE)} and 1 fen: above 10 %`);
  const upper = await viewOf(year + 1);
  print(`       deviation ${upper.deviationBp} bp: ${upper.band}; the operator's finance prices wait for a new cap`);
  const raise = (priceFen: number) => ({
    productId: ctx.productId,
    pricing: { model: "industry" as const, chargeUnit: "per-call" as const, priceFen },
  });
  await log.write(operator, "product.reprice", raise(190), {
    expect: "REVENUE_CAP_PENDING",
    note: "a price rise before the agency adjusts the cap",
  });
  const refusalDetails = log.rows.at(-1)!.error?.details ?? {};
  print(`       the refusal names the report and the cap: ${JSON.stringify(refusalDetails)}`);
  await moveClock((await chainNow()) + DAY, "the agency reads its open items the next day");
  const [capItem] = await itemsOf("revenue-caps", year + 1);
  const pendingCaps = (capItem?.detail.pendingCaps as string[] | undefined) ?? [];
  print(
    `       GET /v1/overdue: a revenue-caps item for ${year + 1}, the caps to set again: ${pendingCaps.join(", ")}`,
  );
  await log.write(
    agency,
    "cap.set",
    { domain: "finance", chargeUnit: "per-call", maxPriceFen: 180 },
    { note: "the finance per-call cap lowered to ¥1.80, dated after the report" },
  );
  const capItemsAfter = (await itemsOf("revenue-caps", year + 1)).length;
  print(`       GET /v1/overdue: ${capItemsAfter} revenue-caps items for ${year + 1} once the cap is set`);
  await log.write(operator, "product.reprice", raise(170), { note: "within the new cap: accepted" });
  return {
    year,
    lowerBandBp: lower.deviationBp,
    guidanceItems: open,
    guidanceItemsAfter: guidedOpen,
    upperBandBp: upper.deviationBp,
    refusalDetails,
    pendingCaps,
    capItemsAfter,
  };
}

function cstYear(ts: number): number {
  return civilFromDays(Math.floor((ts + CST_OFFSET) / DAY)).y;
}
