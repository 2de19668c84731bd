import "reflect-metadata";
import type { Context } from "fabric-contract-api";
import { Contract, Context as ContextClass, Info, Transaction } from "../../../chaincode/src/fabric/fabric-api.ts";

/**
 * TEST ONLY. A chaincode whose transactions each exercise one piece of the peer's state
 * semantics, so the emulator's tests can observe them through the real shim: reads after
 * writes, ranges, pagination, history, composite keys, events, errors, the creator and the
 * transaction time. Bundled by probe-package.ts and run under `fabric-chaincode-node server`.
 */

/** Declares `n` string parameters (esbuild emits no design:paramtypes), then @Transaction. */
function tx(n: number) {
  return (target: object, key: string, descriptor: PropertyDescriptor): void => {
    Reflect.defineMetadata(
      "design:paramtypes",
      [ContextClass, ...Array<StringConstructor>(n).fill(String)],
      target,
      key,
    );
    Reflect.defineMetadata("design:returntype", String, target, key);
    (Transaction(true) as (t: object, k: string, d: PropertyDescriptor) => void)(target, key, descriptor);
  };
}

const text = (value: Uint8Array | undefined) =>
  value && value.length > 0 ? Buffer.from(value).toString("utf8") : null;

@Info({ title: "probe", description: "Probes of the peer's state semantics." })
export class ProbeContract extends Contract {
  constructor() {
    super("probe");
  }

  @tx(2)
  async put(ctx: Context, key: string, value: string): Promise<string> {
    await ctx.stub.putState(key, Buffer.from(value));
    return "";
  }

  @tx(1)
  async get(ctx: Context, key: string): Promise<string> {
    return JSON.stringify(text(await ctx.stub.getState(key)));
  }

  @tx(1)
  async del(ctx: Context, key: string): Promise<string> {
    await ctx.stub.deleteState(key);
    return "";
  }

  /** Writes, then reads the same key: Fabric returns the committed value, not the write. */
  @tx(2)
  async putThenGet(ctx: Context, key: string, value: string): Promise<string> {
    await ctx.stub.putState(key, Buffer.from(value));
    return JSON.stringify(text(await ctx.stub.getState(key)));
  }

  /** Reads a counter and writes it back incremented. */
  @tx(1)
  async incr(ctx: Context, key: string): Promise<string> {
    const next = Number(text(await ctx.stub.getState(key)) ?? "0") + 1;
    await ctx.stub.putState(key, Buffer.from(String(next)));
    return String(next);
  }

  @tx(2)
  async keys(ctx: Context, start: string, end: string): Promise<string> {
    const keys: string[] = [];
    for await (const kv of ctx.stub.getStateByRange(start, end)) keys.push(kv.key);
    return JSON.stringify(keys);
  }

  /** Counts the keys in [start, end), then writes `key`: its range read can become a phantom. */
  @tx(3)
  async countThenPut(ctx: Context, start: string, end: string, key: string): Promise<string> {
    let count = 0;
    for await (const kv of ctx.stub.getStateByRange(start, end)) if (kv.key) count++;
    await ctx.stub.putState(key, Buffer.from(String(count)));
    return String(count);
  }

  @tx(4)
  async page(ctx: Context, start: string, end: string, pageSize: string, bookmark: string): Promise<string> {
    const { iterator, metadata } = await ctx.stub.getStateByRangeWithPagination(start, end, Number(pageSize), bookmark);
    const keys: string[] = [];
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) keys.push(r.value.key);
    await iterator.close();
    return JSON.stringify({ keys, bookmark: metadata.bookmark, fetched: metadata.fetchedRecordsCount });
  }

  /** A write then a paginated query: Fabric refuses the query. */
  @tx(1)
  async putThenPage(ctx: Context, key: string): Promise<string> {
    await ctx.stub.putState(key, Buffer.from("x"));
    await ctx.stub.getStateByRangeWithPagination("", "", 10, "");
    return "";
  }

  @tx(4)
  async putComposite(ctx: Context, type: string, a: string, b: string, value: string): Promise<string> {
    await ctx.stub.putState(ctx.stub.createCompositeKey(type, [a, b]), Buffer.from(value));
    return "";
  }

  @tx(2)
  async listComposite(ctx: Context, type: string, a: string): Promise<string> {
    const found: string[][] = [];
    for await (const kv of ctx.stub.getStateByPartialCompositeKey(type, a ? [a] : []))
      found.push(ctx.stub.splitCompositeKey(kv.key).attributes);
    return JSON.stringify(found);
  }

  @tx(1)
  async history(ctx: Context, key: string): Promise<string> {
    const entries = [];
    for await (const m of ctx.stub.getHistoryForKey(key)) {
      entries.push({
        txId: m.txId,
        value: Buffer.from(m.value).toString("utf8"),
        isDelete: m.isDelete,
        seconds: Number(String(m.timestamp.seconds)),
      });
    }
    return JSON.stringify(entries);
  }

  /** Sets two events: only the last one survives. */
  @tx(2)
  async emit(ctx: Context, name: string, payload: string): Promise<string> {
    ctx.stub.setEvent("overwritten", Buffer.from("first"));
    ctx.stub.setEvent(name, Buffer.from(payload));
    await ctx.stub.putState(`event~${name}~${ctx.stub.getTxID()}`, Buffer.from(payload));
    return ctx.stub.getTxID();
  }

  @tx(1)
  async fail(_ctx: Context, message: string): Promise<string> {
    throw new Error(message);
  }

  @tx(0)
  async richQuery(ctx: Context): Promise<string> {
    for await (const kv of ctx.stub.getQueryResult('{"selector":{}}')) return kv.key;
    return "";
  }

  @tx(0)
  async whoami(ctx: Context): Promise<string> {
    const ts = ctx.stub.getTxTimestamp();
    return JSON.stringify({
      id: ctx.clientIdentity.getID(),
      mspId: ctx.clientIdentity.getMSPID(),
      txId: ctx.stub.getTxID(),
      seconds: Number(String(ts.seconds)),
      localMsp: ctx.stub.getMspID(),
    });
  }
}

export const contracts = [ProbeContract];
