import type { Command } from "commander";
import { loadConfig } from "../../config.ts";
import { rebuildIndexes } from "../../reindex.ts";
import { print } from "../context.ts";

export function reindexCommand(program: Command): void {
  program
    .command("reindex")
    .description("rebuild the service's indexes from the chain alone (stop the service first); uses the service's configuration (LEDGER_DATA_DIR, LEDGER_BACKEND, …)")
    .action(async () => {
      const config = loadConfig();
      print({ dataDir: config.dataDir, ...(await rebuildIndexes({ ...config, logLevel: "warn" })) });
    });
}
