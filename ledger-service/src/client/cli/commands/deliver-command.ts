import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { Option, type Command } from "commander";
import { errorMessage, LedgerError, localizedDetail, type Language } from "../../../../../core/errors.ts";
import { ENVIRONMENTS, type Environment, type HopInput } from "../../../../../core/records/lineage.ts";
import { LedgerApiError } from "../../sdk/ledger-client.ts";
import { deliverAndRegister } from "../../operator/delivery.ts";
import type { Format } from "../../../trace/datasets.ts";
import { validateSpec, type WatermarkSpec } from "../../../trace/watermark-spec.ts";
import { CliError, client, globals, isNetworkFailure, print, readJson } from "../context.ts";
import type { Words } from "../language.ts";

interface Options {
  out: string;
  id: string;
  product: string;
  recipient: string;
  watermark: string;
  fromHop?: string[];
  inputs?: string;
  consentRef?: string;
  crossBorder?: boolean;
  assessmentRef?: string;
  environment: Environment;
  outputGrade?: string;
  format: Format | "auto";
  outputFormat?: Format;
  progress: boolean;
}

/**
 * Errors of the local work (files, formats, a watermark spec the dataset does not fit) become CLI
 * errors (exit 1), a coded one as its code, its message in the chosen language and what it names;
 * the service's refusals go on to the CLI's handler (exit 3, with the service's explanation).
 */
export function localFailure(err: unknown): unknown {
  if (err instanceof LedgerApiError || err instanceof CliError) return err;
  if (isNetworkFailure(err)) return err;
  if (err instanceof LedgerError) {
    const say = (lang: Language) => {
      const named = localizedDetail(err.detail, err.details, lang);
      return `${err.code}: ${errorMessage(err.code, lang)}${named ? ` (${named})` : ""}`;
    };
    return new CliError({ en: say("en"), zh: say("zh") });
  }
  const words = (err as { words?: Words }).words;
  if (words) return new CliError(words);
  const message = (err as Error).message ?? String(err);
  return new CliError({ en: message, zh: `本地处理失败：${message}` });
}

/**
 * `pdl deliver`: the operator's delivery of a dataset product to a recipient (docs/TRACING.md).
 * Watermarks and fingerprints every record, writes the recipient's copy, registers the delivery
 * on the ledger and deposits its keyed fingerprints with the service for tracing.
 */
export function deliverCommand(program: Command): void {
  program
    .command("deliver")
    .description(
      "watermark and fingerprint a dataset (CSV or JSON lines) for one recipient, write the recipient's copy, register the delivery and deposit its fingerprints",
    )
    .argument("<input>", "the dataset to deliver (.csv, or .jsonl with one object per line)")
    .requiredOption("--out <file>", "where to write the recipient's watermarked copy")
    .requiredOption("--id <deliveryId>", "id of the delivery's lineage hop, e.g. D-2026-0001")
    .requiredOption("--product <productId>", "the product delivered")
    .requiredOption("--recipient <orgId>", "the recipient's unified social credit code")
    .requiredOption(
      "--watermark <file>",
      "the watermark spec (JSON: keyColumns, columns, fraction; see docs/WATERMARK.md)",
    )
    .option("--from-hop <hopId...>", "the hop(s) whose output this delivery ships")
    .option("--inputs <file>", "explicit hop inputs (JSON array of resource or artifact inputs)")
    .option("--consent-ref <ref>", "consent reference (products with personal information or trade secrets)")
    .option("--cross-border", "the data leaves the mainland")
    .option("--assessment-ref <ref>", "data-export security assessment reference (cross-border)")
    .addOption(
      new Option("--environment <env>", "where the delivery was prepared").choices([...ENVIRONMENTS]).default("plain"),
    )
    .option("--output-grade <grade>", "declared grade of the delivered data")
    .addOption(new Option("--format <format>", "input format").choices(["auto", "csv", "jsonl"]).default("auto"))
    .addOption(
      new Option("--output-format <format>", "format of the recipient's copy (default: the input's)").choices([
        "csv",
        "jsonl",
      ]),
    )
    .option("--no-progress", "no progress bars")
    .action(async (input: string, opts: Options, command: Command) => {
      await access(input, constants.R_OK).catch(() => {
        throw new CliError({ en: `cannot read ${input}`, zh: `无法读取 ${input}` });
      });
      const watermark = (await readJson(opts.watermark).catch((err: unknown) => {
        throw localFailure(err);
      })) as WatermarkSpec;
      try {
        validateSpec(watermark);
      } catch (err) {
        const words = (err as { words?: Words }).words;
        throw new CliError({
          en: `${opts.watermark}: ${(err as Error).message}`,
          zh: `${opts.watermark}：水印规则无效：${words?.zh ?? (err as Error).message}`,
        });
      }
      const inputs = opts.inputs
        ? ((await readJson(opts.inputs).catch((err: unknown) => {
            throw localFailure(err);
          })) as HopInput[])
        : [];
      if (!Array.isArray(inputs))
        throw new CliError({
          en: `${opts.inputs} must hold a JSON array of hop inputs`,
          zh: `${opts.inputs} 须为血缘环节输入的 JSON 数组`,
        });
      const outputGrade = opts.outputGrade === undefined ? undefined : Number(opts.outputGrade);
      if (outputGrade !== undefined && !Number.isInteger(outputGrade))
        throw new CliError({ en: "--output-grade is a whole number", zh: "--output-grade 须为整数" });
      const api = await client(globals(command));
      try {
        print(
          await deliverAndRegister(api, {
            input,
            output: opts.out,
            deliveryId: opts.id,
            productId: opts.product,
            recipient: opts.recipient,
            watermark,
            fromHops: opts.fromHop ?? [],
            inputs,
            environment: opts.environment,
            ...(outputGrade !== undefined ? { outputGrade } : {}),
            ...(opts.consentRef ? { consentRef: opts.consentRef } : {}),
            crossBorder: opts.crossBorder ?? false,
            ...(opts.assessmentRef ? { assessmentRef: opts.assessmentRef } : {}),
            format: opts.format,
            ...(opts.outputFormat ? { outputFormat: opts.outputFormat } : {}),
            progress: opts.progress && process.stderr.isTTY === true,
          }),
        );
      } catch (err) {
        throw localFailure(err);
      }
    });
}
