import { schemaHashOf } from "../../core/records/resource.ts";
import { sm3Hex } from "../../core/crypto/sm3.ts";
import type { ResourceField } from "../../core/records/resource.ts";
import { addCalendarYears } from "../../core/time.ts";
import type { Step, StepContext, WriteStep } from "./scenario.ts";
import { actorBody, org, type ActorName } from "./world.ts";

/** Record bodies and the standard worlds scenarios start from. */

export const h = (label: string): string => sm3Hex(`conformance:${label}`);

export const R1_FIELDS: ResourceField[] = [
  { name: "a", type: "string", personalInfo: false },
  { name: "b", type: "integer", personalInfo: false },
  { name: "c", type: "decimal", personalInfo: false },
];
export const R2_FIELDS: ResourceField[] = [
  { name: "name", type: "string", personalInfo: true },
  { name: "idno", type: "code", personalInfo: true },
  { name: "amount", type: "decimal", personalInfo: false },
];

export function resourceBody(
  id: string,
  fields: ResourceField[],
  grade: number,
  sourceUnits: ActorName[] = ["su1"],
  extra: Record<string, unknown> = {},
) {
  return {
    id,
    name: `Resource ${id}`,
    domain: "finance",
    sourceUnits: sourceUnits.map(org),
    fields,
    scope: "Longhua",
    updateFrequency: "monthly",
    grade,
    gradeReason: "conformance",
    schemaHash: schemaHashOf(fields),
    holder: org("agency"),
    ...extra,
  };
}

export const review = (
  unit: ActorName,
  resourceId: string,
  fields: ResourceField[],
  decision: "approved" | "rejected" = "approved",
): WriteStep => ({
  as: unit,
  op: "resource.review",
  body: { resourceId, schemaHash: schemaHashOf(fields), decision, reportHash: h(`review-${resourceId}-${decision}`) },
});

export const GRANT_SCOPE = [
  { resourceId: "R1", fields: ["a", "b", "c"] },
  { resourceId: "R2", fields: ["name", "amount"] },
];

export function grantBody(c: StepContext, extra: Record<string, unknown> = {}) {
  return {
    id: "G1",
    grantee: org("op"),
    scope: GRANT_SCOPE,
    scenarios: ["credit assessment"],
    validFrom: c.t,
    validUntil: addCalendarYears(c.t, 2),
    agreementHash: h("agreement"),
    ...extra,
  };
}

/** End of G1 as issued by `granted`. */
export const g1End = (c: Pick<StepContext, "time">): number => addCalendarYears(c.time("grant"), 2);

export function productBody(extra: Record<string, unknown> = {}) {
  return {
    id: "P1",
    name: "Credit score API",
    domain: "finance",
    scenario: "credit assessment for SMEs",
    serviceForm: "api",
    grantId: "G1",
    sources: ["R1"],
    pricing: { model: "industry", chargeUnit: "per-call", priceFen: 500 },
    personalInfo: false,
    tradeSecret: false,
    ...extra,
  };
}

export function hopBody(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    grantId: "G1",
    productId: "P1",
    operation: "clean",
    inputs: [{ kind: "resource", resourceId: "R1", version: 1, fields: ["a", "b"], hash: h("R1-v1") }],
    outputHash: h(`${id}-out`),
    environment: "plain",
    recordCount: 100,
    ...extra,
  };
}

export function delivery(extra: Record<string, unknown> = {}) {
  return {
    recipient: org("con"),
    crossBorder: false,
    fingerprintRoot: h("fp-root"),
    watermarkCommitment: h("wm"),
    markedCells: 120,
    ...extra,
  };
}

export function deliverBody(id: string, extra: Record<string, unknown> = {}) {
  return hopBody(id, {
    operation: "deliver",
    inputs: [{ kind: "artifact", hopId: "H1", hash: h("H1-out") }],
    delivery: delivery(),
    ...extra,
  });
}

