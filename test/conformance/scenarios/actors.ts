import type { Scenario } from "../../../scripts/scenarios/scenario.ts";
import { granted, h, registered, withProduct, productBody } from "../../../scripts/scenarios/fixtures.ts";
import { actorBody, MEMBERS, strangerBody } from "../../../scripts/scenarios/world.ts";

export const actorScenarios: Scenario[] = [
  {
    name: "bootstrap happens once",
    rule: "actor.bootstrap",
    steps: [
      ...registered,
      { as: "agency", op: "actor.bootstrap", body: actorBody("agency"), expect: "ALREADY_BOOTSTRAPPED" },
    ],
  },
  {
    name: "bootstrap registers the agency only",
    rule: "actor.bootstrap",
    steps: [
      {
        as: "agency",
        op: "actor.bootstrap",
        body: { ...actorBody("agency"), role: "operator" },
        expect: "ACTOR_ROLE_INVALID",
      },
      { as: "agency", op: "actor.bootstrap", body: actorBody("agency") },
      {
        view: { kind: "actor", id: MEMBERS.agency.orgId },
        expect: { role: "agency", publicKey: MEMBERS.agency.sm2PublicKey },
      },
    ],
  },
  {
    name: "bootstrap only by the platform identity",
    rule: "actor.bootstrap",
    steps: [
      { as: "agency", op: "actor.bootstrap", body: actorBody("agency"), submitter: "op", expect: "NOT_AUTHORIZED" },
      { view: { kind: "actor", id: MEMBERS.agency.orgId }, expect: null },
    ],
  },
  {
    name: "an organisation registers once",
    rule: "actor.register",
    steps: [...registered, { as: "agency", op: "actor.register", body: actorBody("su1"), expect: "DUPLICATE_ID" }],
  },
  {
    name: "there is one agency",
    rule: "actor.register",
    steps: [
      ...registered,
      { as: "agency", op: "actor.register", body: strangerBody("agency"), expect: "ACTOR_ROLE_INVALID" },
    ],
  },
  {
    name: "an EVM address binds one organisation",
    rule: "actor.register",
    steps: [
      ...registered,
      {
        as: "agency",
        op: "actor.register",
        body: { ...strangerBody("partner"), evmAddress: MEMBERS.op.evmAddress },
        expect: "DUPLICATE_ID",
      },
    ],
  },
  {
    name: "only the agency registers organisations",
    rule: "roles",
    steps: [
      ...registered,
      { as: "op", op: "actor.register", body: strangerBody("partner"), expect: "NOT_AUTHORIZED" },
      { as: "sup", op: "actor.register", body: strangerBody("partner"), expect: "NOT_AUTHORIZED" },
      { as: "agency", op: "actor.register", body: strangerBody("partner") },
      { view: { kind: "actor", id: strangerBody("partner").orgId }, expect: { role: "partner" } },
    ],
  },
  {
    name: "an unregistered author is refused",
    rule: "preamble: registered author",
    steps: [
      { as: "agency", op: "actor.bootstrap", body: actorBody("agency") },
      {
        as: "op",
        op: "cap.set",
        body: { domain: "finance", chargeUnit: "per-call", maxPriceFen: 1 },
        expect: "NOT_AUTHORIZED",
      },
    ],
  },
  {
    name: "a record signed with another key is refused",
    rule: "preamble: SM2 signature (chain-verified on Fabric only)",
    requires: "verifies-signatures",
    steps: [
      ...registered,
      {
        as: "agency",
        op: "cap.set",
        body: { domain: "finance", chargeUnit: "per-call", maxPriceFen: 1 },
        signer: "op",
        expect: "BAD_SIGNATURE",
      },
      { view: { kind: "price-cap", id: "finance/per-call" }, expect: null },
    ],
  },
  {
    name: "a forged bootstrap is refused",
    rule: "actor.bootstrap signature (chain-verified on Fabric only)",
    requires: "verifies-signatures",
    steps: [{ as: "agency", op: "actor.bootstrap", body: actorBody("agency"), signer: "op", expect: "BAD_SIGNATURE" }],
  },
  {
    name: "the submitter must be bound to the author",
    rule: "preamble: submitter binding",
    steps: [
      ...granted,
      { as: "op", op: "product.register", body: productBody(), submitter: "op2", expect: "NOT_AUTHORIZED" },
      { as: "op", op: "product.register", body: productBody(), submitter: "ex", expect: "NOT_AUTHORIZED" },
      { view: { kind: "product", id: "P1" }, expect: null },
    ],
  },
  {
    name: "the agency's relay submits for others",
    rule: "preamble: submitter binding",
    steps: [
      ...granted,
      { as: "op", op: "product.register", body: productBody(), submitter: "agency" },
      { view: { kind: "product", id: "P1" }, expect: { operator: MEMBERS.op.orgId } },
    ],
  },
  {
    name: "a signed record is accepted once",
    rule: "preamble: replay",
    steps: [
      ...registered,
      {
        as: "agency",
        op: "cap.set",
        body: { domain: "trade", chargeUnit: "per-product", maxPriceFen: 100 },
        label: "cap",
      },
      { as: "agency", op: "cap.set", body: null, replayOf: "cap", expect: "REPLAYED_RECORD" },
      { as: "agency", op: "cap.set", body: { domain: "trade", chargeUnit: "per-product", maxPriceFen: 200 } },
      { view: { kind: "price-cap", id: "trade/per-product" }, expect: { maxPriceFen: 200 } },
    ],
  },
  {
    name: "a creation replayed is a duplicate",
    rule: "preamble: replay",
    steps: [...withProduct, { as: "agency", op: "grant.issue", body: null, replayOf: "grant", expect: "DUPLICATE_ID" }],
  },
  {
    name: "a record outside its schema is refused",
    rule: "preamble: schema",
    steps: [
      ...registered,
      {
        as: "agency",
        op: "cap.set",
        body: { domain: "finance", chargeUnit: "per-call", maxPriceFen: -1 },
        expect: "INVALID_RECORD",
      },
      {
        as: "agency",
        op: "cap.set",
        body: { domain: "finance", chargeUnit: "per-call", maxPriceFen: 1, extra: true },
        expect: "INVALID_RECORD",
      },
      { as: "agency", op: "grant.suspend", body: { grantId: "G1" }, expect: "INVALID_RECORD" },
      {
        as: "agency",
        op: "evaluation.record",
        body: { grantId: "G1", year: 2026, grade: "good", reportHash: h("r") },
        expect: "INVALID_RECORD",
      },
    ],
  },
  {
    name: "a consumer writes nothing",
    rule: "roles",
    steps: [
      ...withProduct,
      { as: "con", op: "product.register", body: productBody({ id: "P9" }), expect: "NOT_AUTHORIZED" },
      {
        as: "con",
        op: "resource.review",
        body: { resourceId: "R9", schemaHash: h("s"), decision: "approved", reportHash: h("r") },
        expect: "NOT_AUTHORIZED",
      },
      { as: "sup", op: "grant.suspend", body: { grantId: "G1", reason: "supervisors read" }, expect: "NOT_AUTHORIZED" },
    ],
  },
];
