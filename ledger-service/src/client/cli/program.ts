import { Command, Option } from "commander";
import pkg from "../../../../package.json" with { type: "json" };
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
import type { Language } from "../../../../core/errors.ts";
import { usageError } from "./language.ts";
import { helpIn } from "./help-texts.ts";

/**
 * `pdl`: the users' command line for the Public Data Ledger service. Exit codes: 0 success,
 * 1 usage or local error, 2 verification failed, 3 the service refused the request, 4 a write
 * was sent but its outcome is not known yet, or `pdl receipt --wait` timed out before the state.
 */
export function pdlProgram(lang: Language): Command {
  const program = new Command("pdl")
    .description(
      "Public Data Ledger: sign and submit records, read evidence, verify receipts, deliver and trace datasets",
    )
    .version(pkg.version)
    .addOption(new Option("--url <url>", "the ledger service").env("PDL_URL").default("http://127.0.0.1:8080"))
    .addOption(new Option("--key <file>", "your SM2 key file (from `pdl keygen`)").env("PDL_KEY"))
    .addOption(
      new Option("--passphrase-file <file>", "file holding the key file's passphrase (else PDL_KEY_PASSPHRASE)"),
    )
    .addOption(new Option("--lang <lang>", "language of pdl's messages and help").choices(["en", "zh"]).env("PDL_LANG"))
    .option("--json", "print results as JSON")
    .configureHelp(helpIn(lang))
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
  return program;
}
