import { Command, CommanderError, Option } from "commander";
import { LedgerApiError, OutcomePendingError } from "../sdk/ledger-client.ts";
import { deliverCommand } from "./commands/deliver-command.ts";
import { keygenCommand } from "./commands/keygen-command.ts";
import { logKeyCommand } from "./commands/log-key-command.ts";
import { requestCommands } from "./commands/request-commands.ts";
import { traceCommand } from "./commands/trace-command.ts";
import { verifyReceiptCommand } from "./commands/verify-receipt-command.ts";
import { CliError } from "./context.ts";
import { KeyFileError } from "../../../../core/keyfile.ts";
import { refusalDetails } from "./refusal.ts";

/**
 * `pdl`: the users' command line for the Public Data Ledger service. Exit codes: 0 success,
 * 1 usage or local error, 2 verification failed, 3 the service refused the request, 4 a write
 * was sent but its outcome is not known yet (poll `pdl get /v1/receipts/<recordHash>`).
 */
const program = new Command("pdl")
  .description(
    "Public Data Ledger: sign and submit records, read evidence, verify receipts, deliver and trace datasets",
  )
  .version("0.1.0")
  .addOption(new Option("--url <url>", "the ledger service").env("PDL_URL").default("http://127.0.0.1:8080"))
  .addOption(new Option("--key <file>", "your SM2 key file (from `pdl keygen`)").env("PDL_KEY"))
  .addOption(new Option("--passphrase-file <file>", "file holding the key file's passphrase (else PDL_KEY_PASSPHRASE)"))
  .addOption(new Option("--lang <lang>", "language of error messages").choices(["en", "zh"]).env("PDL_LANG"))
  .option("--json", "print results as JSON")
  .showHelpAfterError()
  .exitOverride();

keygenCommand(program);
requestCommands(program);
verifyReceiptCommand(program);
logKeyCommand(program);
deliverCommand(program);
traceCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof OutcomePendingError) {
    process.stdout.write(JSON.stringify(err.body, null, 2) + "\n");
    process.stderr.write(
      `pdl: sent, outcome not known yet: poll \`pdl get /v1/receipts/${err.recordHash}\` (200: written, 404: nothing written)\n`,
    );
    process.exit(4);
  }
  if (err instanceof LedgerApiError) {
    process.stderr.write(`pdl: the service refused: ${err.message}${refusalDetails(err.body)}\n`);
    process.exit(3);
  }
  if (err instanceof KeyFileError) {
    process.stderr.write(`pdl: ${err.message}\n`);
    process.exit(1);
  }
  if (err instanceof CliError) {
    process.stderr.write(`pdl: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  const cause = (err as { cause?: { code?: string } }).cause;
  if (err instanceof TypeError && cause?.code === "ECONNREFUSED") {
    process.stderr.write(
      `pdl: no service answers at ${program.opts<{ url: string }>().url} (start it with npm start)\n`,
    );
    process.exit(1);
  }
  process.stderr.write(`pdl: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
}
