import type { OperationBody, OperationName } from "./operations.ts";
import type { Role } from "./records/common.ts";
import { schemaHashOf, type ResourceField } from "./records/resource.ts";

/**
 * One example body per operation a caller submits, for the OpenAPI document (`example` of each
 * write route) and `pdl template`. Each one passes its operation's schema (the API suite checks
 * it with ajv against /openapi.json and with parseRecord); organisation codes carry their GB 32100
 * check character; times are Unix seconds (1767196800 = 2026-01-01 00:00 CST).
 *
 * The table is typed to hold every operation a caller submits: a new operation does not
 * type-check until it has its example here (and the hash fields it adds in HASH_FIELDS).
 */
export const EXAMPLE_ORGS = {
  agency: "11440300PDLC00001L",
  "source-unit": "91440300PDLC00002F",
  operator: "91440300PDLC00004M",
  partner: "91440300PDLC00006U",
  exchange: "91440300PDLC000082",
  supervisor: "11440300PDLC00009D",
  consumer: "91440300PDLC00010A",
} as const satisfies Record<Role, string>;

/** A complaint id as the intake makes them (random, unrelated to the complainant). */
export const COMPLAINT_EXAMPLE_ID = "K-5f0c1a2b3c4d5e6f708192a3";
/** POST /v1/anchors: why the caller asks for an anchor now (optional; logged with the anchor). */
export const ANCHOR_REQUEST_EXAMPLE = { reason: "product P1's receipts must be anchored before it is listed" };

/** Operations no caller submits through a route: the service writes them itself. */
type ServiceOperation = "actor.bootstrap" | "anchor.checkpoint" | "complaint.lodge" | "alert.raise" | "report.issue";
export type CallerOperation = Exclude<OperationName, ServiceOperation>;

const EXAMPLE_KEY =
  "044b8ff885c7bb70fbcb1425ece0601e57468fa0ff8c6b625bba4552f5c3c9f8873ea7bba164d51ab68028051649baae6adf90cb971672595ccd9d753660e5a676";
/** Stand-ins for the SM3 digests of documents the example does not have (64 hex, as on the wire). */
const digest = (n: number) => n.toString(16).padStart(2, "0").repeat(32);
const JAN_2026 = 1_767_196_800;
const DAY = 86_400;
const FIELDS: ResourceField[] = [
  { name: "company", type: "string", personalInfo: false },
  { name: "rating", type: "code", personalInfo: false },
  { name: "amount", type: "decimal", personalInfo: false },
];

const HOP: OperationBody<"lineage.hop"> = {
  id: "H1",
  grantId: "G1",
  productId: "P1",
  operation: "clean",
  inputs: [{ kind: "resource", resourceId: "R1", version: 1, fields: ["company", "rating"], hash: digest(1) }],
  outputHash: digest(2),
  environment: "plain",
  recordCount: 1200,
};

