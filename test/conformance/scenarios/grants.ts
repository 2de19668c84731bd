import { addCalendarMonths, addCalendarYears, DAY } from "../../../core/time.ts";
import type { Scenario, WriteStep } from "../../../scripts/scenarios/scenario.ts";
import {
  certificateBody,
  g1End,
  grantBody,
  granted,
  registered,
  revoked,
  withPartner,
  withProduct,
} from "../../../scripts/scenarios/fixtures.ts";
import { org, strangerBody } from "../../../scripts/scenarios/world.ts";

const action = (op: "grant.suspend" | "grant.resume" | "grant.revoke", extra: Partial<WriteStep> = {}): WriteStep => ({
  as: "agency",
  op,
  body: { grantId: "G1", reason: "conformance" },
  ...extra,
});
const exit = (kind: "voluntary" | "violation" | "expiry", extra: Partial<WriteStep> = {}): WriteStep => ({
  as: "agency",
  op: "grant.exit",
  body: { grantId: "G1", kind, reason: "conformance" },
  ...extra,
});
const certify = (as: "op" | "pa" | "pa2", cls: string, extra: Partial<WriteStep> = {}): WriteStep => ({
  as,
  op: "destruction.certify",
  body: certificateBody(`C-${as}-${cls}`, cls),
  ...extra,
});
const allCertificates = (who: ("op" | "pa")[]) =>
  who.flatMap((as) => ["raw-data", "derived-models", "traded-products"].map((cls) => certify(as, cls)));

