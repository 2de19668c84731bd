import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";

/**
 * The exchange's pre-listing verification: it has the service issue the product's signed
 * listing verification report (POST /v1/products/:productId/verification-report, which records
 * the report's hash on chain), whose SM3 `reportHash` the listing record then names. Its
 * evidence check wants every record under an anchored checkpoint, so the exchange asks once the
 * log has anchored the product's lineage.
 */
export interface Verification {
  readonly verdict: "pass" | "fail";
  readonly reportHash: string;
  /** "8 pass, 1 not judged" */
  readonly tally: string;
  readonly failures: readonly string[];
}

export async function verifyForListing(exchange: LedgerClient, productId: string): Promise<Verification> {
  const signed = await exchange.issueListingReport(productId);
  const { checks, verdict } = signed.report;
  const count = (result: string) => checks.filter((c) => c.result === result).length;
  const tally = [
    `${count("pass")} pass`,
    count("fail") > 0 ? `${count("fail")} fail` : "",
    count("not-judged") > 0 ? `${count("not-judged")} not judged` : "",
  ]
    .filter(Boolean)
    .join(", ");
  return {
    verdict,
    reportHash: signed.reportHash,
    tally,
    failures: checks.filter((c) => c.result === "fail").map((c) => `${c.id}: ${c.detail}`),
  };
}
