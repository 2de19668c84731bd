import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createServer, type Server } from "node:http";
import { ClassicLevel } from "classic-level";
import type { Express } from "express";
import { LedgerError } from "../../core/errors.ts";
import { signRecord, type LedgerRecord } from "../../core/record.ts";
import type { LedgerBackend } from "./chain/backend.ts";
import type { Config } from "./config.ts";
import { Access } from "./domain/access.ts";
import { AlertScanner } from "./domain/alerts.ts";
import { ReadCounter } from "./domain/read-rate.ts";
import { RecordReader } from "./domain/record-reader.ts";
import { RecordService } from "./domain/record-service.ts";
import { ChainMatch } from "./domain/chain-match.ts";
import { OutcomeStore } from "./domain/outcomes.ts";
import { createApp } from "./http/app.ts";
import { NonceStore } from "./http/nonce-store.ts";
import { CONTRIBUTED_ROUTES } from "./http/routes/contributed.ts";
import {
  publicCheckpoint,
  publicConsistency,
  publicFacetSchemas,
  publicProductList,
  publicServiceLists,
} from "./http/routes/public-routes.ts";
import { anchorOnRequest } from "./http/routes/anchor-routes.ts";
import { readRoutes } from "./http/routes/read-routes.ts";
import type { ReadRoute, RouteContributor, ServiceContext } from "./http/routes/route.ts";
import type { IndexStore } from "./indexes/index-store.ts";
import type { Keyring } from "./keys/keyring.ts";
import { openLedger } from "./open-ledger.ts";
import { createLogger, type Logger } from "./logger.ts";
import { AnchorStore, Anchorer, type AnchorSink } from "./log/anchoring.ts";
import type { Checkpointer } from "./log/checkpointer.ts";
import type { MerkleLog } from "./log/merkle-log.ts";
import { buildReceipt } from "./log/receipt.ts";
import { createMetrics } from "./metrics.ts";
import { openVerifier } from "./crypto/sm2-verifier.ts";

export interface RunningService {
  readonly config: Config;
  readonly keyring: Keyring;
  readonly agencyOrgId: string;
  readonly backend: LedgerBackend;
  readonly log: MerkleLog;
  readonly checkpointer: Checkpointer;
  readonly store: IndexStore;
  readonly records: RecordService;
  /** The Express application (route introspection in tests). */
  readonly app: Express;
  address(): AddressInfo;
  /** Signs and anchors the latest checkpoint now (also runs every N leaves or T seconds). */
  anchorNow(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly routes?: readonly RouteContributor[];
  readonly env?: Record<string, string | undefined>;
  /** Where the service logs (default: a logger at the configured level on standard output). */
  readonly logger?: Logger;
}

const nonce = () => randomBytes(16).toString("hex");

/**
 * Starts the ledger service on the configured backend. The embedded default runs Hardhat's EVM
 * in process and makes it durable by journaling every transaction it sends (raw bytes and block
 * time) and replaying the journal onto a fresh chain with the same genesis on the next start;
 * the registry's deployment is the journal's first transactions, so it lands at the same address.
 */
export async function startService(config: Config, options: StartOptions = {}): Promise<RunningService> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const { dataDir, agencyOrgId, keyring, backend, relay, store, log, checkpointer, indexer } = await openLedger(
    config,
    logger,
    options.env,
  );
  // A start that fails half-way (chain down at bootstrap, port taken) releases what it opened.
  const release: (() => unknown)[] = [() => backend.close(), () => log.close(), () => store.close()];
  const fail = async (err: unknown): Promise<never> => {
    for (const undo of release.reverse())
      await Promise.resolve()
        .then(undo)
        .catch(() => undefined);
    throw err;
  };
  // A chain that is not this data directory's (another network, a node that lost its state)
  // stops the start here, said in one line, before anything is read from it or sent to it.
  const chainMatch = new ChainMatch(backend, store, join(dataDir, "chain.json"));
  await chainMatch.verifyAtStart().catch(fail);
  await indexer.catchUp().catch(fail);
  const anchors = new AnchorStore(log);
  const startedAt = Date.now();
  metrics.watchLog({
    size: () => log.size,
    checkpointedSize: async () => (await checkpointer.latest())?.size ?? 0,
    latestAnchor: async () => {
      const a = await anchors.latest();
      return a ? { treeSize: a.treeSize, recordedAt: a.recordedAt ?? a.blockTime * 1000 } : undefined;
    },
    startedAt,
  });
  const stopCheckpointLog = checkpointer.onSigned((cp) => {
    metrics.checkpoints.inc();
    logger.info({ size: cp.size, rootHash: cp.rootHash }, "signed checkpoint");
  });
  const receipts = { receipt: (leaf: number) => buildReceipt(log, checkpointer, anchors, leaf) };
  const verifier = openVerifier(config.verifyThreads, logger);
  release.push(() => verifier.close());
  const outcomeDb = new ClassicLevel<string, unknown>(join(dataDir, "outcomes"), { valueEncoding: "json" });
  await outcomeDb.open().catch(fail);
  release.push(() => outcomeDb.close());
  const records = new RecordService(backend, store, indexer, receipts, logger, metrics, verifier, undefined, {
    store: new OutcomeStore(outcomeDb),
    waitMs: config.outcomeWaitMs,
  });
  release.push(() => records.close());
  await records.start().catch(fail);

