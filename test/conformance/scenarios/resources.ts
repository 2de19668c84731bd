import { schemaHashOf } from "../../../core/records/resource.ts";
import type { ResourceField } from "../../../core/records/resource.ts";
import type { Scenario, WriteStep } from "../../../scripts/scenarios/scenario.ts";
import { h, R1_FIELDS, registered, resourceBody, review } from "../../../scripts/scenarios/fixtures.ts";
import { actorBody, org, strangerBody } from "../../../scripts/scenarios/world.ts";

const R3_FIELDS: ResourceField[] = [
  { name: "site", type: "string", personalInfo: false },
  { name: "power", type: "decimal", personalInfo: false },
];
const R1_V2: ResourceField[] = [...R1_FIELDS, { name: "d", type: "date", personalInfo: false }];

const version = (fields: ResourceField[], v = 2, grade = 2): WriteStep => ({
  as: "agency",
  op: "resource.version",
  body: {
    resourceId: "R1",
    version: v,
    fields,
    grade,
    gradeReason: "conformance",
    schemaHash: schemaHashOf(fields),
    note: `v${v}`,
  },
});

export const resourceScenarios: Scenario[] = [
  {
    name: "registration needs the source unit's approval",
    rule: "resource.register",
    steps: [
      ...registered,
      {
        as: "agency",
        op: "resource.register",
        body: resourceBody("R3", R3_FIELDS, 1),
        expect: "SOURCE_REVIEW_MISSING",
      },
      review("su1", "R3", R3_FIELDS),
      { as: "agency", op: "resource.register", body: resourceBody("R3", R3_FIELDS, 1) },
      { view: { kind: "resource", id: "R3" }, expect: { status: "active", version: 1, grade: 1, fieldCount: 2 } },
    ],
  },
  {
    name: "a rejection blocks registration until a later approval",
    rule: "resource.review",
    steps: [
      ...registered,
      review("su1", "R3", R3_FIELDS, "rejected"),
      {
        as: "agency",
        op: "resource.register",
        body: resourceBody("R3", R3_FIELDS, 1),
        expect: "SOURCE_REVIEW_MISSING",
      },
      review("su1", "R3", R3_FIELDS, "approved"),
      { as: "agency", op: "resource.register", body: resourceBody("R3", R3_FIELDS, 1) },
    ],
  },
  {
    name: "every source unit must approve the same schema",
    rule: "resource.register",
    steps: [
      ...registered,
      review("su1", "R3", R3_FIELDS),
      review("su2", "R3", R1_FIELDS),
      {
        as: "agency",
        op: "resource.register",
        body: resourceBody("R3", R3_FIELDS, 1, ["su1", "su2"]),
        expect: "SOURCE_REVIEW_MISSING",
      },
      review("su2", "R3", R3_FIELDS),
      { as: "agency", op: "resource.register", body: resourceBody("R3", R3_FIELDS, 1, ["su1", "su2"]) },
    ],
  },
  {
    name: "personal information is grade 3 or higher",
    rule: "resource.register",
    steps: [
      ...registered,
      review("su1", "R3", [{ name: "phone", type: "string", personalInfo: true }]),
      {
        as: "agency",
        op: "resource.register",
        body: resourceBody("R3", [{ name: "phone", type: "string", personalInfo: true }], 2),
        expect: "GRADE_INCONSISTENT",
      },
      {
        as: "agency",
        op: "resource.register",
        body: resourceBody("R3", [{ name: "phone", type: "string", personalInfo: true }], 3),
      },
    ],
  },
  {
    name: "source units must be registered source units",
    rule: "resource.register",
    steps: [
      ...registered,
      {
        as: "agency",
        op: "resource.register",
        body: resourceBody("R3", R3_FIELDS, 1, ["op"]),
        expect: "ACTOR_ROLE_INVALID",
      },
      {
        as: "agency",
        op: "resource.register",
        body: { ...resourceBody("R3", R3_FIELDS, 1), sourceUnits: [strangerBody("source-unit").orgId] },
        expect: "NOT_FOUND",
      },
      {
        as: "agency",
        op: "resource.register",
        body: { ...resourceBody("R3", R3_FIELDS, 1), holder: strangerBody("source-unit").orgId },
        expect: "NOT_FOUND",
      },
    ],
  },
  {
    name: "resource ids are unique",
    rule: "resource.register",
    steps: [
      ...registered,
      { as: "agency", op: "resource.register", body: resourceBody("R1", R1_FIELDS, 2), expect: "DUPLICATE_ID" },
    ],
  },
  {
    name: "only the agency registers and only source units review",
    rule: "roles",
    steps: [
      ...registered,
      review("su1", "R3", R3_FIELDS),
      { as: "op", op: "resource.register", body: resourceBody("R3", R3_FIELDS, 1), expect: "NOT_AUTHORIZED" },
      {
        as: "op",
        op: "resource.review",
        body: { resourceId: "R3", schemaHash: schemaHashOf(R3_FIELDS), decision: "approved", reportHash: h("r") },
        expect: "NOT_AUTHORIZED",
      },
      {
        as: "agency",
        op: "resource.review",
        body: { resourceId: "R3", schemaHash: schemaHashOf(R3_FIELDS), decision: "approved", reportHash: h("r") },
        expect: "NOT_AUTHORIZED",
      },
    ],
  },
  {
    name: "a new version appends fields after review",
    rule: "resource.version",
    steps: [
      ...registered,
      { ...version(R1_V2, 2), expect: "SOURCE_REVIEW_MISSING" },
      review("su1", "R1", R1_V2),
      { ...version(R1_V2, 3), expect: "VERSION_CONFLICT" },
      version(R1_V2, 2),
      { view: { kind: "resource", id: "R1" }, expect: { version: 2, fieldCount: 4, grade: 2 } },
    ],
  },
  {
    name: "a version may not change existing fields",
    rule: "resource.version",
    steps: [
      ...registered,
      review("su1", "R1", [R1_FIELDS[1]!, R1_FIELDS[0]!, R1_FIELDS[2]!]),
      { ...version([R1_FIELDS[1]!, R1_FIELDS[0]!, R1_FIELDS[2]!]), expect: "SCHEMA_INCOMPATIBLE" },
      { ...version([R1_FIELDS[0]!, R1_FIELDS[1]!]), expect: "SCHEMA_INCOMPATIBLE" },
      { ...version([{ ...R1_FIELDS[0]!, type: "code" }, R1_FIELDS[1]!, R1_FIELDS[2]!]), expect: "SCHEMA_INCOMPATIBLE" },
    ],
  },
  {
    name: "a version that adds personal information raises the grade",
    rule: "resource.version",
    steps: [
      ...registered,
      review("su1", "R1", [...R1_FIELDS, { name: "phone", type: "string", personalInfo: true }]),
      {
        ...version([...R1_FIELDS, { name: "phone", type: "string", personalInfo: true }], 2, 2),
        expect: "GRADE_INCONSISTENT",
      },
      version([...R1_FIELDS, { name: "phone", type: "string", personalInfo: true }], 2, 3),
      { view: { kind: "resource", id: "R1" }, expect: { version: 2, grade: 3 } },
    ],
  },
  {
    name: "a withdrawn resource takes no versions and no second withdrawal",
    rule: "resource.withdraw",
    steps: [
      ...registered,
      review("su1", "R1", R1_V2),
      { as: "agency", op: "resource.withdraw", body: { resourceId: "R1", reason: "source closed" } },
      { ...version(R1_V2), expect: "RESOURCE_NOT_ACTIVE" },
      {
        as: "agency",
        op: "resource.withdraw",
        body: { resourceId: "R1", reason: "again" },
        expect: "RESOURCE_NOT_ACTIVE",
      },
      { as: "agency", op: "resource.withdraw", body: { resourceId: "R9", reason: "unknown" }, expect: "NOT_FOUND" },
      { view: { kind: "resource", id: "R1" }, expect: { status: "withdrawn" } },
    ],
  },
  {
    name: "source units are registered by the agency with their role",
    rule: "actor.register",
    steps: [
      ...registered,
      { view: { kind: "actor", id: org("su1") }, expect: { role: "source-unit" } },
      { as: "agency", op: "actor.register", body: actorBody("su2"), expect: "DUPLICATE_ID" },
    ],
  },
];
