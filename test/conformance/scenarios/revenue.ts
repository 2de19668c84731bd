import type { Scenario, Step, WriteStep } from "../../../scripts/scenarios/scenario.ts";
import {
  grantBody,
  productBody,
  revenueMaximumBody,
  revenueReportBody,
  withProduct,
} from "../../../scripts/scenarios/fixtures.ts";
import { org, type ActorName } from "../../../scripts/scenarios/world.ts";

/**
 * Permitted revenue and the 10 % rule (收益分配机制): the agency's maximum (1,000,000 fen in the
 * fixture), the operator's report, the deviation in basis points rounded up, exactly 10 % the
 * lower band; within it a guidance item, above it new products and upward repricing in the
 * maximum's domains wait for a cap set after the report.
 */
const Y = 2026;
const REV = (year = Y, operator: ActorName = "op") => ({ kind: "revenue" as const, id: `${org(operator)}/${year}` });

const setMaximum = (extra: Record<string, unknown> = {}, step: Partial<WriteStep> = {}): WriteStep => ({
  as: "agency",
  op: "revenue.setMaximum",
  body: revenueMaximumBody("op", extra),
  ...step,
});
const report = (actualFen: number, step: Partial<WriteStep> = {}, year = Y): WriteStep => ({
  as: "op",
  op: "revenue.report",
  body: revenueReportBody(actualFen, "op", year),
  label: "report",
  ...step,
});
const guide = (year = Y, step: Partial<WriteStep> = {}): WriteStep => ({
  as: "agency",
  op: "revenue.guide",
  body: { operator: org("op"), year, guidance: "lower the per-call price of P1" },
  ...step,
});
const reprice = (priceFen: number, step: Partial<WriteStep> = {}, chargeUnit = "per-call"): WriteStep => ({
  as: "op",
  op: "product.reprice",
  body: { productId: "P1", pricing: { model: "industry", chargeUnit, priceFen } },
  ...step,
});
const registerP2 = (step: Partial<WriteStep> = {}, pricing?: Record<string, unknown>): WriteStep => ({
  as: "op",
  op: "product.register",
  body: productBody(pricing ? { id: "P2", pricing } : { id: "P2" }),
  ...step,
});
const capPending = (chargeUnit = "per-call") => ({
  expect: "REVENUE_CAP_PENDING" as const,
  details: (c: { time(label: string): number }) => ({
    operator: org("op"),
    year: Y,
    domain: "finance",
    chargeUnit,
    reportedAt: c.time("report"),
  }),
});
const setCap = (chargeUnit = "per-call", maxPriceFen = 800, domain = "finance"): Step => ({
  as: "agency",
  op: "cap.set",
  body: { domain, chargeUnit, maxPriceFen },
});

