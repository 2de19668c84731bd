import type { Scenario, WriteStep } from "../../../scripts/scenarios/scenario.ts";
import { granted, grantBody, h, hopBody, withLineage } from "../../../scripts/scenarios/fixtures.ts";

/**
 * Risk alerts (数据风险评估): the service (as the agency) raises an alert about a grant; the
 * agency suspends the grant from it — the same suspension and GrantSuspended event as any — and
 * the alert records that and when; an alert is acted on once, and only for its own grant.
 */
const raise = (id: string, grantId = "G1", extra: Partial<WriteStep> = {}): WriteStep => ({
  as: "agency",
  op: "alert.raise",
  body: {
    id,
    grantId,
    signal: "volume-exceeded",
    summary: "delivery D1 carried 12,000 records, the product declares 5,000 a month",
    evidence: [{ kind: "hop", id: "H1", recordHash: h(`evidence-${id}`) }],
  },
  label: `raised-${id}`,
  ...extra,
});
const suspendFrom = (alertId: string, grantId = "G1", extra: Partial<WriteStep> = {}): WriteStep => ({
  as: "agency",
  op: "grant.suspend",
  body: { grantId, reason: `emergency stop from alert ${alertId}`, alertId },
  ...extra,
});
const AL1 = { kind: "alert" as const, id: "AL1" };

export const alertScenarios: Scenario[] = [
  {
    name: "the agency suspends a grant from a risk alert, which records the suspension and its time",
    rule: "alert.raise, grant.suspend from an alert",
    steps: [
      ...withLineage,
      raise("AL1"),
      {
        view: AL1,
        expect: (c) => ({
          grantId: "G1",
          signal: "volume-exceeded",
          raisedAt: c.time("raised-AL1"),
          action: "",
          actedAt: 0,
        }),
      },
      { ...suspendFrom("AL1"), label: "suspended" },
      { view: AL1, expect: (c) => ({ action: "grant-suspended", actedAt: c.time("suspended") }) },
      { view: { kind: "grant", id: "G1" }, expect: { status: "suspended" } },
      { as: "op", op: "lineage.hop", body: hopBody("H2"), expect: "GRANT_NOT_ACTIVE" },
      { as: "agency", op: "grant.resume", body: { grantId: "G1", reason: "investigated" } },
      { ...suspendFrom("AL1"), expect: "CASE_CLOSED", details: { id: "AL1" } },
      { view: { kind: "grant", id: "G1" }, expect: { status: "active" } },
    ],
  },
  {
    name: "a suspension names an existing alert about the same grant, and the grant must be active",
    rule: "grant.suspend from an alert",
    steps: [
      ...granted,
      { as: "agency", op: "grant.issue", body: (c) => grantBody(c, { id: "G2" }) },
      raise("AL1"),
      raise("AL2", "G2"),
      { ...suspendFrom("AL9"), expect: "NOT_FOUND", details: { id: "AL9" } },
      { ...suspendFrom("AL2"), expect: "ALERT_GRANT_MISMATCH", details: { id: "AL2", grantId: "G2" } },
      { view: { kind: "grant", id: "G1" }, expect: { status: "active" } },
      { as: "agency", op: "grant.suspend", body: { grantId: "G1", reason: "manual stop" } },
      { ...suspendFrom("AL1"), expect: "GRANT_STATUS_INVALID", details: { grantId: "G1" } },
      { view: AL1, expect: { action: "" } },
    ],
  },
  {
    name: "only the agency (the service's own key) raises alerts, about a grant that exists, each id once",
    rule: "alert.raise",
    steps: [
      ...granted,
      { ...raise("AL1"), as: "sup", expect: "NOT_AUTHORIZED" },
      { ...raise("AL1"), as: "op", expect: "NOT_AUTHORIZED" },
      { ...raise("AL1", "G9"), expect: "NOT_FOUND", details: { id: "G9" } },
      {
        ...raise("AL1"),
        body: { id: "AL1", grantId: "G1", signal: "hunch", summary: "x", evidence: [] },
        expect: "INVALID_RECORD",
      },
      raise("AL1"),
      { ...raise("AL1"), expect: "DUPLICATE_ID", details: { id: "AL1" } },
      { view: { kind: "alert", id: "AL2" }, expect: null },
    ],
  },
];
