import { ensure } from "../../../core/errors.ts";
import { nextVersionDue } from "../../../core/time.ts";
import type { ResourceField } from "../../../core/records/resource.ts";
import type { Ledger } from "../ledger/ledger.ts";
import { requireActor, requireResource } from "./checks.ts";
import type { Handler } from "./tx.ts";
import { currentVersion, K, type ResourceState, type ReviewState } from "./state.ts";

/** resource.review: a source unit's decision on a resource schema, before registration. */
export const reviewResource: Handler<"resource.review"> = async ({ ledger, author }, body) => {
  ledger.put(K.review, [body.resourceId, body.schemaHash, author.orgId], {
    decision: body.decision,
    reportHash: body.reportHash,
  } satisfies ReviewState);
};

function ensureGradeConsistent(resourceId: string, fields: readonly ResourceField[], grade: number): void {
  ensure(
    !(fields.some((f) => f.personalInfo) && grade < 3),
    "GRADE_INCONSISTENT",
    `grade ${grade} with personal-information fields`,
    { resourceId, grade },
  );
}

async function ensureReviewed(
  ledger: Ledger,
  resourceId: string,
  schemaHash: string,
  units: readonly string[],
): Promise<void> {
  for (const unit of units) {
    const review = await ledger.get<ReviewState>(K.review, resourceId, schemaHash, unit);
    ensure(
      review?.decision === "approved",
      "SOURCE_REVIEW_MISSING",
      `source unit ${unit} has not approved schema ${schemaHash}`,
      { resourceId, orgId: unit },
    );
  }
}

/** resource.register: version 1 of a public data resource, after every source unit approved it. */
export const registerResource: Handler<"resource.register"> = async ({ ledger, now }, body) => {
  ensure(!(await ledger.has(K.resource, body.id)), "DUPLICATE_ID", `resource ${body.id}`, {
    id: body.id,
  });
  for (const unit of body.sourceUnits) {
    const actor = await requireActor(ledger, unit);
    ensure(actor.role === "source-unit", "ACTOR_ROLE_INVALID", `${unit} is a ${actor.role}, not a source unit`, {
      orgId: unit,
    });
  }
  await requireActor(ledger, body.holder);
  ensureGradeConsistent(body.id, body.fields, body.grade);
  await ensureReviewed(ledger, body.id, body.schemaHash, body.sourceUnits);
  ledger.put(K.resource, [body.id], {
    id: body.id,
    status: "active",
    sourceUnits: body.sourceUnits,
    holder: body.holder,
    versions: [{ version: 1, grade: body.grade, schemaHash: body.schemaHash, fields: body.fields }],
    updateFrequency: body.updateFrequency,
    lastVersionAt: now,
    lateVersions: 0,
  } satisfies ResourceState);
};

/**
 * Existing fields keep name, type, flag and position; new ones are only appended. The position
 * of the first existing field the next version drops or changes, or -1 when it only appends.
 */
function firstChangedField(current: readonly ResourceField[], next: readonly ResourceField[]): number {
  return current.findIndex((f, i) => {
    const g = next[i];
    return g === undefined || g.name !== f.name || g.type !== f.type || g.personalInfo !== f.personalInfo;
  });
}

/**
 * resource.version: publishes the next version of an active resource. A version after its due
 * second (the declared frequency's period plus grace) is accepted and counted late.
 */
export const publishVersion: Handler<"resource.version"> = async ({ ledger, now }, body) => {
  const resource = await requireResource(ledger, body.resourceId);
  ensure(resource.status === "active", "RESOURCE_NOT_ACTIVE", `resource ${resource.id} is withdrawn`, {
    resourceId: resource.id,
  });
  const current = currentVersion(resource);
  ensure(body.version === current.version + 1, "VERSION_CONFLICT", `the next version is ${current.version + 1}`, {
    expectedVersion: current.version + 1,
  });
  const changed = firstChangedField(current.fields, body.fields);
  ensure(
    changed < 0,
    "SCHEMA_INCOMPATIBLE",
    `field ${changed} (${current.fields[changed]?.name}) is dropped or changed`,
    {
      resourceId: resource.id,
      fieldIndex: changed,
    },
  );
  ensureGradeConsistent(resource.id, body.fields, body.grade);
  await ensureReviewed(ledger, resource.id, body.schemaHash, resource.sourceUnits);
  ledger.put(K.resource, [resource.id], {
    ...resource,
    versions: [
      ...resource.versions,
      { version: body.version, grade: body.grade, schemaHash: body.schemaHash, fields: body.fields },
    ],
    lastVersionAt: now,
    lateVersions:
      resource.lateVersions + (now > nextVersionDue(resource.lastVersionAt, resource.updateFrequency) ? 1 : 0),
  } satisfies ResourceState);
};

/** resource.withdraw: stops new grants and hops on the resource. */
export const withdrawResource: Handler<"resource.withdraw"> = async ({ ledger }, body) => {
  const resource = await requireResource(ledger, body.resourceId);
  ensure(resource.status === "active", "RESOURCE_NOT_ACTIVE", `resource ${resource.id} is already withdrawn`, {
    resourceId: resource.id,
  });
  ledger.put(K.resource, [resource.id], { ...resource, status: "withdrawn" } satisfies ResourceState);
};