  // The agency bootstraps itself on first start, bound to the relay account that signs every
  // transaction (the agency's gateway to the chain).
  if (!(await backend.view({ kind: "actor", id: agencyOrgId }).catch(fail))) {
    const body = {
      orgId: agencyOrgId,
      name: config.agency.name,
      role: "agency",
      publicKey: keyring.agency.publicKey,
      ...(relay ? { evmAddress: relay } : {}),
    };
    const record = {
      v: 1,
      op: "actor.bootstrap",
      actor: agencyOrgId,
      nonce: nonce(),
      body,
    } as LedgerRecord<"actor.bootstrap">;
    await records.submit(signRecord(record, keyring.agency.privateKey), "service").catch(fail);
    logger.info({ orgId: agencyOrgId }, "bootstrapped the implementing agency");
  }

  const nonceDb = new ClassicLevel<string, unknown>(join(dataDir, "nonces"), { valueEncoding: "json" });
  await nonceDb.open().catch(fail);
  release.push(() => nonceDb.close());
  const now = () => Math.floor(Date.now() / 1000);
  const nonces = new NonceStore(nonceDb, config.authWindowSeconds);
  await nonces.open(now()).catch(fail);
  const reader = new RecordReader(backend, store, receipts);
  const access = new Access(store);
  const readDb = new ClassicLevel<string, unknown>(join(dataDir, "read-counts"), { valueEncoding: "json" });
  await readDb.open().catch(fail);
  release.push(() => readDb.close());
  const readCounter = new ReadCounter(readDb, now);
  const alerts = new AlertScanner({
    store,
    records,
    agency: { orgId: agencyOrgId, privateKey: keyring.agency.privateKey },
    reads: readCounter,
    limits: config.alerts,
    logger,
    now,
    grantStatus: async (id) => ((await backend.view({ kind: "grant", id })) as { status?: string } | null)?.status,
  });
  release.push(() => alerts.stop());
  const closers: (() => Promise<void>)[] = [];
  release.push(async () => {
    for (const close of closers.splice(0)) await close();
  });
  const context: ServiceContext = {
    config,
    logger,
    metrics,
    keyring,
    backend,
    store,
    log,
    checkpointer,
    reader,
    access,
    records,
    alerts,
    onClose: (close) => closers.push(close),
  };
  const extra: ReadRoute[] = [];
  for (const contribute of [...CONTRIBUTED_ROUTES, ...(options.routes ?? [])])
    extra.push(...(await Promise.resolve(contribute(context)).catch(fail)));
  const reads = [
    ...readRoutes({ backend, store, reader, access, extra, outcomeOf: (hash) => records.outcomeOf(hash) }).map(
      (route) => countingReads(route, readCounter),
    ),
    publicProductList(store, backend),
    publicServiceLists(store, backend),
    publicCheckpoint(checkpointer, anchors),
    publicConsistency(checkpointer),
    anchorOnRequest({
      // The anchorer is made below, before the service listens: a request never finds it missing.
      anchorNow: () => anchorer.anchorNow(),
      anchors,
      logger,
      limit: config.http.anchorRequestsPerCaller,
      windowSeconds: config.http.anchorRequestWindowSeconds,
    }),
    publicFacetSchemas(),
  ];
  const app = createApp({
    logger,
    metrics,
    directory: { actor: (orgId) => store.actor(orgId) },
    nonces,
    verifier,
    records,
    reads,
    bodyLimitBytes: config.bodyLimitBytes,
    authWindowSeconds: config.authWindowSeconds,
    now,
    readiness: async () => {
      const problem = await chainMatch.problem();
      return problem === undefined ? { ready: true } : { ready: false, reason: problem };
    },
    limits: {
      windowSeconds: config.http.rateWindowSeconds,
      perCaller: config.http.ratePerCaller,
      refusedPerAddress: config.http.rateRefusedPerAddress,
      publicPerAddress: config.http.ratePublicPerAddress,
    },
    version: "0.1.0",
  });

