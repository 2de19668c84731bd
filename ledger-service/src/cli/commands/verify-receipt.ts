import type { Command } from "commander";
import { evmAnchorConfirmer } from "../../chain/evm/confirm-anchor.ts";
import { verifyReceipt } from "../../log/receipt.ts";
import { LedgerClient } from "../../sdk/client.ts";
import { CliError, globals, print, readJson } from "../context.ts";

interface Options {
  logKey?: string;
  trustService?: boolean;
  rpcUrl?: string;
  json?: boolean;
}

/**
 * `pdl verify-receipt`: checks a receipt with nothing but the log's public key (offline), and
 * optionally confirms its anchor on an EVM node of the verifier's choosing. Exit code 0 only
 * when every check passed.
 */
export function verifyReceiptCommand(program: Command): void {
  program
    .command("verify-receipt")
    .description("verify a receipt offline against the log's SM2 public key; --rpc-url also confirms the anchor on chain")
    .argument("<file>", "the receipt (JSON), or - for standard input; a write response with a `receipt` field is accepted too")
    .option("--log-key <hex>", "the log's SM2 public key you trust (04…, 130 hex characters); env PDL_LOG_KEY")
    .option("--trust-service", "take the log key from the service at --url (trust on first use) when --log-key is not given")
    .option("--rpc-url <url>", "an EVM JSON-RPC endpoint you trust, to confirm an anchored receipt's transaction")
    .option("--json", "print the checks as JSON")
    .action(async (file: string, opts: Options, command: Command) => {
      let doc = (await readJson(file)) as Record<string, unknown>;
      if (doc && typeof doc === "object" && "receipt" in doc && typeof doc.receipt === "object") doc = doc.receipt as Record<string, unknown>;
      let key = opts.logKey ?? process.env.PDL_LOG_KEY;
      if (!key && opts.trustService) {
        const info = await new LedgerClient({ baseUrl: globals(command).url }).getPublic<{ logPublicKey: string }>("/v1/public/checkpoint");
        key = info.logPublicKey;
      }
      if (!key) throw new CliError("give the log key you trust: --log-key <hex> (or PDL_LOG_KEY), or --trust-service");
      if (!/^04[0-9a-f]{128}$/i.test(key)) throw new CliError("--log-key is an uncompressed SM2 public key: 04 followed by 128 hex characters");
      const result = await verifyReceipt(doc, key.toLowerCase(), undefined, opts.rpcUrl ? evmAnchorConfirmer(opts.rpcUrl) : undefined);
      if (opts.json) print(result);
      else {
        for (const c of result.checks) process.stdout.write(`${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}\n`);
        const onChain = opts.rpcUrl && result.state === "anchored" ? " and confirmed on chain" : "";
        process.stdout.write(result.ok ? `receipt verified (${result.state}${onChain})\n` : `receipt NOT verified${result.state ? ` (${result.state})` : ""}\n`);
      }
      if (!result.ok) process.exitCode = 2;
    });
}
