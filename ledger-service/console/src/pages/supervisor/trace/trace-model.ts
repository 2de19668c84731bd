/**
 * What the trace page computes around POST /v1/trace (its request and answer are
 * core/trace-report.ts): the part of a large file that fits the service's body limit, and how a
 * p-value reads.
 */

/**
 * The service's request body is limited (256 KiB by default); like `pdl trace`, the page sends the
 * first whole lines of a larger file that fit 240 KiB inside the JSON string (enough for the
 * watermark, which needs at least 50 records), and says so.
 */
export const TRACE_BUDGET_BYTES = 240 * 1024;

export function fitToBudget(text: string, budget = TRACE_BUDGET_BYTES): { text: string; lines: number; sent: number } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(/(?<=\n)/);
  const encoder = new TextEncoder();
  let used = 0;
  let sent = 0;
  for (const line of lines) {
    const cost = encoder.encode(JSON.stringify(line)).length - 2;
    if (used + cost > budget) break;
    used += cost;
    sent++;
  }
  const nonBlank = lines.filter((l) => l.trim() !== "").length;
  return {
    text: lines.slice(0, sent).join(""),
    lines: nonBlank,
    sent: lines.slice(0, sent).filter((l) => l.trim() !== "").length,
  };
}

/** A p-value as people read it: 2 significant digits, in scientific notation when small. */
export function pValue(p: number): string {
  return p === 0 ? "0" : p < 0.001 ? p.toExponential(1) : p.toPrecision(2);
}
