import type { z } from "zod";
import { LedgerError } from "../../../../core/errors.ts";
import { describeIssues } from "../../../../core/validate.ts";

/**
 * A request's JSON body read with its schema, or MALFORMED_REQUEST naming the first broken field
 * and every issue, in English and in Chinese (`issuesZh`: the error handler answers a caller
 * asking in Chinese with those).
 */
export function parseRequestBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = describeIssues(schema, body);
  throw new LedgerError("MALFORMED_REQUEST", issues.map((i) => `${i.path || "body"}: ${i.message}`).join("; "), {
    field: issues[0]?.path || "body",
    issues,
    issuesZh: describeIssues(schema, body, "zh"),
  });
}
