import type { Signer, TransactionRequest } from "ethers";

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
  /** Sends `data` to `to` from the relay account with `gasLimit` and resolves once it is mined. */
  relay(to: string, data: string, gasLimit: bigint): Promise<MinedTransaction>;
}

/** A RelaySender over any ethers signer (a JSON-RPC node with the relay's key held locally). */
export function signerRelay(signer: Signer, overrides: TransactionRequest = {}): RelaySender {
  return {
    async relay(to, data, gasLimit) {
      const sent = await signer.sendTransaction({ gasLimit, ...overrides, to, data });
      const receipt = await sent.wait();
      if (!receipt) throw new Error(`transaction ${sent.hash} was not mined`);
      return {
        txId: receipt.hash,
        blockNumber: receipt.blockNumber,
        blockHash: receipt.blockHash,
        success: receipt.status === 1,
        logs: receipt.logs.map((l) => ({ address: l.address, topics: l.topics, data: l.data })),
      };
    },
  };
}
