import type { LedgerClient } from "../sdk/ledger-client.ts";
import type { TraceReport, TraceRequest } from "../../../../core/trace-report.ts";
import { TRACE_PATHS } from "../../trace/api.ts";
import { jsonLine, readAllRecords, type Format } from "../../trace/datasets.ts";

/**
 * The supervisor's side of a trace (`pdl trace <file>`): reads the leaked file (CSV or JSON
 * lines), sends its records as JSON lines in one signed request, and returns the service's
 * answer. The request body is limited (256 KiB by default, LEDGER_BODY_LIMIT_BYTES): a larger
 * file is cut to the first records that fit, which is enough for the watermark (≥ 50 records)
 * and for the exact matches of those records, and the result says how many were sent.
 */
export interface TraceFileOptions {
  readonly format?: Format | "auto";
  /** When the leak was found, Unix seconds (default: now, on the service). */
  readonly at?: number;
  readonly alpha?: number;
  readonly productId?: string;
  readonly maxProofsPerDelivery?: number;
  /** Budget for the records text in the request body, bytes (default 240 KiB). */
  readonly maxBytes?: number;
}

export const DEFAULT_TRACE_BYTES = 240 * 1024;

export interface TraceFileResult {
  readonly report: TraceReport;
  /** Records in the file, and records sent (fewer when the file exceeds the budget). */
  readonly total: number;
  readonly sent: number;
}

export async function traceFile(
  api: LedgerClient,
  file: string,
  options: TraceFileOptions = {},
): Promise<TraceFileResult> {
  const rows = await readAllRecords(file, { format: options.format ?? "auto" });
  const budget = options.maxBytes ?? DEFAULT_TRACE_BYTES;
  let text = "";
  let used = 0;
  let sent = 0;
  for (const row of rows) {
    const line = jsonLine(row);
    // What the line costs inside the JSON string of the request body.
    const cost = Buffer.byteLength(JSON.stringify(line), "utf8") - 2;
    if (used + cost > budget) break;
    text += line;
    used += cost;
    sent++;
  }
  if (sent === 0) {
    // The words in both languages: pdl says them in the user's.
    const words =
      rows.length === 0
        ? { en: `${file} holds no record`, zh: `${file} 不含任何记录` }
        : {
            en: `the first record of ${file} alone exceeds the ${budget}-byte budget`,
            zh: `${file} 的第一条记录单独就超过了 ${budget} 字节的请求上限`,
          };
    throw Object.assign(new RangeError(words.en), { words });
  }
  const body: TraceRequest = {
    records: text,
    format: "jsonl",
    ...(options.at !== undefined ? { at: options.at } : {}),
    ...(options.alpha !== undefined ? { alpha: options.alpha } : {}),
    ...(options.productId !== undefined ? { productId: options.productId } : {}),
    ...(options.maxProofsPerDelivery !== undefined ? { maxProofsPerDelivery: options.maxProofsPerDelivery } : {}),
  };
  const report = await api.request<TraceReport>("POST", TRACE_PATHS.trace, body);
  return { report, total: rows.length, sent };
}
