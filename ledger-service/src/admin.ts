import { Command } from "commander";
import { loadConfig } from "./config.ts";
import { rebuildIndexes } from "./reindex.ts";
import { startFailure } from "./start-failure.ts";

/**
 * Maintenance of a stopped service's data directory, run on the server's machine with the
 * service's configuration (LEDGER_DATA_DIR, LEDGER_BACKEND, …): `npm run reindex`.
 * The `pdl` client never touches a data directory; this is the server's side.
 */
const program = new Command("ledger-admin")
  .description("maintenance of a stopped ledger service's data directory")
  .showHelpAfterError();

program
  .command("reindex")
  .description("rebuild the service's indexes from the chain alone (stop the service first)")
  .action(async () => {
    const config = loadConfig();
    const result = await rebuildIndexes({ ...config, logLevel: "warn" }).catch((err: unknown) => {
      throw new Error(startFailure(err, config), { cause: err });
    });
    console.log(JSON.stringify({ dataDir: config.dataDir, ...result }, null, 2));
  });

await program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`ledger-admin: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
