import { z } from "zod";
import { LedgerError, type Language } from "./errors.ts";

/**
 * Schema validation with readable messages: every invalid field is reported with its path
 * ("body.scope[0].fields") and a sentence, in English or Chinese.
 */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

const zhLocale = z.locales.zhCN();

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

export function describeIssues(
  schema: z.ZodType,
  value: unknown,
  lang: Language = "en",
  prefix?: string,
): FieldIssue[] {
  const result = lang === "zh" ? schema.safeParse(value, { error: zhLocale.localeError }) : schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const path = formatPath(issue.path);
    return { path: prefix ? (path ? `${prefix}.${path}` : prefix) : path, message: issue.message };
  });
}

/** Parses `value` or throws INVALID_RECORD listing every invalid field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
  }));
  const summary = issues.map((i) => `${i.path || what}: ${i.message}`).join("; ");
  throw new LedgerError("INVALID_RECORD", `${what}: ${summary}`, { issues });
}
