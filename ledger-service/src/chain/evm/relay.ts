import { Transaction, isError, type Provider, type Signer, type TransactionRequest } from "ethers";
import { ChainUnavailableError, OutcomeUnknownError, type PendingTransaction } from "../backend.ts";

/**
 * The relay's way of getting calldata mined, as the batch path needs it: the transaction's
 * position and its raw logs, without ethers' TransactionResponse (which re-encodes a batch's
 * tens of kilobytes of calldata between hex and bytes several times).
 */
export interface RawLog {
  readonly address: string;
  readonly topics: readonly string[];
  /** 0x-prefixed hex. */
  readonly data: string;
}

export interface MinedTransaction {
  readonly txId: string;
  readonly blockNumber: number;
  readonly blockHash: string;
  /** The transaction succeeded (status 1). */
  readonly success: boolean;
  readonly logs: readonly RawLog[];
}

export interface RelaySender {
  /**
   * Sends `data` to `to` from the relay account with `gasLimit` and resolves once it is mined.
   * Rejects with ChainUnavailableError when nothing was sent, with OutcomeUnknownError when the
   * transaction may have been sent but its receipt could not be had.
   */
  relay(to: string, data: string, gasLimit: bigint): Promise<MinedTransaction>;
}

export interface SignerRelayOptions {
  /** How long to wait for the receipt of a sent transaction (default 30 s). */
  readonly receiptTimeoutMs?: number;
}

/** The connection to the node was never made: the request cannot have reached it. */
export function neverConnected(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (code === "ECONNREFUSED" || code === "EHOSTUNREACH" || code === "ENETUNREACH" || code === "ENOTFOUND") return true;
  return err instanceof Error && /ECONNREFUSED/.test(err.message);
}

/** The node answered the broadcast with a JSON-RPC error: it did not take the transaction. */
function refusedByNode(err: unknown): boolean {
  if (isError(err, "INSUFFICIENT_FUNDS") || isError(err, "REPLACEMENT_UNDERPRICED")) return true;
  const rpc = (err as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (typeof rpc?.code !== "number") return false;
  // "already known" / "nonce too low" may mean this very transaction is already in: ask later.
  return !/already known|known transaction|nonce too low|nonce has already been used/i.test(String(rpc.message ?? ""));
}

interface RpcReceipt {
  readonly transactionHash: string;
  readonly blockNumber: string;
  readonly blockHash: string;
  readonly status: string;
  readonly logs: readonly RawLog[];
}

function send<T>(provider: Provider, method: string, params: unknown[]): Promise<T> {
  const p = provider as unknown as { send?: (method: string, params: unknown[]) => Promise<T> };
  if (typeof p.send !== "function") throw new Error("the relay needs a JSON-RPC provider");
  return p.send(method, params);
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/**
 * A RelaySender over an ethers signer holding the relay's key (a Wallet). The transaction is
 * signed here, so its hash is known before it is sent: if the node stops answering after the
 * send, the caller learns which transaction to look for (OutcomeUnknownError), and the same
 * signed bytes can be sent again without any risk of a second transaction.
 */
export function signerRelay(
  signer: Signer,
  overrides: TransactionRequest = {},
  options: SignerRelayOptions = {},
): RelaySender {
  const receiptTimeoutMs = options.receiptTimeoutMs ?? 30_000;
  return {
    async relay(to, data, gasLimit) {
      const provider = signer.provider;
      if (!provider) throw new Error("the relay signer has no provider");
      let raw: string;
      try {
        // Only reads and local signing so far: a failure here sent nothing.
        const populated = await signer.populateTransaction({ gasLimit, ...overrides, to, data });
        raw = await signer.signTransaction(populated);
      } catch (err) {
        if (isError(err, "UNSUPPORTED_OPERATION")) return sendThroughNode(signer, provider, to, data, gasLimit);
        // Whatever went wrong (a nonce or fee read cut off, most often), no transaction exists yet.
        throw new ChainUnavailableError(`no transaction was sent: preparing it failed (${(err as Error).message})`, {
          cause: err,
        });
      }
      const tx = Transaction.from(raw);
      if (!tx.hash || !tx.from) throw new Error("the relay signer produced an unsigned transaction");
      const hash = tx.hash;
      const pending: PendingTransaction = { txId: hash, detail: { raw, from: tx.from, nonce: tx.nonce } };
      try {
        await send(provider, "eth_sendRawTransaction", [raw]);
      } catch (err) {
        if (neverConnected(err))
          throw new ChainUnavailableError(`EVM node unavailable: ${(err as Error).message}`, { cause: err });
        if (refusedByNode(err))
          throw new ChainUnavailableError(
            `the node refused transaction ${hash} (${(err as Error).message}); nothing was sent`,
            { cause: err },
          );
        throw new OutcomeUnknownError(
          `transaction ${hash} was sent but the node did not confirm it (${(err as Error).message})`,
          pending,
          { cause: err },
        );
      }
      const receipt = await waitForReceipt(provider, hash, receiptTimeoutMs).catch((err: unknown) => {
        throw new OutcomeUnknownError(
          `transaction ${hash} was sent; its receipt could not be read (${(err as Error).message})`,
          pending,
          { cause: err },
        );
      });
      return mined(receipt);
    },
  };
}

function mined(receipt: RpcReceipt): MinedTransaction {
  return {
    txId: receipt.transactionHash,
    blockNumber: Number(receipt.blockNumber),
    blockHash: receipt.blockHash,
    success: receipt.status === "0x1",
    logs: receipt.logs,
  };
}

async function waitForReceipt(provider: Provider, hash: string, timeoutMs: number): Promise<RpcReceipt> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 20; ; wait = Math.min(wait * 2, 1000)) {
    const receipt = await send<RpcReceipt | null>(provider, "eth_getTransactionReceipt", [hash]);
    if (receipt) return receipt;
    if (Date.now() + wait > deadline) throw new Error(`not mined within ${timeoutMs} ms`);
    await sleep(wait);
  }
}

