import { writeFile } from "node:fs/promises";
import { Option, type Command } from "commander";
import { createSpinner } from "nanospinner";
import { CliError, client, globals, print } from "../context.ts";

interface Options {
  wait?: boolean;
  until: "checkpointed" | "anchored";
  timeout: string;
  out?: string;
}

/** What each state means to someone waiting, for the spinner. */
const WAITING: Record<string, string> = {
  submitted: "the write's outcome is not known yet",
  pending: "in the log, waiting for a signed checkpoint",
  checkpointed: "checkpointed, waiting for the anchor on chain",
  anchored: "anchored",
};

/**
 * `pdl receipt <recordHash>`: a record's receipt now, or with --wait once it is anchored (or
 * checkpointed), showing a spinner on a terminal. Exit 4 when the time is up first; the last
 * receipt is printed anyway.
 */
export function receiptCommand(program: Command): void {
  program
    .command("receipt")
    .description("fetch a record's receipt; --wait polls until it is anchored (exit 4 on timeout)")
    .argument("<recordHash>", "the record's hash (64 hex), as `pdl submit` prints it")
    .option("--wait", "poll until the receipt reaches --until")
    .addOption(
      new Option("--until <state>", "the state to wait for").choices(["checkpointed", "anchored"]).default("anchored"),
    )
    .option("--timeout <seconds>", "how long --wait polls", "300")
    .option("--out <file>", "also write the receipt to a file (for `pdl verify-receipt`)")
    .action(async (recordHash: string, opts: Options, command: Command) => {
      if (!/^[0-9a-f]{64}$/.test(recordHash))
        throw new CliError({
          en: "a record hash is 64 lowercase hex characters",
          zh: "记录哈希为 64 位小写十六进制字符",
        });
      const timeout = Number(opts.timeout);
      if (!Number.isFinite(timeout) || timeout <= 0)
        throw new CliError({ en: "--timeout is a positive number of seconds", zh: "--timeout 须为正的秒数" });
      const api = await client(globals(command));
      let reached = true;
      let receipt: unknown;
      if (!opts.wait) receipt = await api.get(`/v1/receipts/${recordHash}`);
      else {
        // A terminal of no width (a pseudo-terminal nobody sized) would make the spinner redraw without end.
        const spinner =
          process.stderr.isTTY && process.stderr.columns > 0
            ? createSpinner("asking the service", { stream: process.stderr }).start()
            : undefined;
        let shown = "";
        try {
          ({ reached, receipt } = await api.waitForReceipt(recordHash, {
            until: opts.until,
            timeoutMs: timeout * 1000,
            onPoll: (state) => {
              // One line per change of state where the spinner cannot redraw (standard output redirected).
              if (state !== shown) spinner?.update({ text: WAITING[state] ?? state });
              shown = state;
            },
          }));
        } catch (err) {
          spinner?.error({ text: "refused" });
          throw err;
        }
        const state = (receipt as { state?: string }).state ?? "unknown";
        if (reached) spinner?.success({ text: WAITING[state] ?? state });
        else spinner?.warn({ text: `not ${opts.until} after ${timeout} s (${state})` });
      }
      if (opts.out) await writeFile(opts.out, JSON.stringify(receipt, null, 2) + "\n");
      print(receipt);
      if (!reached) {
        process.stderr.write(
          globals(command).lang === "zh"
            ? `pdl：${timeout} 秒后回执仍未达到 ${opts.until}；可再用 \`pdl receipt ${recordHash} --wait\` 查询\n`
            : `pdl: the receipt is not ${opts.until} after ${timeout} s; ask again with \`pdl receipt ${recordHash} --wait\`\n`,
        );
        process.exitCode = 4;
      }
    });
}
