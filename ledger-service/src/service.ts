import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import type { Server } from "node:http";
import { ClassicLevel } from "classic-level";
import { loadSeedCatalog, organisation } from "../../core/catalog/index.ts";
import { LedgerError } from "../../core/errors.ts";
import { signRecord, type LedgerRecord } from "../../core/record.ts";
import { deployRegistry } from "./chain/evm/registry-client.ts";
import { EvmBackend } from "./chain/evm/evm-backend.ts";
import { EMBEDDED_CHAIN_ID, EmbeddedChain } from "./chain/embedded/embedded-chain.ts";
import type { Config } from "./config.ts";
import { Access } from "./domain/access.ts";
import { RecordReader } from "./domain/records.ts";
import { RecordService } from "./domain/record-service.ts";
import { createApp } from "./http/app.ts";
import { NonceStore } from "./http/nonce-store.ts";
import { publicProductList } from "./http/routes/public.ts";
import { readRoutes } from "./http/routes/reads.ts";
import { Indexer } from "./index/indexer.ts";
import { IndexStore } from "./index/store.ts";
import { openKeyring, type Keyring } from "./keys/keyring.ts";
import { createLogger } from "./logger.ts";
import { Checkpointer } from "./log/checkpointer.ts";
import { MerkleLog } from "./log/merkle-log.ts";
import { buildReceipt } from "./log/receipt.ts";
import { createMetrics } from "./metrics.ts";

export interface RunningService {
  readonly keyring: Keyring;
  readonly agencyOrgId: string;
  readonly backend: EvmBackend;
  readonly log: MerkleLog;
  readonly checkpointer: Checkpointer;
  address(): AddressInfo;
  /** Signs and anchors the latest checkpoint now (also runs on a timer). */
  anchorNow(): Promise<void>;
  stop(): Promise<void>;
}

const nonce = () => randomBytes(16).toString("hex");

/**
 * Starts the ledger service on the configured backend. The embedded default runs Hardhat's EVM
 * in process and makes it durable by journaling every transaction it sends (raw bytes and block
 * time) and replaying the journal onto a fresh chain with the same genesis on the next start;
 * the registry's deployment is the journal's first transactions, so it lands at the same address.
 */