// prettier-ignore
export const OPERATION_EXAMPLES: { readonly [O in CallerOperation]: OperationBody<O> } = {
  "actor.register": { orgId: EXAMPLE_ORGS.operator, name: "Longhua Data Operations Co.", role: "operator", publicKey: EXAMPLE_KEY },
  "resource.review": { resourceId: "R1", schemaHash: schemaHashOf(FIELDS), decision: "approved", reportHash: digest(4) },
  "resource.register": {
    id: "R1",
    name: "Enterprise tax credit ratings",
    domain: "finance",
    sourceUnits: [EXAMPLE_ORGS["source-unit"]],
    fields: FIELDS,
    scope: "Longhua District",
    updateFrequency: "monthly",
    grade: 2,
    gradeReason: "enterprise data, no personal information",
    schemaHash: schemaHashOf(FIELDS),
    holder: EXAMPLE_ORGS.agency,
  },
  "resource.version": {
    resourceId: "R1",
    version: 2,
    fields: [...FIELDS, { name: "year", type: "integer", personalInfo: false }],
    grade: 2,
    gradeReason: "enterprise data, no personal information",
    schemaHash: schemaHashOf([...FIELDS, { name: "year", type: "integer", personalInfo: false }]),
    note: "adds the rating year",
  },
  "resource.withdraw": { resourceId: "R1", reason: "superseded by R2" },
  "grant.issue": {
    id: "G1",
    grantee: EXAMPLE_ORGS.operator,
    scope: [{ resourceId: "R1", fields: ["company", "rating", "amount"] }],
    scenarios: ["credit assessment for small enterprises"],
    validFrom: JAN_2026,
    validUntil: JAN_2026 + 3 * 365 * DAY,
    agreementHash: digest(6),
  },
  "grant.suspend": { grantId: "G1", reason: "emergency stop: suspected leak" },
  "grant.resume": { grantId: "G1", reason: "investigation closed without finding" },
  "grant.revoke": { grantId: "G1", reason: "serious violation of the agreement" },
  "grant.exitNotice": { grantId: "G1", planHash: digest(7) },
  "grant.exit": { grantId: "G1", kind: "voluntary", reason: "the operator leaves after its notice" },
  "grant.close": { grantId: "G1" },
  "partner.propose": {
    id: "A1",
    grantId: "G1",
    partner: EXAMPLE_ORGS.partner,
    scope: [{ resourceId: "R1", fields: ["company", "rating"] }],
    products: ["P1"],
    validUntil: JAN_2026 + 365 * DAY,
    jointLiabilityHash: digest(8),
  },
  "partner.approve": { admissionId: "A1" },
  "partner.revoke": { admissionId: "A1", reason: "the partnership ended" },
  "cap.set": { domain: "finance", chargeUnit: "per-call", maxPriceFen: 1000 },
  "product.register": {
    id: "P1",
    name: "Enterprise credit score API",
    domain: "finance",
    scenario: "credit assessment for small enterprises",
    serviceForm: "api",
    grantId: "G1",
    sources: ["R1"],
    pricing: { model: "industry", chargeUnit: "per-call", priceFen: 500 },
    personalInfo: false,
    tradeSecret: false,
  },
  "product.reprice": { productId: "P1", pricing: { model: "industry", chargeUnit: "per-call", priceFen: 450 } },
  "product.list": { productId: "P1", reportHash: digest(9) },
  "product.delist": { productId: "P1", reason: "the operator withdrew the product" },
  "revenue.setMaximum": {
    operator: EXAMPLE_ORGS.operator,
    year: 2026,
    domains: ["finance"],
    operatingCostFen: 800_000_000,
    permittedProfitFen: 120_000_000,
    taxFen: 80_000_000,
  },
  "revenue.report": { operator: EXAMPLE_ORGS.operator, year: 2026, actualRevenueFen: 1_080_000_000 },
  "revenue.guide": {
    operator: EXAMPLE_ORGS.operator,
    year: 2026,
    guidance: "lower the per-call price of P1 by 5 % from next month; revenue ran 8 % above the maximum",
  },
  "serviceList.publish": {
    operator: EXAMPLE_ORGS.operator,
    entries: [
      {
        productId: "P1",
        content: "credit score of a small enterprise by its unified social credit code, with the rating's reasons",
        responseTime: "within 2 seconds per call",
        fee: { charge: "charged", chargeUnit: "per-call", priceFen: 500 },
      },
    ],
  },
  "lineage.hop": HOP,
  "destruction.certify": {
    id: "C1",
    grantId: "G1",
    assetClass: "raw-data",
    assets: [{ hash: digest(1), description: "the R1 extract of 2026-01" }],
    method: "crypto-shredding of the storage keys",
    destroyedAt: JAN_2026 + 400 * DAY,
    witness: "Longhua notary office",
  },
  "blacklist.add": { orgId: EXAMPLE_ORGS.partner, reason: "resold delivered data", grantId: "G1" },
  "evaluation.record": { grantId: "G1", year: 2026, grade: "qualified", reportHash: digest(10) },
  "objection.file": { id: "O1", resourceId: "R1", version: 1, category: "accuracy", summary: "the 2026-01 ratings of 12 companies disagree with the tax bureau's published list", evidenceHash: digest(15) },
  "objection.answer": { objectionId: "O1", decision: "corrected", answerHash: digest(16) },
  "complaint.handle": { complaintId: COMPLAINT_EXAMPLE_ID, stage: "concluded", outcome: "upheld", reportHash: digest(14) },
};

/** A delivery: a `deliver` hop (POST /v1/deliveries), taking the clean hop's artifact. */
export const DELIVERY_EXAMPLE: OperationBody<"lineage.hop"> = {
  ...HOP,
  id: "D1",
  operation: "deliver",
  inputs: [{ kind: "artifact", hopId: "H1", hash: digest(2) }],
  outputHash: digest(11),
  delivery: {
    recipient: EXAMPLE_ORGS.consumer,
    crossBorder: false,
    fingerprintRoot: digest(12),
    watermarkCommitment: digest(13),
    markedCells: 2_400,
  },
};

/**
 * What each hash field of a body is the SM3 digest of (64 lowercase hex), by field name: the
 * documents themselves stay off the ledger, their digests pin them.
 */
export const HASH_FIELDS: Readonly<Record<string, string>> = {
  schemaHash: "SM3 of the RFC 8785 form of the resource's field list (schemaHashOf in core/records/resource.ts)",
  reportHash:
    "SM3 of the report the record rests on: the source unit's review report, the annual evaluation report, or for a listing the reportHash of the latest listing verification report the service issued for the product (`pdl report <productId> --issue`)",
  agreementHash: "SM3 of the signed authorization agreement between the agency and the operator",
  planHash: "SM3 of the operator's exit plan (data handover, destruction, customer notice)",
  jointLiabilityHash: "SM3 of the joint-liability agreement between the operator and the partner",
  hash: "SM3 of the input or destroyed asset as bytes (a resource extract, an artifact, a file)",
  outputHash: "SM3 of what the hop produced (the artifact's bytes)",
  fingerprintRoot:
    "RFC 9162 Merkle root (SM3) over the keyed fingerprints of the delivered records, as `pdl deliver` computes it",
  evidenceHash: "SM3 of a data-quality objection's evidence (the sample records and what they were compared with)",
  answerHash: "SM3 of the source unit's answer to an objection (the correction made, or why the data stands)",
  watermarkCommitment: "SM3 commitment to the delivery's watermark key, as `pdl deliver` computes it",
};

/** The example author of an operation: the first role allowed to write it. */
export function exampleActor(roles: readonly Role[]): string {
  return EXAMPLE_ORGS[roles[0] ?? "agency"];
}
