import { z } from "zod";
import { contentHash } from "../canonical.ts";
import { Domain, FieldName, Hash, Id, OrgId, Text, uniqueList } from "./common.ts";

/**
 * Resource registration (登记, Table 1 of the plan). Each update is a new version with its own
 * chain timestamp; the field list only grows (fields are appended) so that grants, which
 * name fields, keep their meaning across versions.
 */
export const REVIEW_DECISIONS = ["approved", "rejected"] as const;

export const FIELD_TYPES = [
  "string",
  "integer",
  "decimal",
  "date",
  "datetime",
  "boolean",
  "code",
  "geometry",
  "image",
  "document",
] as const;

export const ResourceField = z.strictObject({
  name: FieldName,
  type: z.enum(FIELD_TYPES),
  personalInfo: z.boolean(),
});
export type ResourceField = z.infer<typeof ResourceField>;

export const Fields = z
  .array(ResourceField)
  .min(1, "must define at least one field")
  .max(255, "must define at most 255 fields")
  .refine((f) => new Set(f.map((x) => x.name)).size === f.length, "must not define a field name twice");

/** 1 public, 2 low-sensitive, 3 and 4 high-sensitive (personal information and above). */
export const Grade = z.number().int().min(1, "grades run from 1 to 4").max(4, "grades run from 1 to 4");

/** How often a resource publishes a new version (时效性); see core/time.ts nextVersionDue. */
export const UPDATE_FREQUENCIES = ["daily", "monthly", "quarterly", "annual"] as const;
export const UpdateFrequency = z.enum(UPDATE_FREQUENCIES);
export type UpdateFrequency = z.infer<typeof UpdateFrequency>;

export const Resource = z.strictObject({
  id: Id,
  name: Text(128),
  domain: Domain,
  sourceUnits: uniqueList(OrgId, 1, 16, "source units"),
  fields: Fields,
  scope: Text(64),
  updateFrequency: UpdateFrequency,
  grade: Grade,
  gradeReason: Text(512),
  schemaHash: Hash,
  holder: OrgId,
});
export type Resource = z.infer<typeof Resource>;

export const ResourceReview = z.strictObject({
  resourceId: Id,
  schemaHash: Hash,
  decision: z.enum(REVIEW_DECISIONS),
  reportHash: Hash,
});
export type ResourceReview = z.infer<typeof ResourceReview>;

export const ResourceVersion = z.strictObject({
  resourceId: Id,
  version: z.number().int().min(2).max(1_000_000),
  fields: Fields,
  grade: Grade,
  gradeReason: Text(512),
  schemaHash: Hash,
  note: Text(512),
});
export type ResourceVersion = z.infer<typeof ResourceVersion>;

export const ResourceWithdrawal = z.strictObject({
  resourceId: Id,
  reason: Text(512),
});
export type ResourceWithdrawal = z.infer<typeof ResourceWithdrawal>;

/** The schema hash of a resource version: SM3 over the canonical (RFC 8785) field list. */
export function schemaHashOf(fields: readonly ResourceField[]): string {
  return contentHash(fields);
}
