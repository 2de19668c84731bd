import { DAY } from "../../../core/time.ts";
import type { Scenario } from "../../../scripts/scenarios/scenario.ts";
import {
  admissionBody,
  delivery,
  deliverBody,
  g1End,
  grantBody,
  h,
  hopBody,
  productBody,
  withLineage,
  withPartner,
  withProduct,
} from "../../../scripts/scenarios/fixtures.ts";
import { org, strangerBody } from "../../../scripts/scenarios/world.ts";

const r2 = (fields: string[], version = 1) => ({
  kind: "resource",
  resourceId: "R2",
  version,
  fields,
  hash: h("R2-v1"),
});
const r1 = (fields: string[], version = 1) => ({
  kind: "resource",
  resourceId: "R1",
  version,
  fields,
  hash: h("R1-v1"),
});

export const lineageScenarios: Scenario[] = [
  {
    name: "a hop uses granted fields only",
    rule: "lineage.hop step 6",
    steps: [
      ...withProduct,
      {
        as: "op",
        op: "lineage.hop",
        body: hopBody("H1", { inputs: [r2(["name", "idno"])], environment: "tee" }),
        expect: "FIELD_NOT_GRANTED",
        details: { resourceId: "R2", field: "idno" },
      },
      { as: "op", op: "lineage.hop", body: hopBody("H1", { inputs: [r2(["name", "amount"])], environment: "tee" }) },
      { view: { kind: "hop", id: "H1" }, expect: { outputGrade: 3, actor: org("op"), productId: "P1" } },
    ],
  },
  {
    name: "grade-3 input needs a privacy environment",
    rule: "lineage.hop step 7",
    steps: [
      ...withProduct,
      {
        as: "op",
        op: "lineage.hop",
        body: hopBody("H1", { inputs: [r2(["amount"])], environment: "plain" }),
        expect: "PRIVACY_ENV_REQUIRED",
      },
      {
        as: "op",
        op: "lineage.hop",
        body: hopBody("H1", { inputs: [r2(["amount"])], environment: "sandbox" }),
        expect: "PRIVACY_ENV_REQUIRED",
      },
      { as: "op", op: "lineage.hop", body: hopBody("H1", { inputs: [r2(["amount"])], environment: "mpc" }) },
      { as: "op", op: "lineage.hop", body: hopBody("H2", { inputs: [r1(["a"])], environment: "plain" }) },
    ],
  },
  {
    name: "grade follows artifacts through the lineage",
    rule: "lineage.hop step 6/9",
    steps: [
      ...withProduct,
      {
        as: "op",
        op: "lineage.hop",
        body: hopBody("H1", { operation: "fuse", inputs: [r2(["name"]), r1(["a"])], environment: "tee" }),
      },
      {
        as: "op",
        op: "lineage.hop",
        body: hopBody("H2", { inputs: [{ kind: "artifact", hopId: "H1", hash: h("H1-out") }], environment: "plain" }),
        expect: "PRIVACY_ENV_REQUIRED",
      },
      {
        as: "op",
        op: "lineage.hop",
        body: hopBody("H2", {
          operation: "clean",
          inputs: [{ kind: "artifact", hopId: "H1", hash: h("H1-out") }],
          outputGrade: 2,
          environment: "tee",
        }),
        expect: "GRADE_DOWNGRADE_FORBIDDEN",
      },
      {
        as: "op",
        op: "lineage.hop",
        body: hopBody("H2", {
          operation: "de-identify",
          inputs: [{ kind: "artifact", hopId: "H1", hash: h("H1-out") }],
          outputGrade: 2,
          environment: "tee",
        }),
      },
      {
        as: "op",
        op: "lineage.hop",
        body: hopBody("H3", { inputs: [{ kind: "artifact", hopId: "H2", hash: h("H2-out") }], environment: "plain" }),
      },
      { view: { kind: "hop", id: "H3" }, expect: { outputGrade: 2 } },
      { view: { kind: "product", id: "P1" }, expect: { hopCount: 3 } },
    ],
  },
  {
    name: "raw grade-3 data is never delivered",
    rule: "lineage.hop step 8",
    steps: [
      ...withProduct,
      {
        as: "op",
        op: "lineage.hop",
        body: hopBody("H1", { operation: "collect", inputs: [r2(["name"])], environment: "tee" }),
      },
      { as: "op", op: "lineage.hop", body: deliverBody("D1", { environment: "tee" }), expect: "RAW_EXPORT_FORBIDDEN" },
      {
        as: "op",
        op: "lineage.hop",
        body: hopBody("H2", {
          operation: "aggregate",
          inputs: [{ kind: "artifact", hopId: "H1", hash: h("H1-out") }],
          outputGrade: 1,
          environment: "tee",
        }),
      },
      {
        as: "op",
        op: "lineage.hop",
        body: deliverBody("D1", { inputs: [{ kind: "artifact", hopId: "H2", hash: h("H2-out") }] }),
      },
    ],
  },
  {
    name: "a delivery of personal or secret data needs consent",
    rule: "lineage.hop step 8",
    steps: [
      ...withProduct.slice(0, -1),
      { as: "op", op: "product.register", body: productBody({ personalInfo: true }) },
      { as: "op", op: "lineage.hop", body: hopBody("H1") },
      { as: "op", op: "lineage.hop", body: deliverBody("D1"), expect: "CONSENT_REQUIRED" },
      {
        as: "op",
        op: "lineage.hop",
        body: deliverBody("D1", { delivery: delivery({ consentRef: "CONSENT-2026-001" }) }),
      },
      { as: "op", op: "product.register", body: productBody({ id: "P2", tradeSecret: true }) },
      { as: "op", op: "lineage.hop", body: deliverBody("D2", { productId: "P2" }), expect: "CONSENT_REQUIRED" },
    ],
  },
  {
    name: "a cross-border delivery needs an assessment",
    rule: "lineage.hop step 8",
    steps: [
      ...withLineage,
      {
        as: "op",
        op: "lineage.hop",
        body: deliverBody("D1", { delivery: delivery({ crossBorder: true }) }),
        expect: "CROSS_BORDER_ASSESSMENT_REQUIRED",
      },
      {
        as: "op",
        op: "lineage.hop",
        body: deliverBody("D1", { delivery: delivery({ crossBorder: true, assessmentRef: "CAC-ASSESS-2026-7" }) }),
      },
    ],
  },
  {
    name: "a delivery's watermark is readable in at least 30 cells",
    rule: "lineage.hop step 8",
    steps: [
      ...withLineage,
      {
        as: "op",
        op: "lineage.hop",
        body: deliverBody("D1", { delivery: delivery({ markedCells: 0 }) }),
        expect: "DELIVERY_UNMARKED",
        details: { markedCells: 0, minimum: 30 },
      },
      {
        as: "op",
        op: "lineage.hop",
        body: deliverBody("D1", { delivery: delivery({ markedCells: 29 }) }),
        expect: "DELIVERY_UNMARKED",
        details: { markedCells: 29, minimum: 30 },
      },
      // A delivery without the count (the shape of one recorded before it existed) counts as 0.
      {
        as: "op",
        op: "lineage.hop",
        body: deliverBody("D1", { delivery: delivery({ markedCells: undefined }) }),
        expect: "DELIVERY_UNMARKED",
        details: { markedCells: 0, minimum: 30 },
      },
      // The check comes after the cross-border one and before the recipient's.
      {
        as: "op",
        op: "lineage.hop",
        body: deliverBody("D1", { delivery: delivery({ markedCells: 0, crossBorder: true }) }),
        expect: "CROSS_BORDER_ASSESSMENT_REQUIRED",
      },
      {
        as: "op",
        op: "lineage.hop",
        body: deliverBody("D1", { delivery: delivery({ markedCells: 0, recipient: strangerBody("consumer").orgId }) }),
        expect: "DELIVERY_UNMARKED",
      },
      { as: "op", op: "lineage.hop", body: deliverBody("D1", { delivery: delivery({ markedCells: 30 }) }) },
      { view: { kind: "hop", id: "D1" }, expect: { productId: "P1", actor: org("op") } },
    ],
  },
  {
    name: "the recipient is registered and not blacklisted",
    rule: "lineage.hop step 8",
    steps: [
      ...withLineage,
      {
        as: "op",
        op: "lineage.hop",
        body: deliverBody("D1", { delivery: delivery({ recipient: strangerBody("consumer").orgId }) }),
        expect: "NOT_FOUND",
      },
      { as: "agency", op: "blacklist.add", body: { orgId: org("con"), reason: "resale" } },
      { as: "op", op: "lineage.hop", body: deliverBody("D1"), expect: "ORG_BLACKLISTED" },
      { as: "op", op: "lineage.hop", body: deliverBody("D1", { delivery: delivery({ recipient: org("sup") }) }) },
    ],
  },
  {
    name: "delivery details go with deliver hops only",
    rule: "lineage.hop step 2",
    steps: [
      ...withLineage,
      {
        as: "op",
        op: "lineage.hop",
        body: { ...deliverBody("D1"), delivery: undefined },
        expect: "DELIVERY_DETAILS_REQUIRED",
      },
      {
        as: "op",
        op: "lineage.hop",
        body: hopBody("H2", { delivery: delivery() }),
        expect: "DELIVERY_DETAILS_REQUIRED",
      },
      { as: "op", op: "lineage.hop", body: deliverBody("D1") },
    ],
  },
  {
    name: "artifacts are earlier hops of the grant with their hash",
    rule: "lineage.hop step 6",
    steps: [
      ...withLineage,
      {
        as: "op",
        op: "lineage.hop",
        body: hopBody("H2", { inputs: [{ kind: "artifact", hopId: "H9", hash: h("H9-out") }] }),
        expect: "ARTIFACT_UNKNOWN",
      },
      {
        as: "op",
        op: "lineage.hop",
        body: hopBody("H2", { inputs: [{ kind: "artifact", hopId: "H1", hash: h("other") }] }),
        expect: "ARTIFACT_HASH_MISMATCH",
      },
      {
        as: "op",
        op: "lineage.hop",
        body: hopBody("H2", { inputs: [{ kind: "artifact", hopId: "H1", hash: h("H1-out") }] }),
      },
    ],
  },
  {
    name: "resource inputs name a granted, active resource version",
    rule: "lineage.hop step 6",
    steps: [
      ...withLineage,
      {
        as: "op",
        op: "lineage.hop",
        body: hopBody("H2", { inputs: [{ ...r1(["a"]), resourceId: "R3" }] }),
        expect: "RESOURCE_NOT_GRANTED",
      },
      { as: "op", op: "lineage.hop", body: hopBody("H2", { inputs: [r1(["a"], 2)] }), expect: "NOT_FOUND" },
      { as: "agency", op: "resource.withdraw", body: { resourceId: "R1", reason: "closed" } },
      { as: "op", op: "lineage.hop", body: hopBody("H2", { inputs: [r1(["a"])] }), expect: "RESOURCE_NOT_ACTIVE" },
    ],
  },
  {
    name: "a suspended grant stops hops and deliveries at once",
    rule: "lineage.hop step 3",
    steps: [
      ...withLineage,
      { as: "agency", op: "grant.suspend", body: { grantId: "G1", reason: "incident" } },
      { as: "op", op: "lineage.hop", body: hopBody("H2"), expect: "GRANT_NOT_ACTIVE" },
      { as: "op", op: "lineage.hop", body: deliverBody("D1"), expect: "GRANT_NOT_ACTIVE" },
      { as: "agency", op: "grant.resume", body: { grantId: "G1", reason: "resolved" } },
      { as: "op", op: "lineage.hop", body: deliverBody("D1") },
    ],
  },
  {
    name: "no hop after the grant's term or on an ended grant",
    rule: "lineage.hop step 3",
    steps: [
      ...withLineage,
      { as: "op", op: "lineage.hop", at: (c) => g1End(c) - 1, body: hopBody("H2") },
      { as: "op", op: "lineage.hop", at: (c) => g1End(c), body: hopBody("H3"), expect: "GRANT_OUTSIDE_TERM" },
      { as: "agency", op: "grant.exit", body: { grantId: "G1", kind: "expiry", reason: "term over" } },
      { as: "op", op: "lineage.hop", body: hopBody("H3"), expect: "GRANT_NOT_ACTIVE" },
      { as: "op", op: "lineage.hop", body: hopBody("H3", { grantId: "G9" }), expect: "NOT_FOUND" },
    ],
  },
  {
    name: "an admitted partner works within its admission",
    rule: "lineage.hop steps 4–6",
    steps: [
      ...withPartner,
      { as: "pa", op: "lineage.hop", body: hopBody("H2") },
      {
        as: "pa",
        op: "lineage.hop",
        body: hopBody("H3", { inputs: [r1(["a", "c"])] }),
        expect: "PARTNER_OUT_OF_SCOPE",
      },
      {
        as: "pa",
        op: "lineage.hop",
        body: hopBody("H3", { inputs: [r2(["amount"])], environment: "tee" }),
        expect: "PARTNER_OUT_OF_SCOPE",
      },
      { as: "pa2", op: "lineage.hop", body: hopBody("H3"), expect: "PARTNER_NOT_ADMITTED" },
      { view: { kind: "hop", id: "H2" }, expect: { actor: org("pa"), outputGrade: 2 } },
    ],
  },
  {
    name: "a partner's admission ends before the grant does",
    rule: "lineage.hop step 4",
    steps: [
      ...withLineage,
      { as: "op", op: "partner.propose", body: (c) => admissionBody(c, { validUntil: c.time("grant") + 100 * DAY }) },
      { as: "agency", op: "partner.approve", body: { admissionId: "A1" } },
      { as: "pa", op: "lineage.hop", at: (c) => c.time("grant") + 100 * DAY - 1, body: hopBody("H2") },
      {
        as: "pa",
        op: "lineage.hop",
        at: (c) => c.time("grant") + 100 * DAY,
        body: hopBody("H3"),
        expect: "PARTNER_NOT_ADMITTED",
      },
    ],
  },
  {
    name: "a proposed or revoked partner is not admitted",
    rule: "lineage.hop step 4",
    steps: [
      ...withLineage,
      { as: "op", op: "partner.propose", body: (c) => admissionBody(c) },
      { as: "pa", op: "lineage.hop", body: hopBody("H2"), expect: "PARTNER_NOT_ADMITTED" },
      { as: "agency", op: "partner.approve", body: { admissionId: "A1" } },
      { as: "pa", op: "lineage.hop", body: hopBody("H2") },
      { as: "agency", op: "partner.revoke", body: { admissionId: "A1", reason: "breach" } },
      { as: "pa", op: "lineage.hop", body: hopBody("H3"), expect: "PARTNER_NOT_ADMITTED" },
    ],
  },
  {
    name: "a partner limited to some products",
    rule: "lineage.hop step 5",
    steps: [
      ...withLineage,
      { as: "op", op: "product.register", body: productBody({ id: "P2" }) },
      { as: "op", op: "partner.propose", body: (c) => admissionBody(c, { products: ["P2"] }) },
      { as: "agency", op: "partner.approve", body: { admissionId: "A1" } },
      { as: "pa", op: "lineage.hop", body: hopBody("H2"), expect: "PARTNER_OUT_OF_SCOPE" },
      { as: "pa", op: "lineage.hop", body: hopBody("H2", { productId: "P2" }) },
    ],
  },
  {
    name: "a hop stays under its product's grant",
    rule: "lineage.hop step 5",
    steps: [
      ...withLineage,
      { as: "agency", op: "grant.issue", body: (c) => grantBody(c, { id: "G2", grantee: org("op2") }) },
      { as: "op2", op: "product.register", body: productBody({ id: "P2", grantId: "G2" }) },
      { as: "op", op: "lineage.hop", body: hopBody("H2", { productId: "P2" }), expect: "PRODUCT_GRANT_MISMATCH" },
      {
        as: "op2",
        op: "lineage.hop",
        body: hopBody("H2", {
          grantId: "G2",
          productId: "P2",
          inputs: [{ kind: "artifact", hopId: "H1", hash: h("H1-out") }],
        }),
        expect: "ARTIFACT_UNKNOWN",
      },
      {
        as: "op2",
        op: "lineage.hop",
        body: hopBody("H2", { grantId: "G2", productId: "P9" }),
        expect: "NOT_FOUND",
        details: { id: "P9" },
      },
      { as: "op2", op: "lineage.hop", body: hopBody("H2", { grantId: "G2", productId: "P2" }) },
    ],
  },
  {
    name: "hop ids are unique and only operators and partners record hops",
    rule: "lineage.hop step 1 / roles",
    steps: [
      ...withLineage,
      { as: "op", op: "lineage.hop", body: hopBody("H1"), expect: "DUPLICATE_ID" },
      { as: "ex", op: "lineage.hop", body: hopBody("H2"), expect: "NOT_AUTHORIZED" },
      { as: "agency", op: "lineage.hop", body: hopBody("H2"), expect: "NOT_AUTHORIZED" },
      { as: "op2", op: "lineage.hop", body: hopBody("H2"), expect: "PARTNER_NOT_ADMITTED" },
    ],
  },
];
