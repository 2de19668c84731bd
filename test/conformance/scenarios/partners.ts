import { DAY } from "../../../core/time.ts";
import type { Scenario } from "../../../scripts/scenarios/scenario.ts";
import { admissionBody, g1End, withLineage, withPartner } from "../../../scripts/scenarios/fixtures.ts";
import { org, strangerBody } from "../../../scripts/scenarios/world.ts";

const suspend = { as: "agency", op: "grant.suspend", body: { grantId: "G1", reason: "audit" } } as const;

export const partnerScenarios: Scenario[] = [
  {
    name: "a partner admission may end with the grant, not a day later",
    rule: "partner.propose term",
    steps: [
      ...withLineage,
      {
        as: "op",
        op: "partner.propose",
        body: (c) => admissionBody(c, { validUntil: g1End(c) + DAY }),
        expect: "PARTNER_TERM_EXCEEDS_GRANT",
      },
      { as: "op", op: "partner.propose", body: (c) => admissionBody(c, { validUntil: g1End(c) }) },
      {
        view: { kind: "partner", id: "A1" },
        expect: (c) => ({ status: "proposed", partner: org("pa"), validUntil: g1End(c) }),
      },
    ],
  },
  {
    name: "a partner's scope stays within the grant",
    rule: "partner.propose scope",
    steps: [
      ...withLineage,
      {
        as: "op",
        op: "partner.propose",
        body: (c) => admissionBody(c, { scope: [{ resourceId: "R2", fields: ["idno"] }] }),
        expect: "PARTNER_OUT_OF_SCOPE",
      },
      {
        as: "op",
        op: "partner.propose",
        body: (c) => admissionBody(c, { scope: [{ resourceId: "R3", fields: ["a"] }] }),
        expect: "PARTNER_OUT_OF_SCOPE",
      },
      {
        as: "op",
        op: "partner.propose",
        body: (c) =>
          admissionBody(c, {
            scope: [
              { resourceId: "R1", fields: ["a"] },
              { resourceId: "R2", fields: ["name", "amount"] },
            ],
          }),
      },
    ],
  },
  {
    name: "only the grantee proposes partners, and only partners",
    rule: "partner.propose",
    steps: [
      ...withLineage,
      { as: "op2", op: "partner.propose", body: (c) => admissionBody(c), expect: "NOT_AUTHORIZED" },
      { as: "agency", op: "partner.propose", body: (c) => admissionBody(c), expect: "NOT_AUTHORIZED" },
      {
        as: "op",
        op: "partner.propose",
        body: (c) => admissionBody(c, { partner: org("con") }),
        expect: "ACTOR_ROLE_INVALID",
      },
      {
        as: "op",
        op: "partner.propose",
        body: (c) => admissionBody(c, { partner: strangerBody("partner").orgId }),
        expect: "NOT_FOUND",
      },
      { as: "op", op: "partner.propose", body: (c) => admissionBody(c, { grantId: "G9" }), expect: "NOT_FOUND" },
    ],
  },
  {
    name: "a blacklisted partner is neither proposed nor approved",
    rule: "partner.propose / partner.approve",
    steps: [
      ...withLineage,
      { as: "op", op: "partner.propose", body: (c) => admissionBody(c) },
      { as: "agency", op: "blacklist.add", body: { orgId: org("pa"), reason: "leak" } },
      { as: "agency", op: "partner.approve", body: { admissionId: "A1" }, expect: "ORG_BLACKLISTED" },
      { as: "op", op: "partner.propose", body: (c) => admissionBody(c, { id: "A2" }), expect: "ORG_BLACKLISTED" },
    ],
  },
  {
    name: "one live admission per partner and grant",
    rule: "partner.propose",
    steps: [
      ...withLineage,
      { as: "op", op: "partner.propose", body: (c) => admissionBody(c) },
      { as: "op", op: "partner.propose", body: (c) => admissionBody(c, { id: "A2" }), expect: "DUPLICATE_ID" },
      {
        as: "op",
        op: "partner.propose",
        body: (c) => admissionBody(c, { partner: org("pa2") }),
        expect: "DUPLICATE_ID",
      },
      { as: "agency", op: "partner.revoke", body: { admissionId: "A1", reason: "replaced" } },
      { as: "op", op: "partner.propose", body: (c) => admissionBody(c, { id: "A2" }) },
    ],
  },
  {
    name: "approval moves a proposal once, on an active grant",
    rule: "partner.approve",
    steps: [
      ...withLineage,
      { as: "op", op: "partner.propose", body: (c) => admissionBody(c) },
      suspend,
      { as: "agency", op: "partner.approve", body: { admissionId: "A1" }, expect: "GRANT_NOT_ACTIVE" },
      { as: "agency", op: "grant.resume", body: { grantId: "G1", reason: "audit passed" } },
      { as: "op", op: "partner.approve", body: { admissionId: "A1" }, expect: "NOT_AUTHORIZED" },
      { as: "agency", op: "partner.approve", body: { admissionId: "A1" } },
      { as: "agency", op: "partner.approve", body: { admissionId: "A1" }, expect: "PARTNER_STATUS_INVALID" },
      { as: "agency", op: "partner.approve", body: { admissionId: "A9" }, expect: "NOT_FOUND" },
      { view: { kind: "partner", id: "A1" }, expect: { status: "approved" } },
    ],
  },
  {
    name: "no proposal on a suspended grant or outside its term",
    rule: "partner.propose",
    steps: [
      ...withLineage,
      suspend,
      { as: "op", op: "partner.propose", body: (c) => admissionBody(c), expect: "GRANT_NOT_ACTIVE" },
      { as: "agency", op: "grant.resume", body: { grantId: "G1", reason: "ok" } },
      {
        as: "op",
        op: "partner.propose",
        at: (c) => g1End(c),
        body: (c) => admissionBody(c),
        expect: "GRANT_OUTSIDE_TERM",
      },
    ],
  },
  {
    name: "the agency or the grantee revokes a partner",
    rule: "partner.revoke",
    steps: [
      ...withPartner,
      { as: "op2", op: "partner.revoke", body: { admissionId: "A1", reason: "x" }, expect: "NOT_AUTHORIZED" },
      { as: "pa", op: "partner.revoke", body: { admissionId: "A1", reason: "x" }, expect: "NOT_AUTHORIZED" },
      { as: "op", op: "partner.revoke", body: { admissionId: "A1", reason: "ended" } },
      { view: { kind: "partner", id: "A1" }, expect: { status: "revoked" } },
      {
        as: "agency",
        op: "partner.revoke",
        body: { admissionId: "A1", reason: "again" },
        expect: "PARTNER_STATUS_INVALID",
      },
      { as: "agency", op: "partner.revoke", body: { admissionId: "A9", reason: "x" }, expect: "NOT_FOUND" },
    ],
  },
];
