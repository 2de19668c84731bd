import hre from "hardhat";
import { BrowserProvider, Wallet, type Eip1193Provider } from "ethers";
import { parseSignedRecord, type SignedRecord } from "../../../core/record.ts";
import type { OverdueGrant, StateView, ViewKey } from "../../../core/views.ts";
import { deployRegistry, RegistryClient } from "../../../ledger-service/src/chain/evm/registry-client.ts";
import type { ConformanceIdentity, ConformanceVariant } from "../variant.ts";
import { MEMBERS } from "../world.ts";

const ZERO_FEE = { maxFeePerGas: 0n, maxPriorityFeePerGas: 0n, gasLimit: 12_000_000n } as const;

/**
 * The Solidity registry on Hardhat's in-process EVM (EDR). The agency's account deploys (and so
 * may bootstrap); every actor sends from its own account with zero-fee transactions. Each
 * scenario starts from a snapshot taken right after deployment, before the scenario's genesis.
 */
export async function createEvmVariant(): Promise<ConformanceVariant> {
  const connection = await hre.network.create({
    network: "default",
    override: { initialBaseFeePerGas: 0, initialDate: "2025-12-31T00:00:00Z", allowBlocksWithSameTimestamp: true },
  } as never);
  const eip1193 = connection.provider as unknown as Eip1193Provider & { request(a: { method: string; params?: unknown[] }): Promise<unknown> };
  const provider = new BrowserProvider(eip1193, undefined, { cacheTimeout: -1 });
  const wallets = new Map<string, Wallet>();
  const agency = new Wallet(MEMBERS.agency.evmPrivateKey, provider);
  const address = await deployRegistry(agency, ZERO_FEE);
  const client = new RegistryClient(address, provider);
  let snapshot = (await eip1193.request({ method: "evm_snapshot" })) as string;

  return {
    name: "evm-solidity (hardhat edr)",
    verifiesSignatures: false,
    async reset() {
      await eip1193.request({ method: "evm_revert", params: [snapshot] });
      snapshot = (await eip1193.request({ method: "evm_snapshot" })) as string;
    },
    async enrol(identity: ConformanceIdentity) {
      if (!wallets.has(identity.orgId)) wallets.set(identity.orgId, new Wallet(identity.evmPrivateKey, provider));
    },
    async submit(signed: SignedRecord, time: number, submitter?: string) {
      parseSignedRecord(signed);
      const wallet = wallets.get(submitter ?? signed.record.actor);
      if (!wallet) throw new Error(`${submitter ?? signed.record.actor} is not enrolled`);
      await eip1193.request({ method: "evm_setNextBlockTimestamp", params: [time] });
      const nonce = await provider.getTransactionCount(wallet.address, "latest");
      try {
        await client.submit(signed, wallet, { ...ZERO_FEE, nonce });
      } finally {
        // A rejected transaction may or may not have been mined; either way the next step
        // sets its own (later) time.
      }
    },
    view(key: ViewKey): Promise<StateView | undefined> {
      return client.view(key);
    },
    overdue(time: number): Promise<OverdueGrant[]> {
      return client.overdue(time);
    },
    async close() {
      await connection.close();
    },
  };
}
