import { writeFile } from "node:fs/promises";
import { Option, type Command } from "commander";
import type { LineageHop } from "../../../../../core/records/lineage.ts";
import { verifyInclusion } from "../../../log/rfc9162.ts";
import type { TraceReport } from "../../../../../core/trace-report.ts";
import type { Format } from "../../../trace/datasets.ts";
import { traceFile, type TraceFileResult } from "../../supervisor/leak-trace.ts";
import { CliError, client, globals, print } from "../context.ts";
import type { Words } from "../language.ts";
import { localFailure } from "./deliver-command.ts";

interface Options {
  at?: string;
  alpha?: string;
  product?: string;
  maxProofs?: string;
  maxBytes?: string;
  format: Format | "auto";
  out?: string;
  summary?: boolean;
}

function wholeNumber(value: string | undefined, name: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min)
    throw new CliError({ en: `${name} is a whole number ≥ ${min}`, zh: `${name} 须为不小于 ${min} 的整数` });
  return n;
}

/**
 * Checks, here and without any key, every inclusion proof of the answer against the fingerprint
 * root in the delivery's signed hop (RFC 9162, SM3). The service has already recomputed each
 * leaf from the leaked record under the delivery's fingerprint key (`proofsVerified`); this
 * checks that those leaves are in the tree the chain committed to. Returns the failures.
 */
export function checkProofs(report: TraceReport): Words[] {
  const failures: Words[] = [];
  const hex = (s: string) => Buffer.from(s, "hex");
  for (const d of report.deliveries) {
    if (!d.exact) continue;
    const onChain = (d.delivery.hop as LineageHop).delivery?.fingerprintRoot;
    if (!onChain || onChain !== d.exact.fingerprintRoot)
      failures.push({
        en: `${d.deliveryId}: the proofs' root is not the root registered on chain`,
        zh: `${d.deliveryId}：证明的根与链上登记的根不一致`,
      });
    if (!d.exact.proofsVerified)
      failures.push({
        en: `${d.deliveryId}: the service could not verify its proofs`,
        zh: `${d.deliveryId}：服务未能验证其证明`,
      });
    for (const p of d.exact.proofs) {
      if (!onChain || !verifyInclusion(p.index, d.exact.treeSize, hex(p.leafHash), p.proof.map(hex), hex(onChain)))
        failures.push({
          en: `${d.deliveryId}: the proof of leaked record ${p.leakedIndex} (leaf ${p.index}) does not verify`,
          zh: `${d.deliveryId}：泄露记录 ${p.leakedIndex}（叶子 ${p.index}）的证明验证失败`,
        });
    }
  }
  return failures;
}

/** A few lines for a person: the verdict, each delivery, the grant and destruction findings. */
export function summarise(result: TraceFileResult): string {
  const { report } = result;
  const lines = [
    `records traced: ${result.sent}${result.sent < result.total ? ` of ${result.total} (the rest exceed the request budget)` : ""}; found in no delivery as delivered: ${report.unmatchedRecords}`,
    `verdict: ${report.verdict}${report.attributedTo.length > 0 ? ` → ${report.attributedTo.join(", ")}` : ""} (false attribution ≤ ${report.alpha} over ${report.comparisons} deliveries tested)`,
  ];
  for (const d of report.deliveries) {
    lines.push(
      `delivery ${d.deliveryId}: ${d.recipient.name || "?"} (${d.recipient.orgId}) from ${d.deliveredBy.name || "?"} (${d.deliveredBy.orgId}), product ${d.product.id}, grant ${d.grant.id}`,
    );
    for (const e of d.evidence)
      lines.push(
        e.kind === "watermark"
          ? `  evidence watermark: ${e.matched}/${e.total} cells match (p = ${e.pValue.toExponential(2)} ≤ ${e.level.toExponential(2)}, threshold ${e.threshold})`
          : `  evidence marked-exact-match: ${e.marked} of ${e.records} records as delivered and changed by the mark (p ≤ ${e.pValue.toExponential(2)} ≤ ${e.level.toExponential(2)}, threshold ${e.threshold})`,
      );
    if (d.watermark && !d.watermark.detected)
      lines.push(
        `  watermark: ${d.watermark.matched}/${d.watermark.total} cells (score ${d.watermark.score.toFixed(3)}, p = ${d.watermark.pValue.toExponential(2)}, threshold ${d.watermark.threshold}) not detected`,
      );
    if (d.exact)
      lines.push(
        `  exact: ${d.exact.matchedRecords} records (${d.exact.uniqueRecords} in no other delivery, ${d.exact.markedRecords} changed by its mark), inclusion proofs ${d.exact.proofsVerified ? "verified" : "NOT verified"} against root ${d.exact.fingerprintRoot}`,
      );
    lines.push(
      `  grant at delivery: ${d.grant.statusAtDelivery}${d.grant.inTermAtDelivery ? "" : ", out of term"} → ${d.grant.activeAtDelivery ? "active" : "NOT active"}; now ${d.grant.statusNow}`,
    );
    lines.push(
      `  lineage: ${d.lineage.hops.map((h) => `${h.id} (${h.operation})`).join(" → ")}; resources ${d.lineage.resources.map((r) => r.id).join(", ") || "none"}`,
    );
    const covering = d.destruction.certificates.filter((c) => c.covers).map((c) => c.id);
    lines.push(
      `  destruction: ${d.destruction.violation ? `VIOLATION: certificate ${covering.join(", ")} covered the data before the leak` : covering.length > 0 ? `certificate ${covering.join(", ")} covers the data, filed after the leak` : "no certificate covers the data"}${d.destruction.overdueAtLeak ? "; destruction overdue at the leak" : ""}`,
    );
  }
  for (const u of report.unattributed ?? [])
    lines.push(
      `not attributed: ${u.matchedRecords} records as delivered in ${u.deliveryId} (${u.markedRecords} changed by its mark): below the false-attribution bound`,
    );
  return lines.join("\n") + "\n";
}

