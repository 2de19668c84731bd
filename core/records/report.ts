import { z } from "zod";
import { Hash, Id } from "./common.ts";

/**
 * Report issue: the ledger service records on chain that it issued and signed the listing
 * verification report `reportHash` (SM3 of the report's canonical form, core/listing-report.ts)
 * for `productId` with `verdict`. A listing may name only the latest report issued for its
 * product, and only with verdict pass (docs/RULEBOOK.md).
 */
export const REPORT_VERDICTS = ["pass", "fail"] as const;
export const ReportVerdict = z.enum(REPORT_VERDICTS);
export type ReportVerdict = z.infer<typeof ReportVerdict>;

export const ReportIssue = z.strictObject({ reportHash: Hash, productId: Id, verdict: ReportVerdict });
export type ReportIssue = z.infer<typeof ReportIssue>;