  // Anchors are records too: signed by the agency, checked by the chain's rules, and submitted
  // through the same queue, so they interleave with users' writes in one nonce sequence.
  const sink: AnchorSink = {
    async anchor(cp) {
      const record = {
        v: 1,
        op: "anchor.checkpoint",
        actor: agencyOrgId,
        nonce: nonce(),
        body: { origin: cp.origin, treeSize: cp.treeSize, rootHash: cp.rootHash, checkpointHash: cp.checkpointHash },
      } as LedgerRecord<"anchor.checkpoint">;
      const accepted = await records.submit(signRecord(record, keyring.agency.privateKey), "service");
      return {
        chainType: backend.ref.type,
        chainId: backend.ref.chainId,
        contract: backend.ref.contract,
        ...accepted.tx,
      };
    },
  };
  const anchorer = new Anchorer(log, checkpointer, anchors, sink, {
    everySeconds: config.log.anchorEverySeconds,
    everyLeaves: config.log.anchorEveryLeaves,
    onError: (err) => {
      if (err instanceof LedgerError && err.code === "ANCHOR_NOT_MONOTONIC") return;
      logger.error({ err }, "anchoring failed");
    },
    onAnchor: (a) => {
      metrics.anchors.inc();
      logger.info({ treeSize: a.treeSize, txId: a.txId, blockNumber: a.blockNumber }, "anchored checkpoint");
    },
  });
  release.push(() => anchorer.stop());
  await anchorer.start().catch(fail);
  alerts.start();
  const checkpointTimer = setInterval(
    () => void checkpointer.checkpoint().catch((err: unknown) => logger.error({ err }, "checkpoint failed")),
    config.log.checkpointEveryMs,
  );
  checkpointTimer.unref();
  release.push(() => clearInterval(checkpointTimer));
  const unsubscribe = log.onAppend((size) => {
    if (size % config.log.checkpointEveryLeaves === 0)
      void checkpointer.checkpoint().catch((err: unknown) => logger.error({ err }, "checkpoint failed"));
  });
  release.push(unsubscribe, stopCheckpointLog);

  // Slow or idle clients are cut off, and connections beyond the cap refused, so that no client
  // can hold the service's sockets: the header timeout runs from the connection's start (a
  // client that sends nothing is cut off too), checked on an interval (30 s by default) that
  // must be finer than the timeout itself.
  const limits = config.http;
  const server: Server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    app,
  );
  server.maxConnections = limits.maxConnections;
  // A connection silent this long (a client that stopped reading its answer, too) is closed.
  server.setTimeout(limits.idleTimeoutMs);
  await new Promise<void>((ok, refuse) => {
    server.once("error", refuse);
    server.listen(config.port, config.host, () => {
      server.off("error", refuse);
      ok();
    });
  }).catch(fail);

  return {
    config,
    keyring,
    agencyOrgId,
    backend,
    log,
    checkpointer,
    store,
    records,
    app,
    address: () => server.address() as AddressInfo,
    anchorNow: async () => {
      await anchorer.anchorNow();
    },
    async stop() {
      clearInterval(checkpointTimer);
      stopCheckpointLog();
      unsubscribe();
      await new Promise<void>((ok) => server.close(() => ok()));
      server.closeAllConnections?.();
      await alerts.stop();
      await anchorer.stop();
      await records.idle();
      await records.close();
      for (const close of closers.splice(0)) await close();
      nonces.close();
      await nonceDb.close();
      await outcomeDb.close();
      await readDb.close();
      await verifier.close();
      await store.close();
      await log.close();
      await backend.close();
    },
  };
}

/** A signed read is counted for its caller: the read-rate alert judges an actor by its usual rate. */
function countingReads(route: ReadRoute, counter: ReadCounter): ReadRoute {
  if (route.auth !== "signed" || (route.method ?? "get") !== "get") return route;
  return {
    ...route,
    handler: (req, res) => {
      if (req.caller) counter.count(req.caller.orgId);
      return route.handler(req, res);
    },
  };
}
