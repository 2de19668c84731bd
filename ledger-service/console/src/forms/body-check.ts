import type { z } from "zod";
import { describeIssues, parseIn, type FieldIssue } from "../../../../core/validate.ts";
import type { ApiError } from "../api/hooks.ts";
import { currentLanguage } from "../i18n/i18n.ts";

/** A form field by its path in the record body (Ant Design's NamePath is the same array). */
export type FieldPath = readonly (string | number)[];

/**
 * Checks a form's values with the rulebook's own schema before anything is signed: the form's
 * field names are the record body's paths, so each issue lands on the field it concerns, in
 * the language on screen (zod's Chinese locale for its own checks, core/schema-wording-zh.ts for
 * the rulebook's own sentences).
 */
export function checkBody<S extends z.ZodType>(
  schema: S,
  values: unknown,
): { ok: true; body: z.infer<S> } | { ok: false; fields: { name: FieldPath; errors: string[] }[] } {
  const result = parseIn(schema, values, currentLanguage());
  if (result.ok) return { ok: true, body: result.data };
  const byPath = new Map<string, { name: FieldPath; errors: string[] }>();
  for (const issue of result.issues) {
    const name = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    const key = JSON.stringify(name);
    const entry = byPath.get(key) ?? { name, errors: [] };
    entry.errors.push(issue.message);
    byPath.set(key, entry);
  }
  return { ok: false, fields: [...byPath.values()] };
}

/**
 * The form field a refusal of the chain concerns, from its code and what it names: the field
 * the service names, else the field the rule judges (a price over the cap: the price).
 */
export function refusedField(err: ApiError, fieldOf: Readonly<Record<string, FieldPath>>): FieldPath | undefined {
  const named = err.details?.field;
  if (typeof named === "string" && fieldOf[named]) return fieldOf[named];
  return fieldOf[err.code];
}

/**
 * Checks a record body against the rulebook's own schema before it is signed: the issues, each
 * with its path ("scope[0].fields") in the language on screen; none when the body is well formed.
 * The chain checks again; this only spares the user a signed request that cannot pass.
 */
export function schemaIssues(schema: z.ZodType, body: unknown): FieldIssue[] {
  return describeIssues(schema, body, currentLanguage());
}

/**
 * Ant Design form errors from schema issues: each issue on the form field `fields` maps its
 * path's first segment to (a body field and the form field that edits it may differ in name).
 */
export function fieldErrors<F extends string>(issues: readonly FieldIssue[], fields: Readonly<Record<string, F>>) {
  const byField = new Map<F, string[]>();
  for (const i of issues) {
    const field = fields[/^[^.[]*/.exec(i.path)![0]];
    if (field) byField.set(field, [...(byField.get(field) ?? []), i.message]);
  }
  return [...byField].map(([name, errors]) => ({ name, errors }));
}
