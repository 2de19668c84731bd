import { AbstractSigner, Transaction, Wallet, keccak256, type JsonRpcApiProvider, type Provider, type TransactionRequest, type TransactionResponse, type TypedDataDomain, type TypedDataField } from "ethers";
import type { Logger } from "../../logger.ts";
import { ChainJournal } from "./journal.ts";

/**
 * Hardhat's EVM (EDR) in process, made durable by a journal: the service's only signer sends
 * zero-fee transactions with explicit nonces, and each mined transaction is journaled (raw
 * bytes + block time) before the service acknowledges anything that depends on it. On start,
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

  constructor(private readonly options: EmbeddedChainOptions) {
    this.journal = new ChainJournal(options.journalPath);
  }

  /** Opens the journal, starts a fresh EVM and replays every journaled transaction. */
  async start(): Promise<{ replayed: number }> {
    const { default: hre } = await import("hardhat");
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
      },
    });
    this.closeConnection = () => connection.close();
    const { ethers } = connection as unknown as { ethers: { provider: JsonRpcApiProvider } };
    this.provider = ethers.provider;
    await this.journal.open();
    const replayed = await this.replay();
    const wallet = new Wallet(this.options.relayPrivateKey);
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
      try {
        await this.provider.send("eth_sendRawTransaction", [entry.raw]);
      } catch {
        // A transaction that reverted the first time reverts again; it is still mined.
      }
      const receipt = await this.provider.send("eth_getTransactionReceipt", [entry.hash]);
      if (!receipt) throw new Error(`journal replay diverged at transaction ${n} (${entry.hash})`);
      n += 1;
    }
    if (n > 0) this.options.logger.info({ transactions: n, ms: Date.now() - started }, "replayed the embedded chain from its journal");
    return n;
  }

  async close(): Promise<void> {
    await this.closeConnection?.();
    await this.journal.close();
  }
}

/**
 * An ethers signer that only ever sends through the journal. Sends are serialized, so nonces
 * and journal order match the chain.
 */
export class JournalingSigner extends AbstractSigner {
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

  override signTypedData(domain: TypedDataDomain, types: Record<string, TypedDataField[]>, value: Record<string, unknown>): Promise<string> {
    return this.wallet.signTypedData(domain, types, value);
  }

  override sendTransaction(tx: TransactionRequest): Promise<TransactionResponse> {
    const run = this.queue.then(() => this.send(tx));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async send(request: TransactionRequest): Promise<TransactionResponse> {
    const populated = await this.populateCall(request);
    const gasLimit = request.gasLimit ?? ((await this.provider.estimateGas({ ...populated, from: this.wallet.address })) * 12n) / 10n + 10_000n;
    const tx = Transaction.from({
      type: 2,
      chainId: EMBEDDED_CHAIN_ID,
      nonce: this.nonce,
      to: populated.to as string | null,
      data: populated.data ?? "0x",
      value: populated.value ?? 0n,
      gasLimit,
      maxFeePerGas: 0n,
      maxPriorityFeePerGas: 0n,
    });
    const raw = await this.wallet.signTransaction(tx);
    const hash = keccak256(raw);
    const blockTime = Math.max(this.clock(), this.lastBlockTime);
    await this.provider.send("evm_setNextBlockTimestamp", [blockTime]);
    let sendError: unknown;
    try {
      await this.provider.send("eth_sendRawTransaction", [raw]);
    } catch (err) {
      sendError = err;
    }
    const mined = await this.provider.send("eth_getTransactionReceipt", [hash]);
    if (!mined) throw sendError ?? new Error(`transaction ${hash} was not mined`);
    // Journal before anything that depends on this transaction is acknowledged.
    await this.journal.append({ raw, hash, blockTime });
    this.nonce += 1;
    this.lastBlockTime = blockTime;
    if (sendError) throw sendError;
    const response = await this.provider.getTransaction(hash);
    if (!response) throw new Error(`transaction ${hash} vanished`);
    return response;
  }
}
