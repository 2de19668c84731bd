import type { Command } from "commander";
import { client, globals, print } from "../context.ts";

/** The listing verification report: the one issued last, or a new one issued now (--issue). */
export function reportCommand(program: Command): void {
  program
    .command("report")
    .description(
      "print the listing verification report issued last for <productId>; with --issue, have the service issue one now (the exchange, the agency): a listing names its reportHash",
    )
    .argument("<productId>")
    .option("--issue", "issue the report now (built at the chain's time, its hash recorded on chain)")
    .option("--summary", "print only the reportHash, the verdict and the failing checks")
    .action(async (productId: string, opts: { issue?: boolean; summary?: boolean }, command: Command) => {
      const api = await client(globals(command));
      const issued = opts.issue ? await api.issueListingReport(productId) : await api.listingReport(productId);
      print(
        opts.summary
          ? {
              productId,
              reportHash: issued.reportHash,
              verdict: issued.report.verdict,
              at: issued.report.atCst,
              failing: issued.report.checks.filter((c) => c.result === "fail").map((c) => `${c.id}: ${c.detail}`),
              issuedIn: issued.issued.tx,
            }
          : issued,
      );
    });
}