export function admissionBody(c: Pick<StepContext, "time">, extra: Record<string, unknown> = {}) {
  return {
    id: "A1",
    grantId: "G1",
    partner: org("pa"),
    scope: [{ resourceId: "R1", fields: ["a", "b"] }],
    products: [],
    validUntil: g1End(c),
    jointLiabilityHash: h("joint-liability"),
    ...extra,
  };
}

/** A product and service list of `operator`: each entry a product id and its fee. */
export function serviceListBody(
  operator: ActorName,
  entries: { productId: string; fee: { charge: string; chargeUnit: string; priceFen: number } }[],
) {
  return {
    operator: org(operator),
    entries: entries.map((e) => ({
      productId: e.productId,
      content: `the ${e.productId} service`,
      responseTime: "within 1 working day",
      fee: e.fee,
    })),
  };
}

/**
 * The agency's maximum permitted revenue for `operator` in `year`: 1,000,000 fen in all
 * (operating cost 800,000, permitted profit 120,000, tax 80,000), over finance.
 */
export function revenueMaximumBody(operator: ActorName = "op", extra: Record<string, unknown> = {}) {
  return {
    operator: org(operator),
    year: 2026,
    domains: ["finance"],
    operatingCostFen: 800_000,
    permittedProfitFen: 120_000,
    taxFen: 80_000,
    ...extra,
  };
}

export const revenueReportBody = (actualRevenueFen: number, operator: ActorName = "op", year = 2026) => ({
  operator: org(operator),
  year,
  actualRevenueFen,
});

export const certificateBody = (id: string, assetClass: string, grantId = "G1") => ({
  id,
  grantId,
  assetClass,
  assets: [],
  method: "crypto-shredding",
  destroyedAt: 1_767_196_800,
  witness: "Longhua notary",
});

/** The service (as the agency) records a listing verification report it issued for a product. */
export const issueReport = (label: string, verdict: "pass" | "fail" = "pass", productId = "P1"): WriteStep => ({
  as: "agency",
  op: "report.issue",
  body: { reportHash: h(label), productId, verdict },
});

/** Agency bootstrapped, every actor registered, R1 (grade 2) and R2 (grade 3, personal) registered. */
export const registered: Step[] = [
  { as: "agency", op: "actor.bootstrap", body: actorBody("agency") },
  ...(["su1", "su2", "op", "op2", "pa", "pa2", "ex", "sup", "con"] as const).map((name): WriteStep => ({
    as: "agency",
    op: "actor.register",
    body: actorBody(name),
  })),
  review("su1", "R1", R1_FIELDS),
  review("su2", "R2", R2_FIELDS),
  { as: "agency", op: "resource.register", body: resourceBody("R1", R1_FIELDS, 2) },
  { as: "agency", op: "resource.register", body: resourceBody("R2", R2_FIELDS, 3, ["su2"]) },
];

/** + the finance/per-call cap (1000 fen) and G1 to `op` for two years. */
export const granted: Step[] = [
  ...registered,
  { as: "agency", op: "cap.set", body: { domain: "finance", chargeUnit: "per-call", maxPriceFen: 1000 } },
  { as: "agency", op: "grant.issue", body: (c) => grantBody(c), label: "grant" },
];

/** + product P1 (industry, 500 fen per call, from R1). */
export const withProduct: Step[] = [...granted, { as: "op", op: "product.register", body: productBody() }];

/** + hop H1 (clean R1.a,b in plain). */
export const withLineage: Step[] = [...withProduct, { as: "op", op: "lineage.hop", body: hopBody("H1") }];

/** + partner `pa` admitted to G1 on R1.a,b until G1's end. */
export const withPartner: Step[] = [
  ...withLineage,
  { as: "op", op: "partner.propose", body: (c) => admissionBody(c) },
  { as: "agency", op: "partner.approve", body: { admissionId: "A1" } },
];

/** + G1 revoked (the destruction clock starts at the labelled step "ended"). */
export const revoked: Step[] = [
  ...withPartner,
  { as: "agency", op: "grant.revoke", body: { grantId: "G1", reason: "conformance" }, label: "ended" },
];
