import type { Command } from "commander";
import { LedgerClient } from "../../sdk/ledger-client.ts";
import { globals, print } from "../context.ts";

interface LogKeyAnswer {
  readonly origin: string;
  readonly keyName: string;
  readonly logPublicKey: string;
  readonly vkey: string;
}

/**
 * `pdl log-key`: the log's verifier key as the service at --url publishes it (trust on first
 * use: compare it out of band before pinning it as PDL_LOG_KEY). docs/FORMATS.md, "Checkpoints".
 */
export function logKeyCommand(program: Command): void {
  program
    .command("log-key")
    .description("print the log's signed-note verifier key (vkey) as the service publishes it; --hex for the SM2 key")
    .option("--hex", "print the SM2 public key (04…) instead of the vkey")
    .action(async (opts: { hex?: boolean }, command: Command) => {
      const options = globals(command);
      const api = new LedgerClient({ baseUrl: options.url });
      const info = await api.getPublic<LogKeyAnswer>("/v1/public/checkpoint");
      if (options.json)
        print({ origin: info.origin, keyName: info.keyName, logPublicKey: info.logPublicKey, vkey: info.vkey });
      else process.stdout.write(`${opts.hex ? info.logPublicKey : info.vkey}\n`);
    });
}
