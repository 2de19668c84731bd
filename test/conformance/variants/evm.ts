import { BrowserProvider, Wallet, type Eip1193Provider } from "ethers";
import { parseSignedRecord, type SignedRecord } from "../../../core/record.ts";
import type { OverdueGrant, StateView, ViewKey } from "../../../core/views.ts";
import { deployRegistry, RegistryClient } from "../../../ledger-service/src/chain/evm/registry-client.ts";
import type { ConformanceIdentity, ConformanceVariant } from "../variant.ts";
import { MEMBERS } from "../../../scripts/scenarios/world.ts";

/** Zero-fee transactions (the chain's base fee is 0) with a fixed gas limit: no estimation round trip. */
const ZERO_FEE = { maxFeePerGas: 0n, maxPriorityFeePerGas: 0n, gasLimit: 12_000_000n } as const;

type Rpc = Eip1193Provider & { request(a: { method: string; params?: unknown[] }): Promise<unknown> };

interface Chain {
  readonly close: () => Promise<void>;
  readonly rpc: Rpc;
  readonly provider: BrowserProvider;
  readonly client: RegistryClient;
  /** Block time of the deployment: scenarios may start at any later time. */
  readonly deployedAt: number;
  snapshot: string;
}

/**
 * The Solidity registry on Hardhat's in-process EVM (EDR). The deployer is the agency's account
 * (so only the agency may bootstrap); every actor sends from its own account with zero-fee
 * transactions, one transaction per block at exactly the step's time.
 *
 * A fresh chain per scenario costs a network connection and six deployments; instead, the chain
 * is snapshotted right after deployment and every reset reverts to that snapshot, which gives
 * the same empty registry. A scenario whose genesis is not after the deployment's block time
 * gets a new chain (new connection, redeployment) dated a day before its genesis.
 */
export async function createEvmVariant(): Promise<ConformanceVariant> {
  const hre = (await import("hardhat")).default;
  let chain: Chain | undefined;
  const enrolled = new Map<string, string>();

  async function open(genesis: number): Promise<Chain> {
    const initialDate = new Date((genesis - 86_400) * 1000).toISOString();
    const connection = await hre.network.create({
      network: "default",
      override: { initialBaseFeePerGas: 0, initialDate, allowBlocksWithSameTimestamp: true },
    } as never);
    const rpc = connection.provider as unknown as Rpc;
    const provider = new BrowserProvider(rpc, undefined, { cacheTimeout: -1 });
    const agency = new Wallet(MEMBERS.agency.evmPrivateKey, provider);
    const address = await deployRegistry(agency, ZERO_FEE);
    const latest = await provider.getBlock("latest");
    const snapshot = (await rpc.request({ method: "evm_snapshot" })) as string;
    return {
      close: () => connection.close(),
      rpc,
      provider,
      client: new RegistryClient(address, provider),
      deployedAt: latest?.timestamp ?? 0,
      snapshot,
    };
  }

  const current = (): Chain => {
    if (!chain) throw new Error("the EVM variant was not reset");
    return chain;
  };

  return {
    name: "evm-solidity (hardhat edr)",
    verifiesSignatures: false,
    async reset(genesisTime: number) {
      if (chain && chain.deployedAt < genesisTime) {
        await chain.rpc.request({ method: "evm_revert", params: [chain.snapshot] });
        chain.snapshot = (await chain.rpc.request({ method: "evm_snapshot" })) as string;
        return;
      }
      await chain?.close();
      chain = await open(genesisTime);
    },
    async enrol(identity: ConformanceIdentity) {
      // Zero base fee and zero-fee transactions: the account needs no funds, only its key.
      enrolled.set(identity.orgId, identity.evmPrivateKey);
    },
    async submit(signed: SignedRecord, time: number, submitter?: string) {
      // INVALID_RECORD is the adapter's check on the EVM (the chain cannot run the schemas).
      parseSignedRecord(signed);
      const c = current();
      const who = submitter ?? signed.record.actor;
      const key = enrolled.get(who);
      if (!key) throw new Error(`${who} is not enrolled`);
      const wallet = new Wallet(key, c.provider);
      await c.rpc.request({ method: "evm_setNextBlockTimestamp", params: [time] });
      const nonce = await c.provider.getTransactionCount(wallet.address, "latest");
      await c.client.submit(signed, wallet, { ...ZERO_FEE, nonce });
    },
    view(key: ViewKey): Promise<StateView | undefined> {
      return current().client.view(key);
    },
    overdue(time: number): Promise<OverdueGrant[]> {
      return current().client.overdue(time);
    },
    async close() {
      await chain?.close();
      chain = undefined;
    },
  };
}