/**
 * `pdl trace`: the supervisor's trace of a leaked file (docs/TRACING.md). Exit code 0 when the
 * trace ran (whatever its verdict: see `verdict` in the output), 2 when an inclusion proof the
 * service returned did not verify, 3 when the service refused, 1 on a local error.
 */
export function traceCommand(program: Command): void {
  program
    .command("trace")
    .description(
      "trace a leaked file (CSV or JSON lines) to the deliveries it came from: watermark and fingerprint evidence, recipient, lineage, grant and destruction status, receipts (agency, supervisors)",
    )
    .argument("<file>", "the leaked records")
    .addOption(new Option("--format <format>", "format of the file").choices(["auto", "csv", "jsonl"]).default("auto"))
    .option("--at <seconds>", "when the leak was found, Unix seconds (default: now)")
    .option("--alpha <p>", "bound on the probability of any false watermark attribution (default 1e-9)")
    .option("--product <productId>", "test only the deliveries of this product for the watermark")
    .option("--max-proofs <n>", "inclusion proofs returned per delivery (default 20)")
    .option(
      "--max-bytes <n>",
      "budget for the records sent, bytes (default 240 KiB; keep under the service's body limit)",
    )
    .option("--out <file>", "also write the full JSON answer to this file")
    .option("--summary", "print a summary for people instead of the JSON answer (not with --json)")
    .action(async (file: string, opts: Options, command: Command) => {
      const at = wholeNumber(opts.at, "--at");
      const maxProofsPerDelivery = wholeNumber(opts.maxProofs, "--max-proofs");
      const maxBytes = wholeNumber(opts.maxBytes, "--max-bytes", 1);
      const alpha = opts.alpha === undefined ? undefined : Number(opts.alpha);
      if (alpha !== undefined && !(alpha > 0 && alpha <= 0.01))
        throw new CliError({ en: "--alpha is a probability in (0, 0.01]", zh: "--alpha 须为 (0, 0.01] 内的概率" });
      const api = await client(globals(command));
      let result: TraceFileResult;
      try {
        result = await traceFile(api, file, {
          format: opts.format,
          ...(at !== undefined ? { at } : {}),
          ...(alpha !== undefined ? { alpha } : {}),
          ...(opts.product ? { productId: opts.product } : {}),
          ...(maxProofsPerDelivery !== undefined ? { maxProofsPerDelivery } : {}),
          ...(maxBytes !== undefined ? { maxBytes } : {}),
        });
      } catch (err) {
        throw localFailure(err);
      }
      const answer = { file, total: result.total, sent: result.sent, ...result.report };
      if (opts.out) await writeFile(opts.out, JSON.stringify(answer, null, 2) + "\n");
      if (opts.summary && !globals(command).json) process.stdout.write(summarise(result));
      else print(answer);
      const failures = checkProofs(result.report);
      if (failures.length > 0) {
        const lang = globals(command).lang ?? "en";
        process.stderr.write(failures.map((f) => `pdl${lang === "zh" ? "：" : ": "}${f[lang]}\n`).join(""));
        process.exitCode = 2;
      }
    });
}
