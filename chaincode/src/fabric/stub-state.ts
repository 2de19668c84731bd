import type { ChaincodeStub } from "fabric-shim";
import type { HistoryEntry, WorldState } from "../ledger/world-state.ts";

const seconds = (ts: { seconds: unknown } | null | undefined): number => (ts ? Number(String(ts.seconds)) : 0);

/** World state over the shim's stub: what the engine runs on inside a peer. */
export class StubWorldState implements WorldState {
  constructor(private readonly stub: ChaincodeStub) {}

  async getState(key: string): Promise<Uint8Array | undefined> {
    const value = await this.stub.getState(key);
    return value && value.length > 0 ? value : undefined;
  }

  putState(key: string, value: Uint8Array): Promise<void> {
    return this.stub.putState(key, value);
  }

  deleteState(key: string): Promise<void> {
    return this.stub.deleteState(key);
  }

  async *scan(objectType: string, attributes: readonly string[]): AsyncIterable<{ key: string; value: Uint8Array }> {
    const iterator = this.stub.getStateByPartialCompositeKey(objectType, [...attributes]);
    for await (const kv of iterator) yield { key: kv.key, value: kv.value };
  }

  async *history(key: string): AsyncIterable<HistoryEntry> {
    for await (const entry of this.stub.getHistoryForKey(key)) {
      yield { txId: entry.txId, timestamp: seconds(entry.timestamp), isDelete: entry.isDelete, value: entry.value };
    }
  }
}

export function txTime(stub: ChaincodeStub): number {
  return seconds(stub.getTxTimestamp());
}