export const grantScenarios: Scenario[] = [
  {
    name: "a grant of exactly 5 years is accepted",
    rule: "grant.issue term",
    steps: [
      ...registered,
      { as: "agency", op: "grant.issue", body: (c) => grantBody(c, { validUntil: addCalendarYears(c.t, 5) }) },
      { view: { kind: "grant", id: "G1" }, expect: { status: "active", grantee: org("op") } },
    ],
  },
  {
    name: "a grant of 5 years and 1 second is refused",
    rule: "grant.issue term",
    steps: [
      ...registered,
      {
        as: "agency",
        op: "grant.issue",
        body: (c) => grantBody(c, { validUntil: addCalendarYears(c.t, 5) + 1 }),
        expect: "GRANT_TERM_TOO_LONG",
        details: (c) => ({ latestEnd: addCalendarYears(c.t, 5) }),
      },
      { view: { kind: "grant", id: "G1" }, expect: null },
    ],
  },
  {
    name: "5 calendar years from a leap day end on 28 February",
    rule: "grant.issue term (calendar clamping)",
    steps: [
      ...registered,
      // 2028-02-29 00:00 CST + 5 years = 2033-02-28 00:00 CST (clamped to the month's last day)
      {
        as: "agency",
        op: "grant.issue",
        at: () => 1_835_366_400,
        body: (c) => grantBody(c, { validUntil: 1_993_132_800 + 1 }),
        expect: "GRANT_TERM_TOO_LONG",
      },
      {
        as: "agency",
        op: "grant.issue",
        body: (c) => grantBody(c, { validFrom: 1_835_366_400, validUntil: 1_993_132_800 }),
      },
    ],
  },
  {
    name: "a grant must end after it starts and after now",
    rule: "grant.issue term",
    steps: [
      ...registered,
      { as: "agency", op: "grant.issue", body: (c) => grantBody(c, { validUntil: c.t }), expect: "GRANT_TERM_INVALID" },
      {
        as: "agency",
        op: "grant.issue",
        body: (c) => grantBody(c, { validFrom: c.t - 100 * DAY, validUntil: c.t - DAY }),
        expect: "GRANT_TERM_INVALID",
      },
      {
        as: "agency",
        op: "grant.issue",
        body: (c) => grantBody(c, { validFrom: c.t + DAY, validUntil: c.t + DAY }),
        expect: "GRANT_TERM_INVALID",
      },
    ],
  },
  {
    name: "operators and partners cannot re-grant",
    rule: "grant.issue roles",
    steps: [
      ...registered,
      { as: "op", op: "grant.issue", body: (c) => grantBody(c, { grantee: org("op2") }), expect: "REGRANT_FORBIDDEN" },
      { as: "pa", op: "grant.issue", body: (c) => grantBody(c, { grantee: org("op2") }), expect: "REGRANT_FORBIDDEN" },
      { as: "ex", op: "grant.issue", body: (c) => grantBody(c, { grantee: org("op2") }), expect: "NOT_AUTHORIZED" },
    ],
  },
  {
    name: "the grantee is a registered operator",
    rule: "grant.issue grantee",
    steps: [
      ...registered,
      {
        as: "agency",
        op: "grant.issue",
        body: (c) => grantBody(c, { grantee: org("pa") }),
        expect: "ACTOR_ROLE_INVALID",
      },
      {
        as: "agency",
        op: "grant.issue",
        body: (c) => grantBody(c, { grantee: strangerBody("operator").orgId }),
        expect: "NOT_FOUND",
        details: { id: strangerBody("operator").orgId },
      },
    ],
  },
  {
    name: "a blacklisted operator gets no grant until the ban ends 5 years later",
    rule: "blacklist / grant.issue",
    steps: [
      ...registered,
      { as: "agency", op: "blacklist.add", body: { orgId: org("op"), reason: "prior violation" }, label: "ban" },
      {
        view: { kind: "blacklist", id: org("op") },
        expect: (c) => ({ bannedUntil: addCalendarYears(c.time("ban"), 5) }),
      },
      { as: "agency", op: "grant.issue", body: (c) => grantBody(c), expect: "ORG_BLACKLISTED" },
      {
        as: "agency",
        op: "grant.issue",
        at: (c) => addCalendarYears(c.time("ban"), 5) - 1,
        body: (c) => grantBody(c),
        expect: "ORG_BLACKLISTED",
      },
      { as: "agency", op: "grant.issue", at: (c) => addCalendarYears(c.time("ban"), 5), body: (c) => grantBody(c) },
    ],
  },
  {
    name: "the scope names active resources and their fields",
    rule: "grant.issue scope",
    steps: [
      ...registered,
      {
        as: "agency",
        op: "grant.issue",
        body: (c) => grantBody(c, { scope: [{ resourceId: "R9", fields: ["a"] }] }),
        expect: "NOT_FOUND",
      },
      {
        as: "agency",
        op: "grant.issue",
        body: (c) => grantBody(c, { scope: [{ resourceId: "R1", fields: ["a", "zz"] }] }),
        expect: "FIELD_UNKNOWN",
      },
      { as: "agency", op: "resource.withdraw", body: { resourceId: "R2", reason: "closed" } },
      { as: "agency", op: "grant.issue", body: (c) => grantBody(c), expect: "RESOURCE_NOT_ACTIVE" },
      { as: "agency", op: "grant.issue", body: (c) => grantBody(c, { scope: [{ resourceId: "R1", fields: ["c"] }] }) },
    ],
  },
  {
    name: "grant ids are unique",
    rule: "grant.issue",
    steps: [
      ...granted,
      { as: "agency", op: "grant.issue", body: (c) => grantBody(c, { grantee: org("op2") }), expect: "DUPLICATE_ID" },
    ],
  },
  {
    name: "suspend and resume alternate",
    rule: "grant status",
    steps: [
      ...granted,
      { ...action("grant.resume"), expect: "GRANT_STATUS_INVALID" },
      action("grant.suspend"),
      { view: { kind: "grant", id: "G1" }, expect: { status: "suspended", endedAt: 0 } },
      { ...action("grant.suspend"), expect: "GRANT_STATUS_INVALID" },
      action("grant.resume"),
      { view: { kind: "grant", id: "G1" }, expect: { status: "active" } },
      { as: "agency", op: "grant.suspend", body: { grantId: "G9", reason: "x" }, expect: "NOT_FOUND" },
    ],
  },
  {
    name: "revocation ends the grant now",
    rule: "grant.revoke",
    steps: [
      ...granted,
      action("grant.suspend"),
      action("grant.revoke", { label: "revoke" }),
      { view: { kind: "grant", id: "G1" }, expect: (c) => ({ status: "revoked", endedAt: c.time("revoke") }) },
      { ...action("grant.revoke"), expect: "GRANT_STATUS_INVALID" },
      { ...action("grant.resume"), expect: "GRANT_STATUS_INVALID" },
      { ...exit("violation"), expect: "GRANT_STATUS_INVALID" },
    ],
  },
  {
    name: "only the agency suspends",
    rule: "roles",
    steps: [
      ...granted,
      { ...action("grant.suspend"), as: "op", expect: "NOT_AUTHORIZED" },
      { ...action("grant.suspend"), as: "ex", expect: "NOT_AUTHORIZED" },
    ],
  },
  {
    name: "a voluntary exit needs a notice on file",
    rule: "grant.exit voluntary",
    steps: [...granted, { ...exit("voluntary"), expect: "EXIT_NOTICE_MISSING" }],
  },
  {
    name: "a voluntary exit with less than 3 months' notice is refused",
    rule: "grant.exit voluntary",
    steps: [
      ...granted,
      { as: "op", op: "grant.exitNotice", body: { grantId: "G1", planHash: "a".repeat(64) }, label: "notice" },
      { view: { kind: "grant", id: "G1" }, expect: (c) => ({ exitNoticeAt: c.time("notice"), status: "active" }) },
      { ...exit("voluntary"), at: (c) => addCalendarMonths(c.time("notice"), 3) - 1, expect: "EXIT_NOTICE_TOO_SHORT" },
      { ...exit("voluntary"), at: (c) => addCalendarMonths(c.time("notice"), 3), label: "exit" },
      {
        view: { kind: "grant", id: "G1" },
        expect: (c) => ({ status: "exiting", exitKind: "voluntary", endedAt: c.time("exit") }),
      },
    ],
  },
  {
    name: "the exit notice comes from the grantee, once",
    rule: "grant.exitNotice",
    steps: [
      ...granted,
      {
        as: "op2",
        op: "grant.exitNotice",
        body: { grantId: "G1", planHash: "b".repeat(64) },
        expect: "NOT_AUTHORIZED",
      },
      {
        as: "agency",
        op: "grant.exitNotice",
        body: { grantId: "G1", planHash: "b".repeat(64) },
        expect: "NOT_AUTHORIZED",
      },
      { as: "op", op: "grant.exitNotice", body: { grantId: "G1", planHash: "b".repeat(64) } },
      { as: "op", op: "grant.exitNotice", body: { grantId: "G1", planHash: "c".repeat(64) }, expect: "DUPLICATE_ID" },
      { as: "op", op: "grant.exitNotice", body: { grantId: "G9", planHash: "c".repeat(64) }, expect: "NOT_FOUND" },
    ],
  },
  {
    name: "an expiry exit waits for the end of the term",
    rule: "grant.exit expiry",
    steps: [
      ...granted,
      { ...exit("expiry"), at: (c) => g1End(c) - 1, expect: "GRANT_NOT_EXPIRED" },
      { ...exit("expiry"), at: (c) => g1End(c) },
      { view: { kind: "grant", id: "G1" }, expect: { status: "exiting", exitKind: "expiry" } },
    ],
  },
  {
    name: "an exit for violation bans the grantee for 5 years",
    rule: "grant.exit violation",
    steps: [
      ...granted,
      exit("violation", { label: "exit" }),
      {
        view: { kind: "blacklist", id: org("op") },
        expect: (c) => ({ bannedUntil: addCalendarYears(c.time("exit"), 5) }),
      },
      { view: { kind: "grant", id: "G1" }, expect: { status: "exiting", exitKind: "violation" } },
      { ...exit("violation"), expect: "GRANT_STATUS_INVALID" },
    ],
  },
  {
    name: "a grant closes only once destruction is complete",
    rule: "grant.close",
    steps: [
      ...withPartner,
      { as: "agency", op: "grant.close", body: { grantId: "G1" }, expect: "GRANT_STATUS_INVALID" },
      action("grant.revoke"),
      ...allCertificates(["op"]),
      { as: "agency", op: "grant.close", body: { grantId: "G1" }, expect: "DESTRUCTION_INCOMPLETE" },
      ...allCertificates(["pa"]),
      { as: "agency", op: "grant.close", body: { grantId: "G1" } },
      { view: { kind: "grant", id: "G1" }, expect: { status: "closed" } },
      { as: "agency", op: "grant.close", body: { grantId: "G1" }, expect: "GRANT_STATUS_INVALID" },
    ],
  },
  {
    name: "a partner revoked before the exit still certifies",
    rule: "grant.close holders",
    steps: [
      ...withPartner,
      { as: "op", op: "partner.revoke", body: { admissionId: "A1", reason: "contract ended" } },
      action("grant.revoke"),
      ...allCertificates(["op"]),
      { as: "agency", op: "grant.close", body: { grantId: "G1" }, expect: "DESTRUCTION_INCOMPLETE" },
      ...allCertificates(["pa"]),
      { as: "agency", op: "grant.close", body: { grantId: "G1" } },
    ],
  },
  {
    name: "a grantee alone closes after its three certificates",
    rule: "grant.close holders",
    steps: [
      ...withProduct,
      exit("violation"),
      ...allCertificates(["op"]),
      { as: "agency", op: "grant.close", body: { grantId: "G1" } },
    ],
  },
  {
    name: "destruction certificates wait for the end of the grant",
    rule: "destruction.certify",
    steps: [
      ...withPartner,
      { ...certify("op", "raw-data"), expect: "GRANT_NOT_EXITING" },
      action("grant.suspend"),
      { ...certify("op", "raw-data"), expect: "GRANT_NOT_EXITING" },
    ],
  },
  {
    name: "a certificate on day 30 is on time, on day 31 late",
    rule: "destruction.certify deadline",
    steps: [
      ...revoked,
      certify("op", "raw-data", { at: (c) => c.time("ended") + 30 * DAY }),
      certify("op", "derived-models", { at: (c) => c.time("ended") + 30 * DAY + 1 }),
      { view: { kind: "certificate", id: "C-op-raw-data" }, expect: { late: false, holder: org("op"), grantId: "G1" } },
      { view: { kind: "certificate", id: "C-op-derived-models" }, expect: { late: true } },
    ],
  },
  {
    name: "only holders certify, once per asset class",
    rule: "destruction.certify",
    steps: [
      ...revoked,
      { ...certify("pa2", "raw-data"), expect: "PARTNER_NOT_ADMITTED" },
      certify("pa", "raw-data"),
      { ...certify("pa", "raw-data"), body: certificateBody("C-again", "raw-data"), expect: "DUPLICATE_ID" },
      { ...certify("op", "raw-data"), body: certificateBody("C-pa-raw-data", "raw-data"), expect: "DUPLICATE_ID" },
      { as: "ex", op: "destruction.certify", body: certificateBody("C-ex", "raw-data"), expect: "NOT_AUTHORIZED" },
      { as: "op", op: "destruction.certify", body: certificateBody("C-x", "raw-data", "G9"), expect: "NOT_FOUND" },
    ],
  },
  {
    name: "a grant is overdue from day 31 while certificates are missing",
    rule: "overdue",
    steps: [
      ...revoked,
      { overdueAt: (c) => c.time("ended") + 30 * DAY, expect: [] },
      { overdueAt: (c) => c.time("ended") + 30 * DAY + 1, expect: [{ grantId: "G1", missing: 6 }] },
      ...allCertificates(["op"]),
      { overdueAt: (c) => c.time("ended") + 31 * DAY, expect: [{ grantId: "G1", missing: 3 }] },
      ...allCertificates(["pa"]),
      { overdueAt: (c) => c.time("ended") + 31 * DAY, expect: [] },
    ],
  },
];
