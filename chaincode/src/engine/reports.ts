import { ensure } from "../../../core/errors.ts";
import type { ReportVerdict } from "../../../core/records/report.ts";
import type { Ledger } from "../ledger/ledger.ts";
import { requireProduct } from "./checks.ts";
import type { Handler } from "./tx.ts";
import { K, type ProductState } from "./state.ts";

/**
 * Listing verification reports on chain: the service issues a report (report.issue, signed as
 * the agency) before the exchange may name it in a listing, so the rule holds for any caller,
 * the service's own route or not.
 */
export interface ReportState {
  productId: string;
  verdict: ReportVerdict;
  issuedAt: number;
}

/** report.issue: the report's hash, product and verdict; the product's latest report from now on. */
export const issueReport: Handler<"report.issue"> = async ({ ledger, now }, body) => {
  ensure(!(await ledger.has(K.report, body.reportHash)), "DUPLICATE_ID", `report ${body.reportHash}`, {
    id: body.reportHash,
  });
  const product = await requireProduct(ledger, body.productId);
  ledger.put(K.report, [body.reportHash], {
    productId: product.id,
    verdict: body.verdict,
    issuedAt: now,
  } satisfies ReportState);
  ledger.put(K.latestReport, [product.id], body.reportHash);
};

/** A listing names the latest report issued for the product, with verdict pass. */
export async function ensureListableReport(ledger: Ledger, product: ProductState, reportHash: string): Promise<void> {
  const report = await ledger.get<ReportState>(K.report, reportHash);
  ensure(report, "REPORT_UNKNOWN", `no verification report ${reportHash} was issued`, { reportHash });
  ensure(
    report.productId === product.id,
    "REPORT_PRODUCT_MISMATCH",
    `report ${reportHash} was issued for product ${report.productId}`,
    { reportHash, productId: report.productId },
  );
  ensure(report.verdict === "pass", "REPORT_NOT_PASSED", `report ${reportHash} fails`, { reportHash });
  const latest = await ledger.get<string>(K.latestReport, product.id);
  ensure(latest === reportHash, "REPORT_SUPERSEDED", `report ${latest} was issued after ${reportHash}`, {
    reportHash,
    latestReportHash: latest,
  });
}

export async function reportView(ledger: Ledger, reportHash: string) {
  const report = await ledger.get<ReportState>(K.report, reportHash);
  if (!report) return undefined;
  const latest = await ledger.get<string>(K.latestReport, report.productId);
  return {
    kind: "report" as const,
    id: reportHash,
    ...report,
    latest: latest === reportHash,
    latestReportHash: latest ?? "",
  };
}
