import { Command, CommanderError, Option } from "commander";
import pkg from "../../../../package.json" with { type: "json" };
import { LedgerApiError, OutcomePendingError } from "../sdk/ledger-client.ts";
import { completionCommand } from "./commands/completion-command.ts";
import { anchorCommand } from "./commands/anchor-command.ts";
import { deliverCommand } from "./commands/deliver-command.ts";
import { keygenCommand } from "./commands/keygen-command.ts";
import { logKeyCommand } from "./commands/log-key-command.ts";
import { templateCommand } from "./commands/template-command.ts";
import { receiptCommand } from "./commands/receipt-command.ts";
import { reportCommand } from "./commands/report-command.ts";
import { requestCommands } from "./commands/request-commands.ts";
import { traceCommand } from "./commands/trace-command.ts";
import { verifyReceiptCommand } from "./commands/verify-receipt-command.ts";
import { KeyFileError } from "../../../../core/keyfile.ts";
import { refusalDetails } from "./refusal.ts";
import { cliLanguage, usageError, type Words } from "./language.ts";
import { CliError, isNetworkFailure } from "./context.ts";

/** pdl's own messages (usage errors, local failures) follow --lang, PDL_LANG or the locale. */
const lang = cliLanguage(process.argv.slice(2), process.env);

/**
 * `pdl`: the users' command line for the Public Data Ledger service. Exit codes: 0 success,
 * 1 usage or local error, 2 verification failed, 3 the service refused the request, 4 a write
 * was sent but its outcome is not known yet, or `pdl receipt --wait` timed out before the state.
 */
const program = new Command("pdl")
  .description(
    "Public Data Ledger: sign and submit records, read evidence, verify receipts, deliver and trace datasets",
  )
  .version(pkg.version)
  .addOption(new Option("--url <url>", "the ledger service").env("PDL_URL").default("http://127.0.0.1:8080"))
  .addOption(new Option("--key <file>", "your SM2 key file (from `pdl keygen`)").env("PDL_KEY"))
  .addOption(new Option("--passphrase-file <file>", "file holding the key file's passphrase (else PDL_KEY_PASSPHRASE)"))
  .addOption(new Option("--lang <lang>", "language of error messages").choices(["en", "zh"]).env("PDL_LANG"))
  .option("--json", "print results as JSON")
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(usageError(text, lang)) })
  .exitOverride();

keygenCommand(program);
requestCommands(program);
templateCommand(program);
receiptCommand(program);
completionCommand(program);
reportCommand(program);
verifyReceiptCommand(program);
logKeyCommand(program);
deliverCommand(program);
traceCommand(program);
anchorCommand(program);

/**
 * A failure as one JSON object on standard error (--json), or as a line for people, in the
 * run's language; the JSON's `message` is in that language too.
 */
function fail(exitCode: number, error: Record<string, unknown>, line: Words): never {
  if (program.opts<{ json?: boolean }>().json) process.stderr.write(JSON.stringify({ error, exitCode }) + "\n");
  else process.stderr.write(line[lang]);
  process.exit(exitCode);
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof OutcomePendingError) {
    process.stdout.write(JSON.stringify(err.body, null, 2) + "\n");
    fail(
      4,
      { code: err.code, message: err.message, recordHash: err.recordHash },
      {
        en: `pdl: sent, outcome not known yet: poll \`pdl receipt ${err.recordHash} --wait\` (or pdl get /v1/receipts/${err.recordHash}: 200 written, 404 nothing written)\n`,
        zh: `pdl：已发送，结果尚未知晓：请用 \`pdl receipt ${err.recordHash} --wait\` 查询（或 pdl get /v1/receipts/${err.recordHash}：200 表示已写入，404 表示未写入）\n`,
      },
    );
  }
  if (err instanceof LedgerApiError) {
    const body = (err.body as { error?: Record<string, unknown> } | undefined)?.error;
    fail(
      3,
      { status: err.status, ...(body ?? { code: err.code, message: err.message }) },
      {
        en: `pdl: the service refused: ${err.message}${refusalDetails(err.body, "en")}\n`,
        zh: `pdl：服务拒绝了请求：${err.message}${refusalDetails(err.body, "zh")}\n`,
      },
    );
  }
  if (err instanceof KeyFileError) {
    fail(
      1,
      { code: "KEY_FILE", message: err.words[lang] },
      { en: `pdl: ${err.words.en}\n`, zh: `pdl：${err.words.zh}\n` },
    );
  }
  if (err instanceof CliError)
    fail(
      err.exitCode,
      { code: "CLI", message: err.words[lang] },
      { en: `pdl: ${err.words.en}\n`, zh: `pdl：${err.words.zh}\n` },
    );
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (isNetworkFailure(err)) {
    const url = program.opts<{ url: string }>().url;
    if (cause?.code === "ECONNREFUSED")
      fail(
        1,
        { code: "UNREACHABLE", message: lang === "zh" ? `${url} 没有服务应答` : `no service answers at ${url}`, url },
        {
          en: `pdl: no service answers at ${url} (start it with npm start)\n`,
          zh: `pdl：${url} 没有服务应答（可用 npm start 启动服务）\n`,
        },
      );
    // A name that does not resolve, a reset connection, a port fetch will not use: why, in one line.
    const why = cause?.code ?? cause?.message ?? "fetch failed";
    fail(
      1,
      {
        code: "UNREACHABLE",
        message: lang === "zh" ? `无法连接 ${url}（${why}）` : `cannot reach ${url} (${why})`,
        url,
      },
      { en: `pdl: cannot reach ${url} (${why})\n`, zh: `pdl：无法连接 ${url}（${why}）\n` },
    );
  }
  fail(
    1,
    { code: "INTERNAL", message: (err as Error).message ?? String(err) },
    {
      en: `pdl: ${(err as Error).stack ?? String(err)}\n`,
      zh: `pdl：内部错误：${(err as Error).stack ?? String(err)}\n`,
    },
  );
}
