import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "./config.ts";
import { createLogger } from "./logger.ts";
import { openLedger } from "./open-ledger.ts";

/**
 * Rebuilds the LevelDB indexes from the chain alone: the old indexes are set aside, every
 * registry event is read again from the start, and the new indexes replace the old only once
 * complete. The SM3 log is keyed by event position, so replayed events find their existing
 * leaves instead of appending twice. The service must be stopped (LevelDB's lock enforces it).
 */
export async function rebuildIndexes(config: Config): Promise<{ events: number; logSize: number }> {
  const logger = createLogger(config.logLevel);
  const indexDir = join(config.dataDir, "index");
  const aside = `${indexDir}.before-reindex`;
  await rm(aside, { recursive: true, force: true });
  await rename(indexDir, aside).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== "ENOENT") throw err;
  });
  let ledger;
  try {
    ledger = await openLedger(config, logger);
  } catch (err) {
    await rename(aside, indexDir).catch(() => undefined);
    throw err;
  }
  try {
    const events = await ledger.indexer.catchUp();
    return { events, logSize: ledger.log.size };
  } catch (err) {
    await ledger.store.close();
    await rm(indexDir, { recursive: true, force: true });
    await rename(aside, indexDir).catch(() => undefined);
    throw err;
  } finally {
    await ledger.store.close().catch(() => undefined);
    await ledger.log.close();
    await ledger.backend.close();
    await rm(aside, { recursive: true, force: true }).catch(() => undefined);
  }
}
