import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { FetchRequest, JsonRpcProvider, Wallet, getAddress } from "ethers";
import type { Config } from "../config.ts";
import type { Keyring } from "../keys/keyring.ts";
import type { Logger } from "../logger.ts";
import type { LedgerBackend } from "./backend.ts";
import { EmbeddedLedger } from "./embedded/embedded-ledger.ts";
import { openHardhatEmbedded } from "./embedded/hardhat-embedded.ts";
import { LEDGER_DIR, migrateJournalIfPresent } from "./embedded/migrate-journal.ts";
import { EvmBackend } from "./evm/evm-backend.ts";
import { openFabricBackend } from "./fabric/fabric-backend.ts";
import { missingPeerSettings, type PeerSetting } from "../fabric-access/peer-connection.ts";

/**
 * Opens the configured chain. `relay` is the chain identity the service submits with, which
 * the agency is bound to at bootstrap: an EVM address (embedded, evm) or undefined where the
 * chain binds identities by certificate (fabric).
 */
export interface OpenedBackend {
  readonly backend: LedgerBackend;
  readonly relay: string | undefined;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export async function openBackend(
  config: Config,
  keyring: Keyring,
  logger: Logger,
  env: Record<string, string | undefined> = process.env,
): Promise<OpenedBackend> {
  if (config.clock === "manual" && config.backend !== "embedded")
    throw new ConfigError(
      `LEDGER_CLOCK=manual is for the embedded chain only; the ${config.backend} chain keeps its own time`,
    );
  switch (config.backend) {
    case "embedded":
      return openEmbedded(config, keyring, logger);
    case "evm":
      return openEvm(config, env);
    case "fabric":
      return openFabric(config, logger);
  }
}

/**
 * The embedded chain: the chaincode's rule engine on a durable store under the data directory
 * (a directory written by the earlier Hardhat engine migrates on open), or that earlier engine
 * itself when LEDGER_EMBEDDED_ENGINE=hardhat. Only the chaincode engine has a manual clock.
 */
async function openEmbedded(config: Config, keyring: Keyring, logger: Logger): Promise<OpenedBackend> {
  if (config.embedded.engine === "hardhat") {
    if (config.clock === "manual")
      throw new ConfigError(
        "LEDGER_CLOCK=manual needs the embedded chain's chaincode engine (LEDGER_EMBEDDED_ENGINE=chaincode)",
      );
    const { backend } = await openHardhatEmbedded(config.dataDir, keyring.relay.privateKey, logger);
    return { backend, relay: keyring.relay.publicKey };
  }
  await migrateJournalIfPresent(config.dataDir, keyring.relay.privateKey, logger);
  const backend = await EmbeddedLedger.open({ path: join(config.dataDir, LEDGER_DIR), clock: config.clock });
  return { backend, relay: undefined };
}

/** Ignition's deployed_addresses.json names the facade "<module>#Registry". */
export function registryAddressFrom(json: unknown): string | undefined {
  if (!json || typeof json !== "object") return undefined;
  const o = json as Record<string, unknown>;
  const value = o.address ?? o.registry ?? Object.entries(o).find(([k]) => k.endsWith("#Registry"))?.[1];
  return typeof value === "string" ? value : undefined;
}

/**
 * Any EVM JSON-RPC node with the registry already deployed (`npm run deploy:registry`). The
 * relay key (PDL_EVM_PRIVATE_KEY) must be the deployer's, the only account allowed to bootstrap
 * the agency; it pays gas, so fund it on chains that charge.
 */
async function openEvm(config: Config, env: Record<string, string | undefined>): Promise<OpenedBackend> {
  const { rpcUrl, addressesFile } = config.evm;
  if (!rpcUrl) throw new ConfigError("backend evm needs PDL_EVM_RPC_URL (or evm.rpcUrl in the config file)");
  const address =
    env.PDL_EVM_REGISTRY ??
    (addressesFile ? registryAddressFrom(JSON.parse(await readFile(addressesFile, "utf8"))) : undefined);
  if (!address)
    throw new ConfigError(
      "backend evm needs the registry address: PDL_EVM_REGISTRY, or PDL_EVM_ADDRESSES naming Ignition's deployed_addresses.json",
    );
  const key = env.PDL_EVM_PRIVATE_KEY;
  if (!key)
    throw new ConfigError(
      "backend evm needs PDL_EVM_PRIVATE_KEY, the account that deployed the registry and relays every record",
    );
  // Every call gives up after chainTimeoutMs: a frozen node must not hold requests forever.
  const request = new FetchRequest(rpcUrl);
  request.timeout = config.chainTimeoutMs;
  // No request cache: the indexer reads the block number right after each submission.
  const provider = new JsonRpcProvider(request, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const signer = new Wallet(key, provider);
  const backend = await EvmBackend.open(getAddress(address), provider, signer, {
    onClose: async () => provider.destroy(),
    receiptTimeoutMs: Math.max(config.chainTimeoutMs, 30_000),
  });
  return { backend, relay: signer.address.toLowerCase() };
}

/**
 * A Fabric peer's Gateway service with the chaincode deployed. The service's identity must carry
 * the CA attribute pdl.role=agency: the chaincode then lets it relay every author's record and
 * bootstrap the agency. Identities bind by certificate, so there is no relay address.
 */
const PEER_ENV: Record<PeerSetting, string> = {
  peerEndpoint: "PDL_FABRIC_PEER_ENDPOINT",
  mspId: "PDL_FABRIC_MSP_ID",
  certPath: "PDL_FABRIC_CERT",
  keyPath: "PDL_FABRIC_KEY",
};

async function openFabric(config: Config, logger: Logger): Promise<OpenedBackend> {
  const f = config.fabric;
  const missing = missingPeerSettings(f);
  if (missing.length > 0)
    throw new ConfigError(
      `backend fabric needs ${missing.map((field) => `fabric.${field} (${PEER_ENV[field]})`).join(", ")}`,
    );
  try {
    // Conflicts are normal under load (two records touching one key in a block); each retry is logged.
    const onConflict = (conflict: { attempt: number; validationCode: string; transactionId: string }) =>
      logger.warn(conflict, "Fabric transaction invalidated by a concurrent one; endorsing it again");
    return { backend: await openFabricBackend(f, { onConflict }), relay: undefined };
  } catch (err) {
    if (err instanceof Error && "code" in err && (err as NodeJS.ErrnoException).code === "ENOENT")
      throw new ConfigError(`backend fabric: ${err.message}`);
    throw err;
  }
}
