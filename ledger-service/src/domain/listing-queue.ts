import type { ListingQueueItem } from "../../../core/listing-report.ts";
import type { Product } from "../../../core/records/product.ts";
import type { GrantView, ProductView } from "../../../core/views.ts";
import { listingReport, type ReportDeps } from "./verification-report.ts";

/**
 * One entry of the exchange's listing queue: a product registered and not listed, with the
 * verdict its listing verification report has now and the checks that fail, so the listing
 * officer opens the reports that pass first. Undefined for a product listed or delisted.
 */
export async function queueItem(d: ReportDeps, productId: string, at: number): Promise<ListingQueueItem | undefined> {
  const view = (await d.backend.view({ kind: "product", id: productId })) as ProductView | undefined;
  if (!view || view.status !== "registered") return undefined;
  const first = (await d.store.historyOf("product", productId))[0];
  if (!first) return undefined;
  const body = first.signed.record.body as Product;
  const grant = (await d.backend.view({ kind: "grant", id: view.grantId })) as GrantView | undefined;
  const report = await listingReport(d, productId, at);
  return {
    productId,
    name: body.name,
    domain: body.domain,
    operator: view.operator,
    operatorName: (await d.store.actor(view.operator))?.name ?? view.operator,
    grantId: view.grantId,
    grantStatus: grant?.status ?? null,
    registeredAt: first.blockTime,
    report: {
      at: report.at,
      verdict: report.verdict,
      failing: report.checks.filter((c) => c.result === "fail").map((c) => c.id),
    },
  };
}
