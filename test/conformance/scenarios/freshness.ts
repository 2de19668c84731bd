import { schemaHashOf, type ResourceField } from "../../../core/records/resource.ts";
import { DAY, fromIso, nextVersionDue } from "../../../core/time.ts";
import type { Scenario, Step, WriteStep } from "../../../scripts/scenarios/scenario.ts";
import { registered, resourceBody, review } from "../../../scripts/scenarios/fixtures.ts";

/**
 * Update frequency (时效性): every version's time is the chain's; a version after its due second
 * (one period of the declared frequency plus its grace) is accepted and counted late, and the
 * resource view carries the due second of the next one.
 */
const F: ResourceField[] = [{ name: "reading", type: "decimal", personalInfo: false }];
const fields = (v: number): ResourceField[] => [
  ...F,
  ...Array.from({ length: v - 1 }, (_, i) => ({ name: `extra${i + 2}`, type: "string" as const, personalInfo: false })),
];

const register = (frequency: string, at?: number): Step[] => [
  review("su1", "R3", F),
  {
    as: "agency",
    op: "resource.register",
    body: resourceBody("R3", F, 1, ["su1"], { updateFrequency: frequency }),
    label: "v1",
    ...(at === undefined ? {} : { at: () => at }),
  },
];

/** Version `v` of R3, reviewed first, at `at(c)`. */
const version = (v: number, at: (c: { time(label: string): number }) => number): Step[] => [
  review("su1", "R3", fields(v)),
  {
    as: "agency",
    op: "resource.version",
    body: {
      resourceId: "R3",
      version: v,
      fields: fields(v),
      grade: 1,
      gradeReason: "conformance",
      schemaHash: schemaHashOf(fields(v)),
      note: `v${v}`,
    },
    at,
    label: `v${v}`,
  } satisfies WriteStep,
];

const R3 = { kind: "resource" as const, id: "R3" };

export const freshnessScenarios: Scenario[] = [
  {
    name: "a resource must declare one of the four update frequencies",
    rule: "resource.register update frequency",
    steps: [
      ...registered,
      review("su1", "R3", F),
      {
        as: "agency",
        op: "resource.register",
        body: resourceBody("R3", F, 1, ["su1"], { updateFrequency: "weekly" }),
        expect: "INVALID_RECORD",
      },
      { view: R3, expect: null },
    ],
  },
  {
    name: "a daily resource's next version is due a day plus a day's grace after the last one",
    rule: "resource.version update frequency",
    steps: [
      ...registered,
      ...register("daily"),
      {
        view: R3,
        expect: (c) => ({
          updateFrequency: "daily",
          lastVersionAt: c.time("v1"),
          nextVersionDue: c.time("v1") + 2 * DAY,
          lateVersions: 0,
        }),
      },
      // the due second itself is on time
      ...version(2, (c) => c.time("v1") + 2 * DAY),
      { view: R3, expect: (c) => ({ version: 2, lastVersionAt: c.time("v2"), lateVersions: 0 }) },
    ],
  },
  {
    name: "a version one second before its grace ends is on time, one second after it is late",
    rule: "resource.version update frequency",
    steps: [
      ...registered,
      ...register("monthly"),
      ...version(2, (c) => nextVersionDue(c.time("v1"), "monthly") - 1),
      { view: R3, expect: { version: 2, lateVersions: 0 } },
      ...version(3, (c) => nextVersionDue(c.time("v2"), "monthly") + 1),
      {
        view: R3,
        expect: (c) => ({
          version: 3,
          lateVersions: 1,
          lastVersionAt: c.time("v3"),
          nextVersionDue: nextVersionDue(c.time("v3"), "monthly"),
        }),
      },
    ],
  },
  {
    name: "a monthly period ends on the month's last day when the next month is shorter (31 Jan → 28 Feb + 7 days)",
    rule: "resource.version update frequency (calendar)",
    steps: [
      ...registered,
      ...register("monthly", fromIso("2027-01-31T09:00:00+08:00")),
      { view: R3, expect: { nextVersionDue: fromIso("2027-03-07T09:00:00+08:00") } },
      ...version(2, () => fromIso("2027-03-07T09:00:01+08:00")),
      { view: R3, expect: { lateVersions: 1, nextVersionDue: fromIso("2027-04-14T09:00:01+08:00") } },
    ],
  },
  {
    name: "quarterly: 3 calendar months plus 15 days (30 Nov 2027 → 29 Feb 2028 → 15 Mar 2028)",
    rule: "resource.version update frequency (calendar)",
    steps: [
      ...registered,
      ...register("quarterly", fromIso("2027-11-30T10:00:00+08:00")),
      { view: R3, expect: { updateFrequency: "quarterly", nextVersionDue: fromIso("2028-03-15T10:00:00+08:00") } },
      ...version(2, () => fromIso("2028-03-15T10:00:00+08:00")),
      { view: R3, expect: { lateVersions: 0 } },
    ],
  },
  {
    name: "annual: 12 calendar months plus 30 days from a leap day (29 Feb 2028 → 28 Feb 2029 → 30 Mar 2029)",
    rule: "resource.version update frequency (calendar)",
    steps: [
      ...registered,
      ...register("annual", fromIso("2028-02-29T00:00:00+08:00")),
      { view: R3, expect: { nextVersionDue: fromIso("2029-03-30T00:00:00+08:00") } },
      ...version(2, () => fromIso("2029-03-30T00:00:01+08:00")),
      { view: R3, expect: { lateVersions: 1 } },
    ],
  },
];
