import type { Config } from "./config.ts";

/**
 * Why the service (or a maintenance command on its data directory) could not start, in one line
 * for the person who started it: the cases people meet (port taken, data directory in use, key
 * file or passphrase wrong, configuration, chain) without a stack trace. Anything else is
 * unexpected and keeps its stack, for the bug report.
 */
const ONE_LINE_ERRORS = new Set(["ConfigError", "KeyringError", "KeyFileError", "ChainMismatchError"]);

export function startFailure(err: unknown, config: Pick<Config, "host" | "port" | "dataDir">): string {
  const code = (err as { code?: string }).code;
  if (code === "EADDRINUSE")
    return `${config.host}:${config.port} is already in use (another service running? set PORT)`;
  const locked = lockedStore(err);
  if (locked)
    return `the data directory ${config.dataDir} is in use by another ledger service (${locked} is locked): stop that service, or give this one its own LEDGER_DATA_DIR`;
  if (err instanceof Error && ONE_LINE_ERRORS.has(err.name)) return err.message;
  if (err instanceof Error && err.name === "ChainUnavailableError") return `the chain does not answer (${err.message})`;
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/** The LevelDB lock file another process holds, when that is why a store did not open. */
function lockedStore(err: unknown): string | undefined {
  for (let e = err as { code?: string; message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === "LEVEL_LOCKED") return /lock (\S+?):? /.exec(e.message ?? "")?.[1] ?? "its LevelDB lock";
  }
  return undefined;
}
