import { schemaHashOf } from "../../../core/records/resource.ts";
import { objectionDeadline } from "../../../core/time.ts";
import type { Scenario, WriteStep } from "../../../scripts/scenarios/scenario.ts";
import { h, R1_FIELDS, review, withProduct } from "../../../scripts/scenarios/fixtures.ts";
import { org, type ActorName } from "../../../scripts/scenarios/world.ts";

/**
 * Data-quality objections (异议处置): a consumer, the operator or a partner objects to a version
 * of a resource; a source unit of that resource answers, once, on time up to 15 days after the
 * filing (the deadline's own second on time).
 */
const file = (id: string, as: ActorName = "con", extra: Partial<WriteStep> & { version?: number } = {}): WriteStep => {
  const { version = 1, ...rest } = extra;
  return {
    as,
    op: "objection.file",
    body: { id, resourceId: "R1", version, category: "accuracy", summary: "ratings disagree", evidenceHash: h(id) },
    label: `filed-${id}`,
    ...rest,
  };
};
const answer = (
  id: string,
  as: ActorName = "su1",
  decision = "corrected",
  extra: Partial<WriteStep> = {},
): WriteStep => ({
  as,
  op: "objection.answer",
  body: { objectionId: id, decision, answerHash: h(`answer-${id}-${decision}`) },
  ...extra,
});
const O1 = { kind: "objection" as const, id: "O1" };

export const objectionScenarios: Scenario[] = [
  {
    name: "a consumer's objection to a resource version is answered once by its source unit",
    rule: "objection.file, objection.answer",
    steps: [
      ...withProduct,
      file("O1"),
      {
        view: O1,
        expect: (c) => ({
          resourceId: "R1",
          version: 1,
          filer: org("con"),
          category: "accuracy",
          filedAt: c.time("filed-O1"),
          deadline: objectionDeadline(c.time("filed-O1")),
          status: "open",
          decision: "",
          answeredAt: 0,
          late: false,
        }),
      },
      { ...answer("O1"), label: "answered" },
      { view: O1, expect: (c) => ({ status: "answered", decision: "corrected", answeredAt: c.time("answered") }) },
      { ...answer("O1", "su1", "rejected"), expect: "CASE_CLOSED", details: { id: "O1" } },
    ],
  },
  {
    name: "the operator and a partner may object too; the agency, the exchange and source units may not",
    rule: "objection.file roles",
    steps: [
      ...withProduct,
      file("O1", "op"),
      file("O2", "pa"),
      { view: { kind: "objection", id: "O2" }, expect: { filer: org("pa"), status: "open" } },
      { ...file("O3", "agency"), expect: "NOT_AUTHORIZED" },
      { ...file("O3", "ex"), expect: "NOT_AUTHORIZED" },
      { ...file("O3", "su1"), expect: "NOT_AUTHORIZED" },
      { ...file("O3", "sup"), expect: "NOT_AUTHORIZED" },
      { ...file("O1", "con"), expect: "DUPLICATE_ID", details: { id: "O1" } },
      { view: { kind: "objection", id: "O3" }, expect: null },
    ],
  },
  {
    name: "an objection names an existing resource and one of its versions",
    rule: "objection.file",
    steps: [
      ...withProduct,
      { ...file("O1", "con", { version: 2 }), expect: "NOT_FOUND", details: { id: "R1" } },
      {
        as: "con",
        op: "objection.file",
        body: { id: "O1", resourceId: "R9", version: 1, category: "other", summary: "x", evidenceHash: h("x") },
        expect: "NOT_FOUND",
        details: { id: "R9" },
      },
      {
        as: "con",
        op: "objection.file",
        body: { id: "O1", resourceId: "R1", version: 1, category: "style", summary: "x", evidenceHash: h("x") },
        expect: "INVALID_RECORD",
      },
      review("su1", "R1", [...R1_FIELDS, { name: "d", type: "string", personalInfo: false }]),
      {
        as: "agency",
        op: "resource.version",
        body: {
          resourceId: "R1",
          version: 2,
          fields: [...R1_FIELDS, { name: "d", type: "string", personalInfo: false }],
          grade: 2,
          gradeReason: "conformance",
          schemaHash: schemaHashOf([...R1_FIELDS, { name: "d", type: "string", personalInfo: false }]),
          note: "v2",
        },
      },
      file("O1", "con", { version: 2 }),
      file("O2", "con", { version: 1 }),
      { view: { kind: "objection", id: "O2" }, expect: { version: 1 } },
    ],
  },
  {
    name: "only a source unit of the objected resource answers",
    rule: "objection.answer",
    steps: [
      ...withProduct,
      file("O1"),
      { ...answer("O1", "su2"), expect: "NOT_AUTHORIZED" },
      { ...answer("O1", "op"), expect: "NOT_AUTHORIZED" },
      { ...answer("O1", "agency"), expect: "NOT_AUTHORIZED" },
      { ...answer("O9"), expect: "NOT_FOUND", details: { id: "O9" } },
      { view: O1, expect: { status: "open" } },
    ],
  },
  {
    name: "an answer on the deadline's second is on time, one second later it is late",
    rule: "objection.answer deadline",
    steps: [
      ...withProduct,
      file("O1"),
      file("O2"),
      answer("O1", "su1", "explained", { at: (c) => objectionDeadline(c.time("filed-O1")) }),
      { view: O1, expect: { status: "answered", decision: "explained", late: false } },
      answer("O2", "su1", "rejected", { at: (c) => objectionDeadline(c.time("filed-O2")) + 1 }),
      { view: { kind: "objection", id: "O2" }, expect: { status: "answered", late: true } },
    ],
  },
];
