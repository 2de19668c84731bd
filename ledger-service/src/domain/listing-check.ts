import { ensure } from "../../../core/errors.ts";
import type { ProductListing } from "../../../core/records/product.ts";
import type { GrantView, ProductView, ReportView } from "../../../core/views.ts";
import type { LedgerBackend } from "../chain/backend.ts";

/**
 * The listing's report rule (docs/RULEBOOK.md, product.list) checked by the service before the
 * chain, from the chain's views, with the chain's codes: a listing that names an unknown report,
 * another product's, a failing or a superseded one goes no further. The checks the rulebook puts
 * before it (product, status, grant, lineage) are left to the chain, so a record that fails one of
 * those gets the chain's code, the same as from a caller that bypasses the service.
 */
export async function checkListingReport(backend: LedgerBackend, body: ProductListing): Promise<void> {
  const product = (await backend.view({ kind: "product", id: body.productId })) as ProductView | undefined;
  if (!product || (product.status !== "registered" && product.status !== "delisted") || product.hopCount === 0) return;
  const grant = (await backend.view({ kind: "grant", id: product.grantId })) as GrantView | undefined;
  const now = await backend.now();
  if (!grant || grant.status !== "active" || !(grant.validFrom <= now && now < grant.validUntil)) return;
  const { reportHash } = body;
  const report = (await backend.view({ kind: "report", id: reportHash })) as ReportView | undefined;
  ensure(report, "REPORT_UNKNOWN", `no verification report ${reportHash} was issued`, { reportHash });
  ensure(
    report.productId === product.id,
    "REPORT_PRODUCT_MISMATCH",
    `report ${reportHash} was issued for product ${report.productId}`,
    { reportHash, productId: report.productId },
  );
  ensure(report.verdict === "pass", "REPORT_NOT_PASSED", `report ${reportHash} fails`, { reportHash });
  ensure(report.latest, "REPORT_SUPERSEDED", `a later report was issued for product ${product.id}`, {
    reportHash,
    latestReportHash: report.latestReportHash,
  });
}
