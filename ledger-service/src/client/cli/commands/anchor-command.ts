import type { Command } from "commander";
import { client, globals, print } from "../context.ts";

/** `pdl anchor`: the log checkpointed and anchored on chain now (the agency and the exchange). */
export function anchorCommand(program: Command): void {
  program
    .command("anchor")
    .description(
      "ask the service to checkpoint its log and anchor it on chain now (agency, exchange; a few per minute); prints the anchor",
    )
    .option("--reason <text>", "why, for the service's log")
    .action(async (opts: { reason?: string }, command: Command) => {
      const api = await client(globals(command));
      print(await api.anchorNow(opts.reason));
    });
}