/** A signer that cannot sign locally (the node holds the key): its hash is known only once sent. */
async function sendThroughNode(
  signer: Signer,
  provider: Provider,
  to: string,
  data: string,
  gasLimit: bigint,
): Promise<MinedTransaction> {
  let hash: string;
  try {
    hash = (await signer.sendTransaction({ gasLimit, to, data })).hash;
  } catch (err) {
    if (neverConnected(err))
      throw new ChainUnavailableError(`EVM node unavailable: ${(err as Error).message}`, { cause: err });
    throw new OutcomeUnknownError(`a transaction may have been sent (${(err as Error).message})`, {}, { cause: err });
  }
  return mined(
    await waitForReceipt(provider, hash, 30_000).catch((err: unknown) => {
      throw new OutcomeUnknownError(
        `transaction ${hash} was sent; its receipt could not be read`,
        { txId: hash },
        {
          cause: err,
        },
      );
    }),
  );
}

/**
 * The fate of a transaction signed by signerRelay: mined (receipt; a reverted one wrote
 * nothing), or dropped (its nonce was taken by another transaction: it can never be mined), or
 * unknown; an unknown one is sent again, which is harmless (identical bytes, one nonce) and
 * settles it on most nodes.
 */
export async function relayedOutcome(
  provider: Provider,
  pending: PendingTransaction,
): Promise<"landed" | "dropped" | "unknown"> {
  if (!pending.txId) return "unknown";
  const receipt = await send<RpcReceipt | null>(provider, "eth_getTransactionReceipt", [pending.txId]);
  if (receipt) return receipt.status === "0x1" ? "landed" : "dropped";
  const { raw, from, nonce } = (pending.detail ?? {}) as { raw?: string; from?: string; nonce?: number };
  if (raw === undefined || from === undefined || nonce === undefined) return "unknown";
  const next = Number(await send<string>(provider, "eth_getTransactionCount", [from, "latest"]));
  if (next > nonce) {
    // The nonce is used; by this transaction only if its receipt now shows (it may have been mined meanwhile).
    const again = await send<RpcReceipt | null>(provider, "eth_getTransactionReceipt", [pending.txId]);
    if (again) return again.status === "0x1" ? "landed" : "dropped";
    return "dropped";
  }
  try {
    await send(provider, "eth_sendRawTransaction", [raw]);
  } catch (err) {
    // A node refusing it now does not prove that no other node holds it: only a used nonce does.
    if (neverConnected(err)) throw new ChainUnavailableError(`EVM node unavailable: ${(err as Error).message}`);
  }
  const after = await send<RpcReceipt | null>(provider, "eth_getTransactionReceipt", [pending.txId]);
  return after ? (after.status === "0x1" ? "landed" : "dropped") : "unknown";
}
