import type { HistoryEntry, WorldState } from "../../../chaincode/src/ledger/world-state.ts";
import { compositeKey } from "../../../chaincode/src/ledger/world-state.ts";

/**
 * A test double of a Fabric peer's ledger that keeps the semantics the chaincode can observe
 * (the real peer cannot run on these machines):
 *
 * - a transaction is *simulated* against the committed state: reads see committed values only,
 *   never the transaction's own writes (no read-your-writes); writes are buffered in a write set;
 * - reads record the version (block, tx) of every key read, and range scans record the keys and
 *   versions they returned;
 * - at commit, transactions of a block are validated in order: a duplicate transaction id, a key
 *   whose version changed since simulation (MVCC_READ_CONFLICT) or a range whose results changed
 *   (PHANTOM_READ_CONFLICT) invalidates the transaction, whose writes are then discarded; valid
 *   transactions' writes apply in order, so a later transaction in the same block sees the
 *   earlier one's writes as conflicts;
 * - getHistoryForKey returns the committed values of a key, oldest first.
 */
export type ValidationCode =
  "VALID" | "MVCC_READ_CONFLICT" | "PHANTOM_READ_CONFLICT" | "DUPLICATE_TXID" | "ENDORSEMENT_FAILURE";

export interface Version {
  readonly block: number;
  readonly tx: number;
}

interface Committed {
  value: Buffer;
  version: Version;
}

export interface RangeRead {
  readonly start: string;
  readonly end: string;
  readonly results: readonly { key: string; version: Version }[];
}

export interface ReadWriteSet {
  readonly reads: ReadonlyMap<string, Version | null>;
  readonly ranges: readonly RangeRead[];
  /** null = delete */
  readonly writes: ReadonlyMap<string, Buffer | null>;
}

export interface CommittedTx {
  readonly txId: string;
  readonly blockNumber: number;
  readonly txNumber: number;
  readonly timestamp: number;
  readonly code: ValidationCode;
}

const sameVersion = (a: Version | null | undefined, b: Version | null | undefined) =>
  (a ?? null) === null ? (b ?? null) === null : b !== null && b !== undefined && a!.block === b.block && a!.tx === b.tx;

/** Fabric's partial-composite-key range: [prefix, prefix + U+10FFFF). */
export function prefixRange(objectType: string, attributes: readonly string[]): { start: string; end: string } {
  const start = compositeKey(objectType, attributes);
  return { start, end: start + "\u{10FFFF}" };
}

export class FabricLedger {
  private readonly state = new Map<string, Committed>();
  private readonly historyByKey = new Map<string, HistoryEntry[]>();
  private readonly txIds = new Set<string>();
  /** Block 0 is the genesis (configuration) block, as on a channel. */
  private height = 1;

  get blockHeight(): number {
    return this.height;
  }

  hasTxId(txId: string): boolean {
    return this.txIds.has(txId);
  }

  simulate(): TxSimulator {
    return new TxSimulator(this);
  }

  /** @internal */ committed(key: string): Committed | undefined {
    return this.state.get(key);
  }

  /** @internal */ sortedKeysIn(start: string, end: string): string[] {
    return [...this.state.keys()].filter((k) => k >= start && k < end).sort();
  }

  /** @internal */ historyOf(key: string): readonly HistoryEntry[] {
    return this.historyByKey.get(key) ?? [];
  }

  /** Validates and commits one block of endorsed transactions, in order. */
  commitBlock(txs: readonly { txId: string; timestamp: number; rwset: ReadWriteSet | undefined }[]): CommittedTx[] {
    const block = this.height++;
    return txs.map((tx, txNumber) => {
      const code = this.validate(tx.txId, tx.rwset);
      if (tx.txId.length > 0 && code !== "DUPLICATE_TXID") this.txIds.add(tx.txId);
      if (code === "VALID" && tx.rwset) this.apply(tx.rwset, { block, tx: txNumber }, tx.txId, tx.timestamp);
      return { txId: tx.txId, blockNumber: block, txNumber, timestamp: tx.timestamp, code };
    });
  }

  private validate(txId: string, rwset: ReadWriteSet | undefined): ValidationCode {
    if (this.txIds.has(txId)) return "DUPLICATE_TXID";
    if (!rwset) return "ENDORSEMENT_FAILURE";
    for (const [key, version] of rwset.reads) {
      if (!sameVersion(version, this.state.get(key)?.version)) return "MVCC_READ_CONFLICT";
    }
    for (const range of rwset.ranges) {
      const now = this.sortedKeysIn(range.start, range.end);
      if (now.length !== range.results.length) return "PHANTOM_READ_CONFLICT";
      for (let i = 0; i < now.length; i++) {
        const r = range.results[i]!;
        if (now[i] !== r.key || !sameVersion(r.version, this.state.get(r.key)?.version)) return "PHANTOM_READ_CONFLICT";
      }
    }
    return "VALID";
  }

  private apply(rwset: ReadWriteSet, version: Version, txId: string, timestamp: number): void {
    for (const [key, value] of rwset.writes) {
      if (value === null) this.state.delete(key);
      else this.state.set(key, { value, version });
      const history = this.historyByKey.get(key) ?? [];
      history.push({ txId, timestamp, isDelete: value === null, value: value ?? Buffer.alloc(0) });
      this.historyByKey.set(key, history);
    }
  }
}

/** One transaction's simulation: the WorldState the chaincode sees, and its read-write set. */
export class TxSimulator implements WorldState {
  private readonly reads = new Map<string, Version | null>();
  private readonly ranges: RangeRead[] = [];
  private readonly writes = new Map<string, Buffer | null>();

  constructor(private readonly ledger: FabricLedger) {}

  async getState(key: string): Promise<Uint8Array | undefined> {
    const entry = this.ledger.committed(key);
    if (!this.reads.has(key)) this.reads.set(key, entry?.version ?? null);
    return entry ? Buffer.from(entry.value) : undefined;
  }

  async putState(key: string, value: Uint8Array): Promise<void> {
    if (key.length === 0) throw new Error("empty key");
    this.writes.set(key, Buffer.from(value));
  }

  async deleteState(key: string): Promise<void> {
    this.writes.set(key, null);
  }

  async *scan(objectType: string, attributes: readonly string[]): AsyncIterable<{ key: string; value: Uint8Array }> {
    yield* this.range(prefixRange(objectType, attributes));
  }

  async *range({ start, end }: { start: string; end: string }): AsyncIterable<{ key: string; value: Uint8Array }> {
    const keys = this.ledger.sortedKeysIn(start, end);
    const results = keys.map((key) => ({ key, version: this.ledger.committed(key)!.version }));
    this.ranges.push({ start, end, results });
    for (const key of keys) yield { key, value: Buffer.from(this.ledger.committed(key)!.value) };
  }

  async *history(key: string): AsyncIterable<HistoryEntry> {
    yield* this.ledger.historyOf(key);
  }

  rwset(): ReadWriteSet {
    return { reads: new Map(this.reads), ranges: [...this.ranges], writes: new Map(this.writes) };
  }
}
