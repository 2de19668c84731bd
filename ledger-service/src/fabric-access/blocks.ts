import type { Contract } from "@hyperledger/fabric-gateway";
import { common, peer } from "@hyperledger/fabric-protos";
import type { ChainPosition } from "./cursor.ts";
import { setBounded } from "../../../core/bounded-map.ts";

/**
 * What the chaincode events alone do not say, read from the channel's blocks through the
 * peer's query system chaincode (qscc, evaluated like any chaincode): the chain height, and
 * for each block its transactions' ids, positions, validation and timestamps. A ChaincodeEvent
 * carries neither its transaction's position in the block (the cursor) nor its timestamp (the
 * record's time on chain), and the events stream never ends, so catching up needs to know
 * where the last event before the current height is.
 */
export interface BlockTransaction {
  readonly txId: string;
  readonly index: number;
  readonly valid: boolean;
  /** ChannelHeader timestamp (the submitting client's clock), Unix seconds. */
  readonly timestamp: number;
  /** Whether the transaction is valid and emitted an event of our chaincode. */
  readonly hasEvent: boolean;
}

export interface BlockSummary {
  readonly number: number;
  readonly transactions: readonly BlockTransaction[];
}

const VALID = 0;
const TRANSACTIONS_FILTER = common.BlockMetadataIndex.TRANSACTIONS_FILTER;
const CACHE_BLOCKS = 1024;

/** The chaincode event an endorser transaction emitted, if any (at most one per transaction). */
function chaincodeEventOf(
  envelope: InstanceType<typeof common.Envelope>,
): InstanceType<typeof peer.ChaincodeEvent> | undefined {
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const action = tx.getActionsList()[0];
  if (!action) return undefined;
  const cap = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
  const endorsed = cap.getAction();
  if (!endorsed) return undefined;
  const prp = peer.ProposalResponsePayload.deserializeBinary(endorsed.getProposalResponsePayload_asU8());
  const events = peer.ChaincodeAction.deserializeBinary(prp.getExtension_asU8()).getEvents_asU8();
  if (events.length === 0) return undefined;
  const event = peer.ChaincodeEvent.deserializeBinary(events);
  return event.getEventName() ? event : undefined;
}

function eventChaincodeOf(envelope: InstanceType<typeof common.Envelope>): string | undefined {
  return chaincodeEventOf(envelope)?.getChaincodeId();
}

/** One transaction of a block as a verifier needs it: validity, time and the event it emitted. */
export interface TransactionInBlock {
  readonly index: number;
  readonly valid: boolean;
  /** ChannelHeader timestamp, Unix seconds. */
  readonly timestamp: number;
  readonly channel: string;
  readonly event?: { readonly chaincodeId: string; readonly name: string; readonly payload: Uint8Array };
}

/** Finds transaction `txId` in an encoded block (as qscc GetBlockByNumber returns it). */
export function transactionInBlock(encoded: Uint8Array, txId: string): TransactionInBlock | undefined {
  const block = common.Block.deserializeBinary(encoded);
  const filter = block.getMetadata()?.getMetadataList_asU8()[TRANSACTIONS_FILTER] ?? new Uint8Array();
  const data = block.getData()?.getDataList_asU8() ?? [];
  for (let index = 0; index < data.length; index++) {
    const envelope = common.Envelope.deserializeBinary(data[index]!);
    const header = common.Payload.deserializeBinary(envelope.getPayload_asU8()).getHeader();
    const channelHeader = common.ChannelHeader.deserializeBinary(header?.getChannelHeader_asU8() ?? new Uint8Array());
    if (channelHeader.getTxId() !== txId) continue;
    const valid = filter[index] === VALID;
    let event: TransactionInBlock["event"];
    if (channelHeader.getType() === common.HeaderType.ENDORSER_TRANSACTION) {
      try {
        const e = chaincodeEventOf(envelope);
        if (e) event = { chaincodeId: e.getChaincodeId(), name: e.getEventName(), payload: e.getPayload_asU8() };
      } catch {
        event = undefined;
      }
    }
    return {
      index,
      valid,
      timestamp: channelHeader.getTimestamp()?.getSeconds() ?? 0,
      channel: channelHeader.getChannelId(),
      ...(event ? { event } : {}),
    };
  }
  return undefined;
}

export function summarizeBlock(encoded: Uint8Array, chaincode: string): BlockSummary {
  const block = common.Block.deserializeBinary(encoded);
  const filter = block.getMetadata()?.getMetadataList_asU8()[TRANSACTIONS_FILTER] ?? new Uint8Array();
  const transactions = (block.getData()?.getDataList_asU8() ?? []).map((data, index): BlockTransaction => {
    const envelope = common.Envelope.deserializeBinary(data);
    const header = common.Payload.deserializeBinary(envelope.getPayload_asU8()).getHeader();
    const channelHeader = common.ChannelHeader.deserializeBinary(header?.getChannelHeader_asU8() ?? new Uint8Array());
    const valid = filter[index] === VALID;
    const isEndorserTx = channelHeader.getType() === common.HeaderType.ENDORSER_TRANSACTION;
    let hasEvent = false;
    if (valid && isEndorserTx) {
      try {
        hasEvent = eventChaincodeOf(envelope) === chaincode;
      } catch {
        hasEvent = false;
      }
    }
    return {
      txId: channelHeader.getTxId(),
      index,
      valid,
      timestamp: channelHeader.getTimestamp()?.getSeconds() ?? 0,
      hasEvent,
    };
  });
  return { number: block.getHeader()?.getNumber() ?? 0, transactions };
}

export class ChainReader {
  private readonly cache = new Map<number, BlockSummary>();

  constructor(
    private readonly qscc: Contract,
    private readonly channel: string,
    private readonly chaincode: string,
  ) {}

  async height(): Promise<number> {
    const info = common.BlockchainInfo.deserializeBinary(
      await this.qscc.evaluateTransaction("GetChainInfo", this.channel),
    );
    return info.getHeight();
  }

  async block(number: number): Promise<BlockSummary> {
    const cached = this.cache.get(number);
    if (cached) return cached;
    const summary = summarizeBlock(
      await this.qscc.evaluateTransaction("GetBlockByNumber", this.channel, String(number)),
      this.chaincode,
    );
    setBounded(this.cache, number, summary, CACHE_BLOCKS);
    return summary;
  }

  /**
   * The position of the last event of our chaincode in blocks [after.block, lastBlock] that
   * comes after `after`, scanning back from `lastBlock` (usually the newest block has one).
   */
  async lastEventAfter(after: ChainPosition, lastBlock: number): Promise<ChainPosition | undefined> {
    for (let n = lastBlock; n >= after.block; n--) {
      const txs = (await this.block(n)).transactions;
      for (let i = txs.length - 1; i >= 0; i--) {
        const tx = txs[i]!;
        if (n === after.block && tx.index <= after.index) return undefined;
        if (tx.hasEvent) return { block: n, index: tx.index };
      }
    }
    return undefined;
  }
}
