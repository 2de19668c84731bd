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
import { CliError } from "./context.ts";
import { KeyFileError } from "../../../../core/keyfile.ts";
import { refusalDetails } from "./refusal.ts";

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

/** A failure as one JSON object on standard error (--json), or as a line for people. */
function fail(exitCode: number, error: Record<string, unknown>, line: string): never {
  if (program.opts<{ json?: boolean }>().json) process.stderr.write(JSON.stringify({ error, exitCode }) + "\n");
  else process.stderr.write(line);
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
      `pdl: sent, outcome not known yet: poll \`pdl receipt ${err.recordHash} --wait\` (or pdl get /v1/receipts/${err.recordHash}: 200 written, 404 nothing written)\n`,
    );
  }
  if (err instanceof LedgerApiError) {
    const body = (err.body as { error?: Record<string, unknown> } | undefined)?.error;
    fail(
      3,
      { status: err.status, ...(body ?? { code: err.code, message: err.message }) },
      `pdl: the service refused: ${err.message}${refusalDetails(err.body)}
`,
    );
  }
  if (err instanceof KeyFileError) {
    fail(
      1,
      { code: "KEY_FILE", message: err.message },
      `pdl: ${err.message}
`,
    );
  }
  if (err instanceof CliError) fail(err.exitCode, { code: "CLI", message: err.message }, `pdl: ${err.message}\n`);
  const cause = (err as { cause?: { code?: string } }).cause;
  if (err instanceof TypeError && cause?.code === "ECONNREFUSED") {
    const url = program.opts<{ url: string }>().url;
    fail(
      1,
      { code: "UNREACHABLE", message: `no service answers at ${url}`, url },
      `pdl: no service answers at ${url} (start it with npm start)\n`,
    );
  }
  fail(
    1,
    { code: "INTERNAL", message: (err as Error).message ?? String(err) },
    `pdl: ${(err as Error).stack ?? String(err)}\n`,
  );
}
