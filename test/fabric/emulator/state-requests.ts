import { randomUUID } from "node:crypto";
import type { TxSimulator } from "../semantics/world-state.ts";
import type { WireState } from "./channel-ledger.ts";
import { bytes, ledger, MessageType, peer, timestamp, type MessageTypeCode } from "./protos.ts";

/**
 * The peer's side of one transaction's state requests (core/chaincode/handler.go), answered
 * from a TxSimulator over the committed state:
 *
 * - GET_STATE / GET_STATE_MULTIPLE read committed values only (no read-your-writes) and record
 *   the versions read; a missing key is an empty RESPONSE, not an error;
 * - PUT_STATE with an empty value is a delete (Fabric's write set has no empty values);
 * - GET_STATE_BY_RANGE returns KVs in UTF-8 key order, start inclusive, end exclusive, an empty
 *   end meaning unbounded, in batches of `batchSize` with has_more and an iterator id that
 *   QUERY_STATE_NEXT / QUERY_STATE_CLOSE continue and release; with QueryMetadata it pages
 *   (pageSize, bookmark = next key or "" when exhausted) and the transaction becomes read-only,
 *   as Fabric forbids paginated queries and writes in one transaction;
 * - GET_HISTORY_FOR_KEY returns the key's committed modifications newest first;
 * - GET_STATE_METADATA answers no metadata (the emulator keeps none); rich queries, private
 *   data, state metadata writes and chaincode-to-chaincode calls are refused with the error a
 *   LevelDB peer without collections would give, so a chaincode relying on them fails here too.
 *
 * Range reads are recorded for phantom validation with every key of the range (Fabric records
 * only the keys the iterator actually returned): a little stricter than a real peer.
 */
export interface StateReply {
  readonly type: MessageTypeCode;
  readonly payload: Uint8Array;
}

const ok = (payload: Uint8Array = new Uint8Array()): StateReply => ({ type: MessageType.RESPONSE, payload });
const fail = (message: string): StateReply => ({ type: MessageType.ERROR, payload: Buffer.from(message, "utf8") });

interface OpenIterator {
  readonly results: peer.QueryResultBytes[];
  next: number;
}

export class TxStateHandler {
  private readonly iterators = new Map<string, OpenIterator>();
  private wrote = false;
  private paginated = false;

  constructor(
    private readonly namespace: string,
    private readonly state: WireState,
    private readonly simulator: TxSimulator,
    private readonly batchSize: number,
  ) {}

  async handle(type: MessageTypeCode, payload: Uint8Array): Promise<StateReply> {
    try {
      switch (type) {
        case MessageType.GET_STATE:
          return await this.getState(peer.GetState.deserializeBinary(payload));
        case MessageType.GET_STATE_MULTIPLE:
          return await this.getStateMultiple(peer.GetStateMultiple.deserializeBinary(payload));
        case MessageType.PUT_STATE:
          return await this.putState(peer.PutState.deserializeBinary(payload));
        case MessageType.DEL_STATE:
          return await this.delState(peer.DelState.deserializeBinary(payload));
        case MessageType.GET_STATE_BY_RANGE:
          return await this.range(peer.GetStateByRange.deserializeBinary(payload));
        case MessageType.QUERY_STATE_NEXT:
          return this.next(peer.QueryStateNext.deserializeBinary(payload).getId());
        case MessageType.QUERY_STATE_CLOSE:
          return this.close(peer.QueryStateClose.deserializeBinary(payload).getId());
        case MessageType.GET_HISTORY_FOR_KEY:
          return this.history(peer.GetHistoryForKey.deserializeBinary(payload).getKey());
        case MessageType.GET_STATE_METADATA:
          return await this.getStateMetadata(peer.GetStateMetadata.deserializeBinary(payload));
        case MessageType.GET_QUERY_RESULT:
          return fail("ExecuteQuery not supported for leveldb");
        case MessageType.PUT_STATE_METADATA:
          return fail("state metadata (key-level endorsement policies) is not supported by the peer emulator");
        case MessageType.GET_PRIVATE_DATA_HASH:
        case MessageType.PURGE_PRIVATE_DATA:
          return fail("private data is not supported: the channel defines no collections");
        case MessageType.INVOKE_CHAINCODE:
          return fail("chaincode-to-chaincode invocation is not supported by the peer emulator");
        default:
          return fail(`the peer cannot handle message type ${type} during a transaction`);
      }
    } catch (err) {
      return fail(err instanceof Error ? err.message : String(err));
    }
  }

  private noCollection(collection: string): void {
    if (collection)
      throw new Error(`collection ${collection} is not defined: the channel defines no private data collections`);
  }

  private async getState(req: peer.GetState): Promise<StateReply> {
    this.noCollection(req.getCollection());
    return ok((await this.simulator.getState(req.getKey())) ?? new Uint8Array());
  }

