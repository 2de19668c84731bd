import { join, resolve } from "node:path";
import { openBackend } from "./chain/open-backend.ts";
import type { Config } from "./config.ts";
import { Indexer } from "./indexes/indexer.ts";
import { IndexStore } from "./indexes/index-store.ts";
import { openKeyring, type Keyring } from "./keys/keyring.ts";
import type { Logger } from "./logger.ts";
import { Checkpointer, type LogKey } from "./log/checkpointer.ts";
import { MerkleLog } from "./log/merkle-log.ts";
import { ownerOnly } from "./storage/owner-only.ts";

export function logKeyOf(config: Config, keyring: Keyring): LogKey {
  return {
    origin: config.log.origin,
    privateKey: keyring.log.privateKey,
    publicKey: keyring.log.publicKey,
  };
}

/** The durable parts shared by the service and `npm run reindex`: keys, chain, indexes, log. */
export async function openLedger(
  config: Config,
  logger: Logger,
  env: Record<string, string | undefined> = process.env,
) {
  const dataDir = resolve(config.dataDir);
  await ownerOnly(dataDir);
  const agencyOrgId = config.agency.orgId;
  const keyring = await openKeyring(dataDir, config.agency, logger, env, { backend: config.backend });
  const { backend, relay } = await openBackend({ ...config, dataDir }, keyring, logger, env);
  const store = new IndexStore(join(dataDir, "index"));
  await store.open();
  const log = await MerkleLog.open(join(dataDir, "log"));
  const checkpointer = new Checkpointer(log, logKeyOf(config, keyring));
  const indexer = new Indexer(backend, store, log, logger);
  await indexer.warm();
  return { dataDir, agencyOrgId, keyring, backend, relay, store, log, checkpointer, indexer };
}
