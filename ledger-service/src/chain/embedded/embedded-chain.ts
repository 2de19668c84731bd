import {
  AbstractSigner,
  Wallet,
  toQuantity,
  type JsonRpcApiProvider,
  type Provider,
  type TransactionRequest,
  type TransactionResponse,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";
import type { Logger } from "../../logger.ts";
import type { MinedTransaction, RelaySender } from "../evm/relay.ts";
import { ChainJournal, type RelayedTransaction } from "./journal.ts";

/**
 * Hardhat's EVM (EDR) in process, made durable by a journal: the service's only signer sends
 * zero-fee transactions with explicit nonces, and each mined transaction is journaled (its
 * request + block time) before the service acknowledges anything that depends on it. On start,
 * the journal is replayed onto a fresh chain with the same genesis and block times.
 */
export const EMBEDDED_CHAIN_ID = 1_387_000; // private chain id, not a public network
/** Fixed genesis time, so a replayed chain has the same genesis block. */
export const EMBEDDED_GENESIS = "2026-01-01T00:00:00Z";

export interface EmbeddedChainOptions {
  readonly journalPath: string;
  readonly relayPrivateKey: string;
  readonly logger: Logger;
  /** Seconds since the epoch; defaults to the wall clock. */
  readonly clock?: () => number;
}

export class EmbeddedChain {
  readonly journal: ChainJournal;
  provider!: JsonRpcApiProvider;
  signer!: JournalingSigner;
  private closeConnection: (() => Promise<void>) | undefined;
  private relayAddress = "";

  constructor(private readonly options: EmbeddedChainOptions) {
    this.journal = new ChainJournal(options.journalPath);
  }

  /** Opens the journal, starts a fresh EVM and replays every journaled transaction. */
  async start(): Promise<{ replayed: number }> {
    const { default: hre } = await import("hardhat");
    const wallet = new Wallet(this.options.relayPrivateKey);
    this.relayAddress = wallet.address;
    const connection = await hre.network.create({
      network: "default",
      chainType: "l1",
      override: {
        chainId: EMBEDDED_CHAIN_ID,
        initialBaseFeePerGas: 0,
        initialDate: EMBEDDED_GENESIS,
        allowBlocksWithSameTimestamp: true,
        mining: { auto: true, interval: 0 },
        blockGasLimit: 60_000_000,
        throwOnTransactionFailures: false,
        throwOnCallFailures: true,
        // The relay signs inside EDR (native, deterministic): building and hashing a batch's
        // transaction in JavaScript costs more than executing it.
        accounts: [{ privateKey: this.options.relayPrivateKey, balance: "0" }],
      },
    } as never);
    this.closeConnection = () => connection.close();
    const { ethers } = connection as unknown as { ethers: { provider: JsonRpcApiProvider } };
    this.provider = ethers.provider;
    await this.journal.open();
    const replayed = await this.replay();
    const nonce = await this.provider.getTransactionCount(wallet.address, "latest");
    const latest = await this.provider.getBlock("latest");
    const clock = this.options.clock ?? (() => Math.floor(Date.now() / 1000));
    this.signer = new JournalingSigner(wallet, this.provider, this.journal, nonce, clock, latest?.timestamp ?? 0);
    return { replayed };
  }

  private async replay(): Promise<number> {
    let n = 0;
    const started = Date.now();
    for await (const entry of this.journal.entries()) {
      await this.provider.send("evm_setNextBlockTimestamp", [entry.blockTime]);
      let hash: string | undefined;
      try {
        hash =
          "tx" in entry
            ? ((await this.provider.send("eth_sendTransaction", [
                relayedRequest(this.relayAddress, entry.tx),
              ])) as string)
            : ((await this.provider.send("eth_sendRawTransaction", [entry.raw])) as string);
      } catch {
        // A transaction that reverted the first time reverts again; it is still mined.
      }
      const receipt = await this.provider.send("eth_getTransactionReceipt", [entry.hash]);
      if (!receipt || (hash !== undefined && hash !== entry.hash))
        throw new Error(`journal replay diverged at transaction ${n} (${entry.hash})`);
      n += 1;
    }
    if (n > 0)
      this.options.logger.info(
        { transactions: n, ms: Date.now() - started },
        "replayed the embedded chain from its journal",
      );
    return n;
  }

  async close(): Promise<void> {
    await this.closeConnection?.();
    await this.journal.close();
  }
}

/** The eth_sendTransaction parameters of a relayed transaction: zero fees, explicit nonce. */
function relayedRequest(from: string, tx: RelayedTransaction): Record<string, string> {
  return {
    from,
    ...(tx.to ? { to: tx.to } : {}),
    data: tx.data,
    gas: tx.gas,
    nonce: toQuantity(tx.nonce),
    type: "0x2",
    maxFeePerGas: "0x0",
    maxPriorityFeePerGas: "0x0",
  };
}

interface RpcReceipt {
  readonly transactionHash: string;
  readonly blockNumber: string;
  readonly blockHash: string;
  readonly status: string;
  readonly logs: readonly { address: string; topics: string[]; data: string }[];
}

/**
 * An ethers signer that only ever sends through the journal, and the relay sender of the batch
 * path. Sends are serialized, so nonces and journal order match the chain.
 */
export class JournalingSigner extends AbstractSigner implements RelaySender {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly wallet: Wallet,
    override readonly provider: JsonRpcApiProvider,
    private readonly journal: ChainJournal,
    private nonce: number,
    private readonly clock: () => number,
    private lastBlockTime: number,
  ) {
    super(provider);
  }

  override async getAddress(): Promise<string> {
    return this.wallet.address;
  }

  override connect(_provider: Provider | null): JournalingSigner {
    throw new Error("the journaling signer is bound to the embedded chain");
  }

  override signTransaction(tx: TransactionRequest): Promise<string> {
    return this.wallet.signTransaction(tx);
  }

  override signMessage(message: string | Uint8Array): Promise<string> {
    return this.wallet.signMessage(message);
  }

  override signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string> {
    return this.wallet.signTypedData(domain, types, value);
  }

  override sendTransaction(tx: TransactionRequest): Promise<TransactionResponse> {
    return this.serialized(async () => {
      const populated = await this.populateCall(tx);
      const gasLimit =
        tx.gasLimit ??
        ((await this.provider.estimateGas({ ...populated, from: this.wallet.address })) * 12n) / 10n + 10_000n;
      const { hash, sendError } = await this.send({
        to: (populated.to as string | null) ?? null,
        data: populated.data ?? "0x",
        gas: toQuantity(gasLimit),
        nonce: this.nonce,
      });
      if (sendError) throw sendError;
      const response = await this.provider.getTransaction(hash);
      if (!response) throw new Error(`transaction ${hash} vanished`);
      return response;
    });
  }

  relay(to: string, data: string, gasLimit: bigint): Promise<MinedTransaction> {
    return this.serialized(async () => {
      const { receipt, sendError } = await this.send({ to, data, gas: toQuantity(gasLimit), nonce: this.nonce });
      if (sendError) throw sendError;
      return {
        txId: receipt.transactionHash,
        blockNumber: Number(receipt.blockNumber),
        blockHash: receipt.blockHash,
        success: receipt.status === "0x1",
        logs: receipt.logs,
      };
    });
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Mines one transaction at the next block time and journals it; a send error is returned once it is journaled. */
  private async send(tx: RelayedTransaction): Promise<{ hash: string; receipt: RpcReceipt; sendError?: unknown }> {
    const blockTime = Math.max(this.clock(), this.lastBlockTime);
    await this.provider.send("evm_setNextBlockTimestamp", [blockTime]);
    let hash: string | undefined;
    let sendError: unknown;
    try {
      hash = (await this.provider.send("eth_sendTransaction", [relayedRequest(this.wallet.address, tx)])) as string;
    } catch (err) {
      sendError = err;
      // Mined anyway (EDR answers an error for some failures after mining)? Then the nonce moved
      // and the relay's transaction is the last of the latest block: it must be journaled too.
      const count = Number(await this.provider.send("eth_getTransactionCount", [this.wallet.address, "latest"]));
      if (count > tx.nonce) {
        const block = (await this.provider.send("eth_getBlockByNumber", ["latest", false])) as {
          transactions: string[];
        };
        hash = block.transactions.at(-1);
      }
    }
    const receipt = hash
      ? ((await this.provider.send("eth_getTransactionReceipt", [hash])) as RpcReceipt | null)
      : null;
    if (!hash || !receipt) throw sendError ?? new Error(`transaction ${hash} was not mined`);
    // Journal before anything that depends on this transaction is acknowledged.
    await this.journal.append({ tx, hash, blockTime });
    this.nonce += 1;
    this.lastBlockTime = blockTime;
    return { hash, receipt, sendError };
  }
}