  private async getStateMultiple(req: peer.GetStateMultiple): Promise<StateReply> {
    this.noCollection(req.getCollection());
    const result = new peer.GetStateMultipleResult();
    for (const key of req.getKeysList()) result.addValues((await this.simulator.getState(key)) ?? new Uint8Array());
    return ok(result.serializeBinary());
  }

  private beforeWrite(key: string, collection: string): void {
    this.noCollection(collection);
    if (!key) throw new Error("key must not be an empty string");
    if (this.paginated) throw new Error("txsimulator: transaction with paginated queries cannot write");
    this.wrote = true;
  }

  private async putState(req: peer.PutState): Promise<StateReply> {
    this.beforeWrite(req.getKey(), req.getCollection());
    const value = bytes(req.getValue());
    if (value.length === 0) await this.simulator.deleteState(req.getKey());
    else await this.simulator.putState(req.getKey(), value);
    return ok();
  }

  private async delState(req: peer.DelState): Promise<StateReply> {
    this.beforeWrite(req.getKey(), req.getCollection());
    await this.simulator.deleteState(req.getKey());
    return ok();
  }

  private async range(req: peer.GetStateByRange): Promise<StateReply> {
    this.noCollection(req.getCollection());
    const metadataBytes = bytes(req.getMetadata());
    const metadata = metadataBytes.length > 0 ? peer.QueryMetadata.deserializeBinary(metadataBytes) : undefined;
    if (metadata) {
      if (this.wrote) return fail("txsimulator: transaction with writes cannot run paginated queries");
      this.paginated = true;
    }
    // A paginated query continues from its bookmark, which is the first key of the page.
    const start = metadata?.getBookmark() || req.getStartkey();
    const all: { key: string; value: Uint8Array }[] = [];
    for await (const kv of this.simulator.range({ start, end: req.getEndkey() })) all.push(kv);
    let rows = all;
    let responseMetadata: Uint8Array | undefined;
    if (metadata) {
      const pageSize = metadata.getPagesize();
      rows = pageSize > 0 ? all.slice(0, pageSize) : all;
      const meta = new peer.QueryResponseMetadata();
      meta.setFetchedRecordsCount(rows.length);
      meta.setBookmark(all[rows.length]?.key ?? "");
      responseMetadata = meta.serializeBinary();
    }
    const results = rows.map(({ key, value }) => {
      const kv = new ledger.queryresult.KV();
      kv.setNamespace(this.namespace);
      kv.setKey(key);
      kv.setValue(value);
      return resultBytes(kv.serializeBinary());
    });
    return ok(this.open(results, responseMetadata).serializeBinary());
  }

  private history(key: string): StateReply {
    const results = [...this.state.historyOf(key)].reverse().map((entry) => {
      const modification = new ledger.queryresult.KeyModification();
      modification.setTxId(entry.txId);
      modification.setValue(entry.value);
      modification.setTimestamp(timestamp(entry.timestamp));
      modification.setIsDelete(entry.isDelete);
      return resultBytes(modification.serializeBinary());
    });
    return ok(this.open(results).serializeBinary());
  }

  private async getStateMetadata(req: peer.GetStateMetadata): Promise<StateReply> {
    this.noCollection(req.getCollection());
    await this.simulator.getState(req.getKey());
    return ok(new peer.StateMetadataResult().serializeBinary());
  }

  /** The first batch of a result set; the rest stays behind an iterator id. */
  private open(results: peer.QueryResultBytes[], metadata?: Uint8Array): peer.QueryResponse {
    const id = randomUUID();
    const iterator = { results, next: 0 };
    this.iterators.set(id, iterator);
    const response = this.batch(id, iterator);
    if (metadata) response.setMetadata(metadata);
    return response;
  }

  private batch(id: string, iterator: OpenIterator): peer.QueryResponse {
    const response = new peer.QueryResponse();
    response.setResultsList(iterator.results.slice(iterator.next, iterator.next + this.batchSize));
    iterator.next += this.batchSize;
    response.setHasMore(iterator.next < iterator.results.length);
    response.setId(id);
    if (!response.getHasMore()) this.iterators.delete(id);
    return response;
  }

  private next(id: string): StateReply {
    const iterator = this.iterators.get(id);
    if (!iterator) return fail(`query iterator ${id} not found`);
    return ok(this.batch(id, iterator).serializeBinary());
  }

  private close(id: string): StateReply {
    this.iterators.delete(id);
    const response = new peer.QueryResponse();
    response.setHasMore(false);
    response.setId(id);
    return ok(response.serializeBinary());
  }
}

function resultBytes(encoded: Uint8Array): peer.QueryResultBytes {
  const r = new peer.QueryResultBytes();
  r.setResultbytes(encoded);
  return r;
}
