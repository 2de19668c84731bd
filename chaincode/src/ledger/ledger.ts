import { canonicalJson } from "../../../core/canonical.ts";
import { compositeKey, type HistoryEntry, type WorldState } from "./world-state.ts";

/**
 * The engine's transaction-scoped view of world state, with typed JSON values.
 *
 * Fabric gives a chaincode no read-your-writes: a getState after a putState in the same
 * transaction still returns the committed value. The engine therefore reads through its own
 * write cache, so that a rule never depends on which of the two behaviours a peer has. Writes
 * are buffered and flushed once, in key order, when the transaction's rules have all passed:
 * a rejected transaction writes nothing. Values are canonical JSON (RFC 8785), so every
 * endorsing peer produces byte-identical write sets.
 */
export class Ledger {
  private readonly pending = new Map<string, unknown | null>();
  private readonly cache = new Map<string, unknown>();

  constructor(private readonly state: WorldState) {}

  async get<T>(type: string, ...attributes: string[]): Promise<T | undefined> {
    const key = compositeKey(type, attributes);
    if (this.pending.has(key)) {
      const value = this.pending.get(key);
      return value === null ? undefined : (value as T);
    }
    if (this.cache.has(key)) return this.cache.get(key) as T | undefined;
    const bytes = await this.state.getState(key);
    const value = bytes && bytes.length > 0 ? (JSON.parse(Buffer.from(bytes).toString("utf8")) as T) : undefined;
    this.cache.set(key, value);
    return value;
  }

  async has(type: string, ...attributes: string[]): Promise<boolean> {
    return (await this.get(type, ...attributes)) !== undefined;
  }

  put(type: string, attributes: readonly string[], value: unknown): void {
    this.pending.set(compositeKey(type, attributes), value);
  }

  delete(type: string, ...attributes: string[]): void {
    this.pending.set(compositeKey(type, attributes), null);
  }

  /**
   * Committed entries under a prefix. Range reads see committed state only (as on a peer);
   * the engine never scans a prefix it has written in the same transaction.
   */
  async *scan<T>(type: string, ...attributes: string[]): AsyncIterable<{ key: string; value: T }> {
    for await (const { key, value } of this.state.scan(type, attributes)) {
      yield { key, value: JSON.parse(Buffer.from(value).toString("utf8")) as T };
    }
  }

  async *history<T>(
    type: string,
    ...attributes: string[]
  ): AsyncIterable<{ txId: string; timestamp: number; isDelete: boolean; value: T | undefined }> {
    for await (const entry of this.state.history(compositeKey(type, attributes)) as AsyncIterable<HistoryEntry>) {
      const value =
        entry.isDelete || entry.value.length === 0
          ? undefined
          : (JSON.parse(Buffer.from(entry.value).toString("utf8")) as T);
      yield { txId: entry.txId, timestamp: entry.timestamp, isDelete: entry.isDelete, value };
    }
  }

  async flush(): Promise<void> {
    const keys = [...this.pending.keys()].sort();
    for (const key of keys) {
      const value = this.pending.get(key);
      if (value === null) await this.state.deleteState(key);
      else await this.state.putState(key, Buffer.from(canonicalJson(value), "utf8"));
    }
    this.pending.clear();
  }
}
