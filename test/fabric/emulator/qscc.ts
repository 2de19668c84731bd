import type { ChannelLedger } from "./channel-ledger.ts";

/**
 * The peer's query system chaincode, the part a client uses to follow the chain:
 * GetChainInfo (height and hashes), GetBlockByNumber, GetTransactionByID, GetBlockByTxID.
 * Arguments are [function, channel, parameter]; answers are the serialized protobufs a peer
 * returns (common.BlockchainInfo, common.Block, peer.ProcessedTransaction).
 */
export interface QsccAnswer {
  readonly status: number;
  readonly message: string;
  readonly payload: Uint8Array;
}

const ok = (payload: Uint8Array): QsccAnswer => ({ status: 200, message: "", payload });
const error = (message: string): QsccAnswer => ({ status: 500, message, payload: new Uint8Array() });

export function answerQscc(ledger: ChannelLedger, args: readonly string[]): QsccAnswer {
  const [fn = "", channel = "", param = ""] = args;
  if (channel !== ledger.channel) return error(`Invalid chain ID, ${channel}`);
  switch (fn) {
    case "GetChainInfo":
      return ok(ledger.chainInfo().serializeBinary());
    case "GetBlockByNumber": {
      const n = Number(param);
      const block = Number.isSafeInteger(n) && n >= 0 ? ledger.block(n) : undefined;
      return block ? ok(block.encoded) : error(`Failed to get block number ${param}, error Entry not found in index`);
    }
    case "GetTransactionByID": {
      const tx = ledger.processedTransaction(param);
      return tx
        ? ok(tx.serializeBinary())
        : error(`Failed to get transaction with id ${param}, error no such transaction ID [${param}] in index`);
    }
    case "GetBlockByTxID": {
      const tx = ledger.transaction(param);
      return tx
        ? ok(ledger.block(tx.blockNumber)!.encoded)
        : error(`Failed to get block for txID ${param}, error no such transaction ID [${param}] in index`);
    }
    default:
      return error(`Requested function ${fn} not found.`);
  }
}
