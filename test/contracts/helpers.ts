import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { BrowserProvider, Wallet, type Eip1193Provider } from "ethers";
import { sm3Hex } from "../../core/crypto/sm3.ts";
import { publicKeyFromPrivate } from "../../core/crypto/sm2.ts";
import { LedgerError, type ErrorCode } from "../../core/errors.ts";
import type { OperationName } from "../../core/operations.ts";
import { signRecord, type LedgerRecord, type SignedRecord } from "../../core/record.ts";
import type { Role } from "../../core/records/common.ts";
import { usccCheckCharacter } from "../../core/uscc.ts";
import {
  deployRegistry,
  RegistryClient,
  type SubmitResult,
} from "../../ledger-service/src/chain/evm/registry-client.ts";

/** Shared set-up of the registry tests: an in-process chain, a cast of organisations, signing. */

export const ZERO_FEE = { maxFeePerGas: 0n, maxPriorityFeePerGas: 0n, gasLimit: 12_000_000n } as const;

type Rpc = Eip1193Provider & { request(a: { method: string; params?: unknown[] }): Promise<unknown> };

export interface Org {
  readonly name: string;
  readonly orgId: string;
  readonly role: Role;
  readonly sm2PrivateKey: string;
  readonly publicKey: string;
  readonly wallet: Wallet;
}

export const h = (label: string): string => sm3Hex(`registry-test:${label}`);

/** A valid unified social credit code (GB 32100) for test organisation `index`. */
export function orgIdOf(index: number, role: Role): string {
  const first17 = (role === "agency" ? "11440300" : "91440300") + "PDLT" + String(index).padStart(5, "0");
  return first17 + usccCheckCharacter(first17);
}

export interface TestChain {
  readonly rpc: Rpc;
  readonly provider: BrowserProvider;
  readonly address: string;
  readonly client: RegistryClient;
  /** The deployer: the only account that may bootstrap. */
  readonly deployer: Wallet;
  org(name: string, role: Role, index: number): Org;
  /** Sends `signed` from `from` in its own block at exactly `time`. */
  submit(signed: SignedRecord, from: Org | Wallet, time: number): Promise<SubmitResult>;
  close(): Promise<void>;
}

/** A fresh Hardhat EDR chain dated a day before `genesis`, with the registry deployed. */
export async function freshChain(genesis: number): Promise<TestChain> {
  const hre = (await import("hardhat")).default;
  const connection = await hre.network.create({
    network: "default",
    override: {
      initialBaseFeePerGas: 0,
      initialDate: new Date((genesis - 86_400) * 1000).toISOString(),
      allowBlocksWithSameTimestamp: true,
    },
  } as never);
  const rpc = connection.provider as unknown as Rpc;
  const provider = new BrowserProvider(rpc, undefined, { cacheTimeout: -1 });
  const deployer = new Wallet("0x" + sm3Hex("registry-test:deployer"), provider);
  const address = await deployRegistry(deployer, ZERO_FEE);
  const client = new RegistryClient(address, provider);
  return {
    rpc,
    provider,
    address,
    client,
    deployer,
    org(name, role, index) {
      const sm2PrivateKey = sm3Hex(`registry-test:sm2:${name}`);
      const wallet = role === "agency" ? deployer : new Wallet("0x" + sm3Hex(`registry-test:evm:${name}`), provider);
      return {
        name,
        orgId: orgIdOf(index, role),
        role,
        sm2PrivateKey,
        publicKey: publicKeyFromPrivate(sm2PrivateKey),
        wallet,
      };
    },
    async submit(signed, from, time) {
      const wallet = from instanceof Wallet ? from : from.wallet;
      await rpc.request({ method: "evm_setNextBlockTimestamp", params: [time] });
      const nonce = await provider.getTransactionCount(wallet.address, "latest");
      return client.submit(signed, wallet, { ...ZERO_FEE, nonce });
    },
    close: () => connection.close(),
  };
}

/** Signs `body` as `author` with a fresh nonce. */
export function sign<O extends OperationName>(author: Org, op: O, body: unknown): SignedRecord<O> {
  const record = { v: 1, op, actor: author.orgId, nonce: randomBytes(16).toString("hex"), body } as LedgerRecord<O>;
  return signRecord(record, author.sm2PrivateKey);
}

export function actorBody(o: Org, extra: Record<string, unknown> = {}) {
  return {
    orgId: o.orgId,
    name: `Test ${o.name}`,
    role: o.role,
    publicKey: o.publicKey,
    evmAddress: o.wallet.address.toLowerCase(),
    ...extra,
  };
}

/** Expects `promise` to reject with LedgerError `code`. */
export async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  try {
    await promise;
  } catch (err) {
    expect(err, String(err)).to.be.instanceOf(LedgerError);
    expect((err as LedgerError).code).to.equal(code);
    return;
  }
  expect.fail(`expected ${code}, but it was accepted`);
}
