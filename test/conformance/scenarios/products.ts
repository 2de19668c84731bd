import type { Scenario } from "../../../scripts/scenarios/scenario.ts";
import {
  g1End,
  grantBody,
  granted,
  h,
  hopBody,
  issueReport,
  productBody,
  withLineage,
  withProduct,
} from "../../../scripts/scenarios/fixtures.ts";
import { org } from "../../../scripts/scenarios/world.ts";

const pricing = (model: string, chargeUnit: string, priceFen: number) => ({ model, chargeUnit, priceFen });
const list = { as: "ex", op: "product.list", body: { productId: "P1", reportHash: h("report") } } as const;
const delist = { as: "ex", op: "product.delist", body: { productId: "P1", reason: "requested" } } as const;

export const productScenarios: Scenario[] = [
  {
    name: "a declared volume is a whole number of records, at least 1, and may be left out",
    rule: "product declared volume",
    steps: [
      ...granted,
      { as: "op", op: "product.register", body: productBody({ declaredVolume: 0 }), expect: "INVALID_RECORD" },
      { as: "op", op: "product.register", body: productBody({ declaredVolume: 1.5 }), expect: "INVALID_RECORD" },
      { as: "op", op: "product.register", body: productBody({ declaredVolume: 1 }) },
      { view: { kind: "product", id: "P1" }, expect: { status: "registered" } },
      { as: "op", op: "product.register", body: productBody({ id: "P2" }) },
      { view: { kind: "product", id: "P2" }, expect: { status: "registered" } },
    ],
  },
  {
    name: "a price equal to the cap passes, one fen more fails",
    rule: "pricing",
    steps: [
      ...granted,
      {
        as: "op",
        op: "product.register",
        body: productBody({ pricing: pricing("industry", "per-call", 1001) }),
        expect: "PRICE_ABOVE_CAP",
        details: { capFen: 1000 },
      },
      { as: "op", op: "product.register", body: productBody({ pricing: pricing("industry", "per-call", 1000) }) },
      {
        view: { kind: "product", id: "P1" },
        expect: { priceFen: 1000, model: "industry", status: "registered", hopCount: 0, reportHash: "" },
      },
    ],
  },
  {
    name: "a public-welfare product is free",
    rule: "pricing",
    steps: [
      ...granted,
      {
        as: "op",
        op: "product.register",
        body: productBody({ pricing: pricing("public-welfare", "per-call", 1) }),
        expect: "PUBLIC_WELFARE_NOT_FREE",
      },
      { as: "op", op: "product.register", body: productBody({ pricing: pricing("public-welfare", "per-product", 0) }) },
      { view: { kind: "product", id: "P1" }, expect: { model: "public-welfare", priceFen: 0 } },
    ],
  },
  {
    name: "an industry price needs a cap for its domain and unit",
    rule: "pricing",
    steps: [
      ...granted,
      {
        as: "op",
        op: "product.register",
        body: productBody({ pricing: pricing("industry", "per-product", 1) }),
        expect: "PRICE_CAP_MISSING",
      },
      {
        as: "op",
        op: "product.register",
        body: productBody({ domain: "health" }),
        expect: "PRICE_CAP_MISSING",
        details: { domain: "health", chargeUnit: "per-call" },
      },
      { as: "agency", op: "cap.set", body: { domain: "health", chargeUnit: "per-call", maxPriceFen: 600 } },
      { as: "op", op: "product.register", body: productBody({ domain: "health" }) },
      { view: { kind: "price-cap", id: "health/per-call" }, expect: { maxPriceFen: 600 } },
    ],
  },
  {
    name: "only the agency sets caps",
    rule: "roles",
    steps: [
      ...granted,
      {
        as: "op",
        op: "cap.set",
        body: { domain: "finance", chargeUnit: "per-call", maxPriceFen: 9_999 },
        expect: "NOT_AUTHORIZED",
      },
      { view: { kind: "price-cap", id: "finance/per-call" }, expect: { maxPriceFen: 1000 } },
    ],
  },
  {
    name: "a product's sources are granted resources",
    rule: "product.register",
    steps: [
      ...granted,
      {
        as: "op",
        op: "product.register",
        body: productBody({ sources: ["R1", "R3"] }),
        expect: "RESOURCE_NOT_GRANTED",
      },
      { as: "op", op: "product.register", body: productBody({ sources: ["R2", "R1"] }) },
    ],
  },
  {
    name: "products are registered by their grantee under a usable grant",
    rule: "product.register",
    steps: [
      ...granted,
      { as: "op2", op: "product.register", body: productBody(), expect: "NOT_AUTHORIZED" },
      { as: "op", op: "product.register", body: productBody({ grantId: "G9" }), expect: "NOT_FOUND" },
      { as: "agency", op: "grant.suspend", body: { grantId: "G1", reason: "audit" } },
      { as: "op", op: "product.register", body: productBody(), expect: "GRANT_NOT_ACTIVE" },
      { as: "agency", op: "grant.resume", body: { grantId: "G1", reason: "ok" } },
      { as: "op", op: "product.register", body: productBody() },
      { as: "op", op: "product.register", body: productBody(), expect: "DUPLICATE_ID" },
    ],
  },
  {
    name: "no product before the grant's term starts",
    rule: "product.register",
    steps: [
      ...granted.slice(0, -1),
      {
        as: "agency",
        op: "grant.issue",
        body: (c) => grantBody(c, { validFrom: c.t + 1000, validUntil: c.t + 100_000 }),
        label: "grant",
      },
      { as: "op", op: "product.register", body: productBody(), expect: "GRANT_OUTSIDE_TERM" },
      { as: "op", op: "product.register", at: (c) => c.time("grant") + 1000, body: productBody() },
    ],
  },
  {
    name: "the operator reprices within the cap",
    rule: "product.reprice",
    steps: [
      ...withProduct,
      { as: "op", op: "product.reprice", body: { productId: "P1", pricing: pricing("industry", "per-call", 800) } },
      {
        as: "op",
        op: "product.reprice",
        body: { productId: "P1", pricing: pricing("industry", "per-call", 1200) },
        expect: "PRICE_ABOVE_CAP",
      },
      {
        as: "op2",
        op: "product.reprice",
        body: { productId: "P1", pricing: pricing("industry", "per-call", 100) },
        expect: "NOT_AUTHORIZED",
      },
      {
        as: "op",
        op: "product.reprice",
        body: { productId: "P9", pricing: pricing("industry", "per-call", 100) },
        expect: "NOT_FOUND",
      },
      {
        as: "op",
        op: "product.reprice",
        body: { productId: "P1", pricing: pricing("public-welfare", "per-call", 5) },
        expect: "PUBLIC_WELFARE_NOT_FREE",
      },
      { view: { kind: "product", id: "P1" }, expect: { priceFen: 800 } },
    ],
  },
  {
    name: "listing needs lineage; list, delist, relist",
    rule: "product.list / product.delist",
    steps: [
      ...withProduct,
      { ...list, expect: "LINEAGE_INCOMPLETE" },
      { ...delist, expect: "PRODUCT_STATUS_INVALID" },
      { as: "op", op: "lineage.hop", body: hopBody("H1") },
      issueReport("report"),
      list,
      { view: { kind: "product", id: "P1" }, expect: { status: "listed", reportHash: h("report"), hopCount: 1 } },
      { ...list, expect: "PRODUCT_STATUS_INVALID" },
      delist,
      { ...delist, expect: "PRODUCT_STATUS_INVALID" },
      list,
      { as: "ex", op: "product.list", body: { productId: "P9", reportHash: h("report") }, expect: "NOT_FOUND" },
    ],
  },
  {
    name: "only the exchange lists",
    rule: "roles",
    steps: [
      ...withLineage,
      { ...list, as: "op", expect: "NOT_AUTHORIZED" },
      { ...list, as: "agency", expect: "NOT_AUTHORIZED" },
      { view: { kind: "product", id: "P1" }, expect: { status: "registered" } },
    ],
  },
  {
    name: "a suspended grant stops listings",
    rule: "product.list",
    steps: [
      ...withLineage,
      { as: "agency", op: "grant.suspend", body: { grantId: "G1", reason: "audit" } },
      { ...list, expect: "GRANT_NOT_ACTIVE" },
    ],
  },
  {
    name: "no listing once the grant's term is over",
    rule: "product.list",
    steps: [
      ...withLineage,
      issueReport("report"),
      { ...list, at: (c) => g1End(c) - 100 },
      delist,
      { ...list, at: (c) => g1End(c), expect: "GRANT_OUTSIDE_TERM" },
    ],
  },
  {
    name: "the product's operator is the grantee",
    rule: "product.register",
    steps: [
      ...withProduct,
      { view: { kind: "product", id: "P1" }, expect: { operator: org("op"), grantId: "G1", chargeUnit: "per-call" } },
    ],
  },
];
