import { addCalendarYears } from "../../../core/time.ts";
import type { Scenario, WriteStep } from "../../../scripts/scenarios/scenario.ts";
import { granted, h, hopBody, registered, withLineage } from "../../../scripts/scenarios/fixtures.ts";
import { org } from "../../../scripts/scenarios/world.ts";

const evaluate = (year: number, grade: string, extra: Partial<WriteStep> = {}): WriteStep => ({
  as: "agency",
  op: "evaluation.record",
  body: { grantId: "G1", year, grade, reportHash: h(`eval-${year}`) },
  ...extra,
});
const anchor = (origin: string, treeSize: number, extra: Partial<WriteStep> = {}): WriteStep => ({
  as: "agency",
  op: "anchor.checkpoint",
  body: { origin, treeSize, rootHash: h(`root-${treeSize}`), checkpointHash: h(`cp-${origin}-${treeSize}`) },
  ...extra,
});

export const governanceScenarios: Scenario[] = [
  {
    name: "three consecutive unqualified evaluations revoke the grant",
    rule: "evaluation.record",
    steps: [
      ...withLineage,
      evaluate(2026, "unqualified"),
      evaluate(2027, "unqualified"),
      { view: { kind: "grant", id: "G1" }, expect: { status: "active" } },
      evaluate(2028, "unqualified", { label: "third" }),
      { view: { kind: "grant", id: "G1" }, expect: (c) => ({ status: "revoked", endedAt: c.time("third") }) },
      { view: { kind: "evaluation", id: "G1/2028" }, expect: { grade: "unqualified", year: 2028 } },
      { as: "op", op: "lineage.hop", body: hopBody("H2"), expect: "GRANT_NOT_ACTIVE" },
      { ...evaluate(2029, "qualified"), expect: "GRANT_STATUS_INVALID" },
    ],
  },
  {
    name: "a qualified year breaks the streak",
    rule: "evaluation.record",
    steps: [
      ...granted,
      evaluate(2026, "unqualified"),
      evaluate(2027, "qualified"),
      evaluate(2028, "unqualified"),
      evaluate(2029, "unqualified"),
      { view: { kind: "grant", id: "G1" }, expect: { status: "active" } },
      evaluate(2030, "unqualified"),
      { view: { kind: "grant", id: "G1" }, expect: { status: "revoked" } },
    ],
  },
  {
    name: "three unqualified calendar years revoke whatever the order of recording",
    rule: "evaluation.record",
    steps: [
      ...granted,
      evaluate(2028, "unqualified"),
      evaluate(2026, "unqualified"),
      { view: { kind: "grant", id: "G1" }, expect: { status: "active" } },
      evaluate(2027, "unqualified", { label: "middle" }),
      { view: { kind: "grant", id: "G1" }, expect: (c) => ({ status: "revoked", endedAt: c.time("middle") }) },
    ],
  },
  {
    name: "the recorded year may start the run of three",
    rule: "evaluation.record",
    steps: [
      ...granted,
      evaluate(2030, "unqualified"),
      evaluate(2029, "unqualified"),
      { view: { kind: "grant", id: "G1" }, expect: { status: "active" } },
      evaluate(2028, "unqualified"),
      { view: { kind: "grant", id: "G1" }, expect: { status: "revoked" } },
    ],
  },
  {
    name: "out of order, a qualified year between still breaks the run",
    rule: "evaluation.record",
    steps: [
      ...granted,
      evaluate(2028, "unqualified"),
      evaluate(2026, "unqualified"),
      evaluate(2027, "qualified"),
      evaluate(2029, "unqualified"),
      { view: { kind: "grant", id: "G1" }, expect: { status: "active" } },
      evaluate(2025, "unqualified"),
      { view: { kind: "grant", id: "G1" }, expect: { status: "active" } },
      evaluate(2030, "unqualified"),
      { view: { kind: "grant", id: "G1" }, expect: { status: "revoked" } },
    ],
  },
  {
    name: "an unrecorded year is not unqualified: two years either side of a gap are no run",
    rule: "evaluation.record",
    steps: [
      ...granted,
      evaluate(2026, "unqualified"),
      evaluate(2028, "unqualified"),
      evaluate(2029, "excellent"),
      evaluate(2024, "unqualified"),
      { view: { kind: "grant", id: "G1" }, expect: { status: "active" } },
      evaluate(2027, "unqualified"),
      { view: { kind: "grant", id: "G1" }, expect: { status: "revoked" } },
    ],
  },
  {
    name: "one evaluation per year, on a live grant, by the agency",
    rule: "evaluation.record",
    steps: [
      ...granted,
      evaluate(2026, "excellent"),
      { ...evaluate(2026, "qualified"), expect: "DUPLICATE_ID" },
      { ...evaluate(2027, "qualified"), as: "sup", expect: "NOT_AUTHORIZED" },
      {
        as: "agency",
        op: "evaluation.record",
        body: { grantId: "G9", year: 2026, grade: "qualified", reportHash: h("x") },
        expect: "NOT_FOUND",
      },
      { as: "agency", op: "grant.suspend", body: { grantId: "G1", reason: "audit" } },
      evaluate(2027, "qualified"),
      { view: { kind: "evaluation", id: "G1/2026" }, expect: { grade: "excellent" } },
    ],
  },
  {
    name: "anchored tree sizes only grow, per log",
    rule: "anchor.checkpoint",
    steps: [
      ...registered,
      anchor("ledger.example/log", 10, { label: "a10" }),
      { ...anchor("ledger.example/log", 10), expect: "ANCHOR_NOT_MONOTONIC" },
      { ...anchor("ledger.example/log", 10), replayOf: "a10", expect: "ANCHOR_NOT_MONOTONIC" },
      { ...anchor("ledger.example/log", 9), expect: "ANCHOR_NOT_MONOTONIC" },
      anchor("ledger.example/log", 11),
      anchor("other.example/log", 5),
      {
        view: { kind: "anchor", id: "ledger.example/log" },
        expect: { treeSize: 11, rootHash: h("root-11"), checkpointHash: h("cp-ledger.example/log-11") },
      },
      { ...anchor("ledger.example/log", 12), as: "op", expect: "NOT_AUTHORIZED" },
    ],
  },
  {
    name: "a second blacklisting never shortens a ban",
    rule: "blacklist.add",
    steps: [
      ...registered,
      { as: "agency", op: "blacklist.add", body: { orgId: org("pa"), reason: "first" }, label: "first" },
      {
        as: "agency",
        op: "blacklist.add",
        body: { orgId: org("pa"), reason: "second" },
        advance: 86_400 * 400,
        label: "second",
      },
      {
        view: { kind: "blacklist", id: org("pa") },
        expect: (c) => ({ bannedUntil: addCalendarYears(c.time("second"), 5) }),
      },
      { as: "sup", op: "blacklist.add", body: { orgId: org("op"), reason: "x" }, expect: "NOT_AUTHORIZED" },
      { view: { kind: "blacklist", id: org("op") }, expect: null },
    ],
  },
];
