import type { z } from "zod";
import { describeIssues, type FieldIssue } from "../../../../../core/validate.ts";
import { currentLanguage } from "../../i18n/i18n.ts";

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
