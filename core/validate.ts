import { z } from "zod";
import { LedgerError, type Language } from "./errors.ts";
import { schemaSentenceInChinese } from "./schema-wording-zh.ts";

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

/**
 * `value` parsed with `schema`, or its issues with each message in `lang`: zod's own in its zh-CN
 * locale, the rulebook schemas' own sentences from core/schema-wording-zh.ts.
 */
export function parseIn<S extends z.ZodType>(
  schema: S,
  value: unknown,
  lang: Language,
): { ok: true; data: z.infer<S> } | { ok: false; issues: { path: readonly PropertyKey[]; message: string }[] } {
  const result = lang === "zh" ? schema.safeParse(value, { error: zhLocale.localeError }) : schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({
      path: issue.path,
      message: lang === "zh" ? schemaSentenceInChinese(issue.message) : issue.message,
    })),
  };
}

export function describeIssues(
  schema: z.ZodType,
  value: unknown,
  lang: Language = "en",
  prefix?: string,
): FieldIssue[] {
  const result = parseIn(schema, value, lang);
  if (result.ok) return [];
  return result.issues.map((issue) => {
    const path = formatPath(issue.path);
    return { path: prefix ? (path ? `${prefix}.${path}` : prefix) : path, message: issue.message };
  });
}

/** A lone UTF-16 surrogate: with the `u` flag a well-formed pair is one code point, not Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The path of the first string (value or property name) in `value` that is not well-formed
 * Unicode, if any. JSON text may escape a lone surrogate ("\ud800"); such a string has no UTF-8
 * form, so it cannot be signed, hashed or stored as the same bytes on every chain.
 */
export function illFormedPath(value: unknown): string | undefined {
  // Iterative, each node pointing at its parent: a request body may nest deeper than the call
  // stack goes, and copying paths would cost the square of the depth.
  interface Node {
    readonly value: unknown;
    readonly key?: PropertyKey;
    readonly parent?: Node;
  }
  const pathOf = (node: Node | undefined, last?: PropertyKey): string => {
    const parts: PropertyKey[] = last === undefined ? [] : [last];
    for (let n = node; n && n.key !== undefined; n = n.parent) parts.push(n.key);
    // A refusal names the field, not a path as long as the body.
    const shown = formatPath(parts.slice(0, 16).reverse());
    return parts.length > 16 ? `…${shown}` : shown || "(value)";
  };
  const stack: Node[] = [{ value }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const item = node.value;
    if (typeof item === "string") {
      if (LONE_SURROGATE.test(item)) return pathOf(node);
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push({ value: item[i], key: i, parent: node });
    } else if (item !== null && typeof item === "object") {
      const entries = Object.entries(item);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        if (LONE_SURROGATE.test(key)) return pathOf(node, key.replace(/\p{Cs}/gu, "\uFFFD"));
        stack.push({ value: child, key, parent: node });
      }
    }
  }
  return undefined;
}

/** Parses `value` or throws INVALID_RECORD listing every invalid field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const broken = illFormedPath(value);
  if (broken !== undefined) {
    const issues: FieldIssue[] = [{ path: broken, message: "must be well-formed Unicode (it holds a lone surrogate)" }];
    const issuesZh: FieldIssue[] = [{ path: broken, message: "须为合法的 Unicode 文本（含有孤立的代理码元）" }];
    throw new LedgerError("INVALID_RECORD", `${what}: ${broken}: ${issues[0]!.message}`, { issues, issuesZh });
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
  }));
  const summary = issues.map((i) => `${i.path || what}: ${i.message}`).join("; ");
  // The Chinese wording of the same issues (zod's zh-CN locale), for a caller asking in Chinese.
  const issuesZh = describeIssues(schema, value, "zh");
  throw new LedgerError("INVALID_RECORD", `${what}: ${summary}`, { issues, issuesZh });
}