export async function startService(config: Config): Promise<RunningService> {
  if (config.backend !== "embedded") throw new Error(`backend "${config.backend}" is not wired into startService yet; use the embedded default`);
  const logger = createLogger(config.logLevel);
  const metrics = createMetrics();
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });
  const agencyOrgId = organisation(loadSeedCatalog(), "agency").orgId;
  const keyring = await openKeyring(dataDir, agencyOrgId, logger);

  const chain = new EmbeddedChain({ journalPath: join(dataDir, "chain"), relayPrivateKey: keyring.relay.privateKey, logger });
  await chain.start();
  const registryFile = join(dataDir, "registry.json");
  let address: string;
  try {
    address = (JSON.parse(await readFile(registryFile, "utf8")) as { address: string }).address;
  } catch {
    address = await deployRegistry(chain.signer);
    await writeFile(registryFile, JSON.stringify({ chainId: EMBEDDED_CHAIN_ID, address }, null, 2) + "\n");
    logger.info({ address }, "deployed the registry on the embedded chain");
  }
  const backend = new EvmBackend(address, String(EMBEDDED_CHAIN_ID), chain.provider, chain.signer);

  const store = new IndexStore(join(dataDir, "index"));
  await store.open();
  const log = await MerkleLog.open(join(dataDir, "log"));
  const logKey = { origin: config.log.origin, keyName: config.log.origin.replace(/\/sm3$/, ""), privateKey: keyring.log.privateKey, publicKey: keyring.log.publicKey };
  const checkpointer = new Checkpointer(log, logKey);
  const indexer = new Indexer(backend, store, log, logger);
  await indexer.warm();
  await indexer.catchUp();
  const receipts = { receipt: (leaf: number) => buildReceipt(log, checkpointer, leaf, logKey.origin, logKey.keyName) };
  const records = new RecordService(backend, store, indexer, receipts, logger, metrics);

  // The agency bootstraps itself on first start, bound to the relay account that signs every
  // transaction (the agency's gateway to the chain).
  if (!(await backend.view({ kind: "actor", id: agencyOrgId }))) {
    const agency = organisation(loadSeedCatalog(), "agency");
    const record = { v: 1, op: "actor.bootstrap", actor: agencyOrgId, nonce: nonce(), body: { orgId: agencyOrgId, name: agency.name, role: "agency", publicKey: keyring.agency.publicKey, evmAddress: keyring.relay.publicKey } } as LedgerRecord<"actor.bootstrap">;
    await records.submit(signRecord(record, keyring.agency.privateKey), "service");
    logger.info({ orgId: agencyOrgId }, "bootstrapped the implementing agency");
  }

  const nonceDb = new ClassicLevel<string, unknown>(join(dataDir, "nonces"), { valueEncoding: "json" });
  await nonceDb.open();
  const now = () => Math.floor(Date.now() / 1000);
  const nonces = new NonceStore(nonceDb, config.authWindowSeconds);
  await nonces.open(now());
  const reader = new RecordReader(backend, store, receipts);
  const access = new Access(store);
  const reads = [...readRoutes({ backend, store, reader, access }), publicProductList(store, backend)];
  const app = createApp({
    logger,
    metrics,
    directory: { actor: (orgId) => store.actor(orgId) },
    nonces,
    records,
    reads,
    bodyLimitBytes: config.bodyLimitBytes,
    authWindowSeconds: config.authWindowSeconds,
    now,
    ready: async () => (await backend.now()) > 0,
    version: "0.1.0",
  });

  let anchoring: Promise<void> = Promise.resolve();
  async function anchorOnce(): Promise<void> {
    const cp = await checkpointer.checkpoint();
    if (!cp) return;
    const last = await checkpointer.latestAnchor();
    if (last && last.treeSize >= cp.size) return;
    const record = { v: 1, op: "anchor.checkpoint", actor: agencyOrgId, nonce: nonce(), body: { origin: logKey.origin, treeSize: cp.size, rootHash: cp.rootHash, checkpointHash: cp.hash } } as LedgerRecord<"anchor.checkpoint">;
    try {
      const accepted = await records.submit(signRecord(record, keyring.agency.privateKey), "service");
      await checkpointer.recordAnchor({ chainType: "evm", chainId: backend.ref.chainId, contract: backend.ref.contract, ...accepted.tx, treeSize: cp.size, rootHash: cp.rootHash, checkpointHash: cp.hash });
    } catch (err) {
      if (!(err instanceof LedgerError && err.code === "ANCHOR_NOT_MONOTONIC")) throw err;
    }
  }
  const anchorNow = () => (anchoring = anchoring.then(anchorOnce, anchorOnce));
  const checkpointTimer = setInterval(() => void checkpointer.checkpoint().catch((err: unknown) => logger.error({ err }, "checkpoint failed")), config.log.checkpointEveryMs);
  const anchorTimer = setInterval(() => void anchorNow().catch((err: unknown) => logger.error({ err }, "anchoring failed")), config.log.anchorEverySeconds * 1000);
  checkpointTimer.unref();
  anchorTimer.unref();

  const server: Server = await new Promise((ok) => {
    const s = app.listen(config.port, config.host, () => ok(s));
  });

  return {
    keyring,
    agencyOrgId,
    backend,
    log,
    checkpointer,
    address: () => server.address() as AddressInfo,
    anchorNow,
    async stop() {
      clearInterval(checkpointTimer);
      clearInterval(anchorTimer);
      await new Promise<void>((ok) => server.close(() => ok()));
      server.closeAllConnections?.();
      await anchoring.catch(() => undefined);
      await nonceDb.close();
      await store.close();
      await log.close();
      await chain.close();
    },
  };
}
