import { DETAIL_NAMES, type Language } from "../../../../core/errors.ts";

/**
 * What a refusal names, as `pdl` prints it after the code and message: the service's `detail`
 * in parentheses, then one indented line per broken field (`details.issues`, in the language
 * asked for) or per other detail (the id, field or limit), so nothing the service said is lost.
 * In Chinese each detail is named in Chinese words (数据资源, 字段), as the service names them.
 */
export function refusalDetails(body: unknown, lang: Language = "en"): string {
  const error = (body as { error?: { detail?: unknown; details?: unknown } } | undefined)?.error;
  let out = typeof error?.detail === "string" ? ` (${error.detail})` : "";
  const details = error?.details;
  if (!details || typeof details !== "object") return out;
  const entries = details as Record<string, unknown>;
  const colon = lang === "zh" ? "：" : ": ";
  for (const [key, value] of Object.entries(entries)) {
    if (key === "issuesZh") continue;
    if (key === "issues" && Array.isArray(value)) {
      const issues = lang === "zh" && Array.isArray(entries.issuesZh) ? entries.issuesZh : value;
      for (const issue of issues as { path?: unknown; message?: unknown }[])
        out += `\n  ${String(issue.path) || (lang === "zh" ? "（记录）" : "(record)")}${colon}${String(issue.message)}`;
    } else {
      const label = Object.hasOwn(DETAIL_NAMES, key) ? DETAIL_NAMES[key as keyof typeof DETAIL_NAMES][lang] : key;
      out += `\n  ${label}${colon}${typeof value === "string" ? value : JSON.stringify(value)}`;
    }
  }
  return out;
}
