/**
 * What a refusal names, as `pdl` prints it after the code and message: the service's `detail`
 * in parentheses, then one indented line per broken field (`details.issues`, in the language
 * asked for) or per other detail (the id, field or limit), so nothing the service said is lost.
 */
export function refusalDetails(body: unknown): string {
  const error = (body as { error?: { detail?: unknown; details?: unknown } } | undefined)?.error;
  let out = typeof error?.detail === "string" ? ` (${error.detail})` : "";
  const details = error?.details;
  if (!details || typeof details !== "object") return out;
  for (const [key, value] of Object.entries(details as Record<string, unknown>)) {
    if (key === "issues" && Array.isArray(value)) {
      for (const issue of value as { path?: unknown; message?: unknown }[])
        out += `\n  ${String(issue.path) || "(record)"}: ${String(issue.message)}`;
    } else {
      out += `\n  ${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`;
    }
  }
  return out;
}
