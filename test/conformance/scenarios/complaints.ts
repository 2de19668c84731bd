import { complaintDeadline } from "../../../core/time.ts";
import type { Scenario, WriteStep } from "../../../scripts/scenarios/scenario.ts";
import { h, withProduct } from "../../../scripts/scenarios/fixtures.ts";
import { org } from "../../../scripts/scenarios/world.ts";

/**
 * Complaints (社会监督): the agency's intake records the commitment to a sealed complaint about a
 * product or an operator; a supervisor records the handling and the outcome, due 30 days after
 * the lodging (the deadline's own second is on time).
 */
const lodge = (id: string, subject: Record<string, unknown>, extra: Partial<WriteStep> = {}): WriteStep => ({
  as: "agency",
  op: "complaint.lodge",
  body: { id, subject, commitment: h(`envelope-${id}`) },
  label: `lodged-${id}`,
  ...extra,
});
const handle = (id: string, outcome?: string, extra: Partial<WriteStep> = {}): WriteStep => ({
  as: "sup",
  op: "complaint.handle",
  body: outcome
    ? { complaintId: id, stage: "concluded", outcome, reportHash: h(`outcome-${id}`) }
    : { complaintId: id, stage: "handling", reportHash: h(`handling-${id}`) },
  ...extra,
});
const K1 = { kind: "complaint" as const, id: "K1" };
const P1 = { kind: "product", id: "P1" };

export const complaintScenarios: Scenario[] = [
  {
    name: "a complaint about a product is lodged, taken up and concluded on time",
    rule: "complaint.lodge, complaint.handle",
    steps: [
      ...withProduct,
      lodge("K1", P1),
      {
        view: K1,
        expect: (c) => ({
          subjectKind: "product",
          subjectId: "P1",
          commitment: h("envelope-K1"),
          lodgedAt: c.time("lodged-K1"),
          deadline: complaintDeadline(c.time("lodged-K1")),
          status: "lodged",
          outcome: "",
          late: false,
        }),
      },
      handle("K1"),
      { view: K1, expect: { status: "handling", outcome: "", concludedAt: 0 } },
      handle("K1", "upheld", { label: "concluded" }),
      { view: K1, expect: (c) => ({ status: "concluded", outcome: "upheld", concludedAt: c.time("concluded") }) },
      { ...handle("K1", "not-upheld"), expect: "CASE_CLOSED", details: { id: "K1" } },
      { ...handle("K1"), expect: "CASE_CLOSED", details: { id: "K1" } },
    ],
  },
  {
    name: "a complaint names a registered product or an organisation registered as operator",
    rule: "complaint.lodge",
    steps: [
      ...withProduct,
      { ...lodge("K1", { kind: "product", id: "P9" }), expect: "NOT_FOUND", details: { id: "P9" } },
      { ...lodge("K2", { kind: "operator", id: org("con") }), expect: "ACTOR_ROLE_INVALID" },
      { ...lodge("K3", { kind: "operator", id: "91440300MA5FXXXX0A" }), expect: "INVALID_RECORD" },
      lodge("K4", { kind: "operator", id: org("op") }),
      { view: { kind: "complaint", id: "K4" }, expect: { subjectKind: "operator", subjectId: org("op") } },
      { ...lodge("K4", P1), expect: "DUPLICATE_ID", details: { id: "K4" } },
      { view: { kind: "complaint", id: "K1" }, expect: null },
    ],
  },
  {
    name: "only the agency's intake lodges and only a supervisor handles complaints",
    rule: "complaint.lodge, complaint.handle roles",
    steps: [
      ...withProduct,
      { ...lodge("K1", P1), as: "con", expect: "NOT_AUTHORIZED" },
      { ...lodge("K1", P1), as: "sup", expect: "NOT_AUTHORIZED" },
      lodge("K1", P1),
      { ...handle("K1", "upheld"), as: "agency", expect: "NOT_AUTHORIZED" },
      { ...handle("K1", "upheld"), as: "op", expect: "NOT_AUTHORIZED" },
      { ...handle("K9", "upheld"), expect: "NOT_FOUND", details: { id: "K9" } },
      { view: K1, expect: { status: "lodged" } },
    ],
  },
  {
    name: "a concluded stage carries an outcome and a handling stage does not",
    rule: "complaint.handle schema",
    steps: [
      ...withProduct,
      lodge("K1", P1),
      {
        as: "sup",
        op: "complaint.handle",
        body: { complaintId: "K1", stage: "concluded", reportHash: h("no-outcome") },
        expect: "INVALID_RECORD",
      },
      {
        as: "sup",
        op: "complaint.handle",
        body: { complaintId: "K1", stage: "handling", outcome: "upheld", reportHash: h("early") },
        expect: "INVALID_RECORD",
      },
      { view: K1, expect: { status: "lodged" } },
    ],
  },
  {
    name: "an outcome on the deadline's second is on time, one second later it is late",
    rule: "complaint.handle deadline",
    steps: [
      ...withProduct,
      lodge("K1", P1),
      lodge("K2", P1),
      handle("K1", "partly-upheld", { at: (c) => complaintDeadline(c.time("lodged-K1")) }),
      { view: K1, expect: { status: "concluded", late: false } },
      handle("K2", "referred", { at: (c) => complaintDeadline(c.time("lodged-K2")) + 1 }),
      { view: { kind: "complaint", id: "K2" }, expect: { status: "concluded", outcome: "referred", late: true } },
    ],
  },
];
