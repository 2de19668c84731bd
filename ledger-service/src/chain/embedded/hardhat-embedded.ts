import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../../logger.ts";
import { EvmBackend } from "../evm/evm-backend.ts";
import { deployRegistry } from "../evm/registry-client.ts";
import { EMBEDDED_CHAIN_ID, EmbeddedChain } from "./embedded-chain.ts";

/**
 * The earlier embedded chain: Hardhat's EVM in process with the Solidity registry, made durable
 * by replaying a journal of every transaction at start (LEDGER_EMBEDDED_ENGINE=hardhat). Kept to
 * read data directories written by it (they migrate to the chaincode engine on open) and as the
 * restart benchmark's baseline. The registry is deployed on first start and its address kept.
 */
export async function openHardhatEmbedded(
  dataDir: string,
  relayPrivateKey: string,
  logger: Logger,
): Promise<{ backend: EvmBackend; replayed: number }> {
  const chain = new EmbeddedChain({ journalPath: join(dataDir, "chain"), relayPrivateKey, logger });
  const { replayed } = await chain.start();
  const registryFile = join(dataDir, "registry.json");
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
  return { backend, replayed };
}