export const revenueScenarios: Scenario[] = [
  {
    name: "the agency sets a year's maximum permitted revenue, changeable until the operator files its revenue",
    rule: "revenue.setMaximum",
    steps: [
      ...withProduct,
      { view: REV(), expect: null },
      setMaximum({ operatingCostFen: 700_000 }),
      { view: REV(), expect: { maximumFen: 900_000, reportedAt: 0, band: "", guidance: "" } },
      setMaximum({}, { label: "max" }),
      {
        view: REV(),
        expect: (c) => ({
          operator: org("op"),
          year: Y,
          domains: ["finance"],
          operatingCostFen: 800_000,
          permittedProfitFen: 120_000,
          taxFen: 80_000,
          maximumFen: 1_000_000,
          setAt: c.time("max"),
        }),
      },
      report(1_050_000),
      {
        view: REV(),
        expect: (c) => ({
          reportedAt: c.time("report"),
          actualRevenueFen: 1_050_000,
          deviationBp: 500,
          band: "guidance",
          guidance: "open",
          guidanceClosedAt: 0,
        }),
      },
      setMaximum({}, { expect: "REVENUE_ALREADY_REPORTED", details: { operator: org("op"), year: Y } }),
      report(1_000_000, { expect: "REVENUE_ALREADY_REPORTED", details: { operator: org("op"), year: Y } }),
      { view: REV(), expect: { maximumFen: 1_000_000, actualRevenueFen: 1_050_000 } },
    ],
  },
  {
    name: "only the agency sets a maximum, for an operator; only the operator files its own revenue, for a year with a maximum",
    rule: "revenue.setMaximum",
    steps: [
      ...withProduct,
      setMaximum({}, { as: "op", expect: "NOT_AUTHORIZED" }),
      {
        as: "agency",
        op: "revenue.setMaximum",
        body: revenueMaximumBody("pa"),
        expect: "ACTOR_ROLE_INVALID",
        details: { orgId: org("pa") },
      },
      setMaximum({ operatingCostFen: 0, permittedProfitFen: 0, taxFen: 99 }, { expect: "INVALID_RECORD" }),
      report(1_000_000, { expect: "REVENUE_MAXIMUM_MISSING", details: { operator: org("op"), year: Y } }),
      setMaximum(),
      report(1_000_000, { expect: "REVENUE_MAXIMUM_MISSING", details: { operator: org("op"), year: 2027 } }, 2027),
      { as: "op2", op: "revenue.report", body: revenueReportBody(1_000_000), expect: "NOT_AUTHORIZED" },
      { as: "agency", op: "revenue.report", body: revenueReportBody(1_000_000), expect: "NOT_AUTHORIZED" },
      { view: REV(), expect: { reportedAt: 0 } },
      report(1_000_000),
      { view: REV(), expect: { deviationBp: 0, band: "guidance", guidance: "open" } },
    ],
  },
  {
    name: "a deviation of exactly 10 % is the lower band; 10 % and one fen is above it (either way)",
    rule: "revenue.report deviation",
    steps: [
      ...withProduct,
      setMaximum({ year: 2024 }),
      setMaximum({ year: 2025 }),
      setMaximum({ year: 2026 }),
      setMaximum({ year: 2027 }),
      report(1_100_000, {}, 2024),
      report(900_000, {}, 2025),
      { view: REV(2024), expect: { deviationBp: 1000, band: "guidance", guidance: "open" } },
      { view: REV(2025), expect: { deviationBp: 1000, band: "guidance", guidance: "open" } },
      registerP2(),
      report(1_100_001, {}, 2026),
      report(899_999, {}, 2027),
      { view: REV(2026), expect: { deviationBp: 1001, band: "cap-adjustment", guidance: "" } },
      { view: REV(2027), expect: { deviationBp: 1001, band: "cap-adjustment", guidance: "" } },
      { as: "op", op: "product.register", body: productBody({ id: "P3" }), expect: "REVENUE_CAP_PENDING" },
    ],
  },
  {
    name: "10 % and one fen above holds new products in the domain until its cap is set after the report; at 10 % they are accepted",
    rule: "revenue.report deviation",
    steps: [
      ...withProduct,
      setMaximum(),
      report(1_100_001),
      registerP2(capPending()),
      { view: { kind: "product", id: "P2" }, expect: null },
      setCap("per-call", 800),
      registerP2(),
      { view: { kind: "product", id: "P2" }, expect: { status: "registered", priceFen: 500 } },
    ],
  },
  {
    name: "above 10 %: upward repricing is refused, lower or equal prices and free public-welfare products are accepted",
    rule: "revenue.report hold",
    steps: [
      ...withProduct,
      { as: "agency", op: "cap.set", body: { domain: "finance", chargeUnit: "per-period", maxPriceFen: 5000 } },
      setMaximum(),
      report(1_200_000),
      reprice(501, capPending()),
      reprice(400, capPending("per-period"), "per-period"),
      reprice(500),
      reprice(450),
      { view: { kind: "product", id: "P1" }, expect: { priceFen: 450 } },
      reprice(460, capPending()),
      registerP2({}, { model: "public-welfare", chargeUnit: "per-product", priceFen: 0 }),
      { view: REV(), expect: { band: "cap-adjustment", guidance: "" } },
    ],
  },
  {
    name: "only a cap for the held domain and unit, set after the report, lifts the hold",
    rule: "revenue.report hold",
    steps: [
      ...withProduct,
      setMaximum(),
      setCap("per-call", 900),
      report(800_000),
      setCap("per-period", 5000),
      setCap("per-call", 900, "trade"),
      registerP2(capPending()),
      reprice(600, capPending()),
      setCap("per-call", 900),
      reprice(600),
      registerP2(),
      { view: { kind: "product", id: "P1" }, expect: { priceFen: 600 } },
    ],
  },
  {
    name: "a report above 10 % holds only the domains of the year's maximum",
    rule: "revenue.report hold",
    steps: [
      ...withProduct,
      setMaximum({ domains: ["trade", "health"] }),
      report(2_000_000),
      { view: REV(), expect: { deviationBp: 10_000, band: "cap-adjustment", domains: ["trade", "health"] } },
      registerP2(),
      reprice(700),
    ],
  },
  {
    name: "a report above 10 % holds its own operator only: another operator's products in the domain are accepted",
    rule: "revenue.report hold",
    steps: [
      ...withProduct,
      { as: "agency", op: "grant.issue", body: (c) => grantBody(c, { id: "G2", grantee: org("op2") }) },
      setMaximum(),
      report(1_500_000),
      registerP2(capPending()),
      { as: "op2", op: "product.register", body: productBody({ id: "P3", grantId: "G2" }) },
      { view: { kind: "product", id: "P3" }, expect: { operator: org("op2"), priceFen: 500 } },
    ],
  },
  {
    name: "within 10 % the guidance item stays open until the agency records its guidance",
    rule: "revenue.guide",
    steps: [
      ...withProduct,
      setMaximum(),
      guide(Y, { expect: "REVENUE_NOT_REPORTED", details: { operator: org("op"), year: Y } }),
      report(940_000),
      { view: REV(), expect: { deviationBp: 600, guidance: "open" } },
      guide(Y, { label: "guided" }),
      { view: REV(), expect: (c) => ({ guidance: "guided", guidanceClosedAt: c.time("guided") }) },
      reprice(450),
      { view: REV(), expect: (c) => ({ guidance: "guided", guidanceClosedAt: c.time("guided") }) },
      guide(Y, { as: "op", expect: "NOT_AUTHORIZED" }),
    ],
  },
  {
    name: "within 10 % a repricing in the maximum's domain closes the guidance item, one in another domain does not",
    rule: "revenue.guide",
    steps: [
      ...withProduct,
      setMaximum({ year: 2025, domains: ["trade"] }),
      report(1_000_001, { label: "trade" }, 2025),
      reprice(450),
      { view: REV(2025), expect: { deviationBp: 1, guidance: "open", guidanceClosedAt: 0 } },
      setMaximum(),
      report(1_080_000),
      reprice(520, { label: "repriced" }),
      { view: REV(), expect: (c) => ({ guidance: "repriced", guidanceClosedAt: c.time("repriced") }) },
      { view: REV(2025), expect: { guidance: "open" } },
      guide(2025),
      { view: REV(2025), expect: { guidance: "guided" } },
    ],
  },
];
