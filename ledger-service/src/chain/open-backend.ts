import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FetchRequest, JsonRpcProvider, Wallet, getAddress } from "ethers";
import type { Config } from "../config.ts";
import type { Keyring } from "../keys/keyring.ts";
import type { Logger } from "../logger.ts";
import type { LedgerBackend } from "./backend.ts";
import { EMBEDDED_CHAIN_ID, EmbeddedChain } from "./embedded/embedded-chain.ts";
import { EvmBackend } from "./evm/evm-backend.ts";
import { deployRegistry } from "./evm/registry-client.ts";
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
  switch (config.backend) {
    case "embedded":
      return openEmbedded(config, keyring, logger);
    case "evm":
      return openEvm(config, env);
    case "fabric":
      return openFabric(config, logger);
  }
}

/** Hardhat's EVM in process; the registry is deployed on first start and its address kept. */
async function openEmbedded(config: Config, keyring: Keyring, logger: Logger): Promise<OpenedBackend> {
  const chain = new EmbeddedChain({
    journalPath: join(config.dataDir, "chain"),
    relayPrivateKey: keyring.relay.privateKey,
    logger,
  });
  await chain.start();
  const registryFile = join(config.dataDir, "registry.json");
  let address: string;
  try {
    address = (JSON.parse(await readFile(registryFile, "utf8")) as { address: string }).address;
  } catch {
    address = await deployRegistry(chain.signer);
    await writeFile(registryFile, JSON.stringify({ chainId: EMBEDDED_CHAIN_ID, address }, null, 2) + "\n");
    logger.info({ address }, "deployed the registry on the embedded chain");
  }
  const backend = new EvmBackend(address, String(EMBEDDED_CHAIN_ID), chain.provider, chain.signer, {
    onClose: () => chain.close(),
    relay: chain.signer,
  });
  return { backend, relay: keyring.relay.publicKey };
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
