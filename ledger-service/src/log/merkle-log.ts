import { setBounded } from "../../../core/bounded-map.ts";
import type { BatchOp } from "../storage/level.ts";
import { LogError } from "./errors.ts";
import { Frontier, type Tile } from "./frontier.ts";
import {
  consistencyRanges,
  decompose,
  emptyRoot,
  inclusionRanges,
  nodeHash,
  SM3,
  type HashFn,
  type Range,
} from "./rfc9162.ts";
import { clearLayoutOneLeftovers, migrateFromLayoutOne } from "./migrate.ts";
import { LAYOUT_VERSION, LogStore } from "./log-store.ts";
import { FULL_TILE_HASHES, locate, slot, TILE_HEIGHT, type NodeId, type NodeSpot, type TileId } from "./tiles.ts";
import { hasherFor, type TreeHasher } from "./tree-hasher.ts";

/**
 * The durable append-only Merkle log (RFC 9162 shape) over `LogStore` (LevelDB).
 *
 * Every append stores the entry, and its leaf hash and the complete subtrees it closes in the
 * log's tiles (`tiles.ts`): a batch writes one value per entry, one per tile it fills and the
 * partial tile of each level it extends. MTH(D[start:start+size]) of any subtree at any past
 * size is then a fold of at most ⌈log₂ n⌉ complete subtrees, each a lookup in its tile, and an
 * inclusion or consistency proof at the current size reads at most one tile per tile level below
 * the top one, which is in memory (2 at 10M leaves), and at a past size at most two per level.
 * The right edge of the current tree (`Frontier`: the rightmost, partial tile of each level) is
 * kept in memory, so the current root needs no read at all and recent entries' proofs few.
 *
 * Appends from concurrent callers are coalesced: whatever is queued while a write is on disk goes
 * into the next single LevelDB batch, written with sync: true together with the new size. An
 * append resolves only after that, so after a crash (kill -9) the log reopens at a size ≥ the
 * last one acknowledged, and never half-way through a batch.
 */
export interface LogEntry {
  /** A caller key (e.g. a chain event's cursor): appending a key already logged returns its index. */
  readonly key: string;
  readonly data: Uint8Array;
}

export interface AppendResult {
  /** Index of the first entry of this call. */
  readonly firstIndex: number;
  /** Tree size right after the batch that carried this call (≥ firstIndex + entries.length). */
  readonly size: number;
}

export interface MerkleLogOptions {
  /** The tree's hash function (default SM3). A store is bound to the hash it was created with. */
  readonly hash?: HashFn;
  /** Largest entry accepted, in bytes (default 1 MiB). */
  readonly maxEntryBytes?: number;
  /** Largest number of entries written in one LevelDB batch (default 50,000). */
  readonly maxBatchEntries?: number;
}

type Job =
  | { kind: "plain"; entries: readonly Uint8Array[]; resolve: (r: AppendResult) => void; reject: (e: unknown) => void }
  | { kind: "keyed"; entries: readonly LogEntry[]; resolve: (r: number[]) => void; reject: (e: unknown) => void };

const isCount = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;

export class MerkleLog {
  private hashId = "";
  /** The acknowledged tree's right edge; replaced, never changed, when a batch is durable. */
  private frontier: Frontier;
  private readonly hasher: TreeHasher;
  private readonly queue: Job[] = [];
  private writing: Promise<void> | undefined;
  private readonly listeners = new Set<(size: number) => void>();
  private closed = false;
  /** The entries appended last, by index: a write's receipt reads its own entry right after. */
  private readonly recentEntries = new Map<number, Buffer>();
  readonly maxEntryBytes: number;
  readonly maxBatchEntries: number;

  private constructor(
    readonly store: LogStore,
    readonly hash: HashFn,
    options: MerkleLogOptions,
  ) {
    this.maxEntryBytes = options.maxEntryBytes ?? 1 << 20;
    this.maxBatchEntries = options.maxBatchEntries ?? 50_000;
    this.hasher = hasherFor(hash);
    this.frontier = Frontier.empty(this.hasher);
  }

  private get treeSize(): number {
    return this.frontier.size;
  }

  /** Opens (or creates) the log at `location`; `options` may also be just the hash function. */
  static async open(location: string, options: MerkleLogOptions | HashFn = {}): Promise<MerkleLog> {
    const opts = typeof options === "function" ? { hash: options } : options;
    const hash = opts.hash ?? SM3;
    const store = await LogStore.open(location);
    try {
      const log = new MerkleLog(store, hash, opts);
      const hashId = Buffer.from(emptyRoot(hash)).toString("hex");
      log.hashId = hashId;
      let state = await store.state();
      if (state && state.hashId !== hashId)
        throw new LogError("LOG_HASH_MISMATCH", "the log was created with another hash function");
      if (state?.version === 1) {
        await migrateFromLayoutOne(store, log.hasher, state);
        state = await store.state();
      }
      if (state && (state.version !== LAYOUT_VERSION || state.tileHeight !== TILE_HEIGHT))
        throw new LogError(
          "LOG_CORRUPT",
          `the store has layout version ${String(state.version)}; this log reads version ${LAYOUT_VERSION} (tiles of height ${TILE_HEIGHT})`,
        );
      if (state && !isCount(state.size)) throw new LogError("LOG_CORRUPT", "the stored tree size is not a count");
      if (!state) await store.write([log.stateOp(0)]);
      else await clearLayoutOneLeftovers(store);
      const size = state?.size ?? 0;
      const partial = Frontier.partialTiles(size);
      const stored = store.getTiles(partial);
      const byLevel: (Uint8Array | undefined)[] = [];
      partial.forEach((p, i) => (byLevel[p.tileLevel] = stored[i]));
      log.frontier = Frontier.restore(log.hasher, size, byLevel);
      return log;
    } catch (err) {
      await store.close();
      throw err;
    }
  }

  /** The acknowledged tree size: every entry below it is durably stored. */
  get size(): number {
    return this.treeSize;
  }

  /** Calls `listener(size)` after every acknowledged batch; returns the unsubscribe function. */
  onAppend(listener: (size: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Appends entries durably and in order. Resolves once they are on disk (one atomic, synced
   * batch, possibly shared with concurrent callers) with the index of the first and the new size.
   */
  append(entries: readonly Uint8Array[]): Promise<AppendResult> {
    for (const e of entries) this.checkEntry(e);
    if (entries.length === 0) return Promise.resolve({ firstIndex: this.treeSize, size: this.treeSize });
    return new Promise((resolve, reject) => this.enqueue({ kind: "plain", entries, resolve, reject }));
  }

  /**
   * Appends keyed entries; an entry whose key is already logged (or earlier in the same call)
   * is not appended again and gets its existing index: replaying after a crash is harmless.
   */
  appendKeyed(entries: readonly LogEntry[]): Promise<number[]> {
    for (const e of entries) {
      if (typeof e?.key !== "string" || e.key.length === 0)
        throw new LogError("LOG_RANGE", "a keyed entry needs a non-empty string key");
      this.checkEntry(e.data);
    }
    if (entries.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => this.enqueue({ kind: "keyed", entries, resolve, reject }));
  }

  private checkEntry(data: unknown): void {
    if (!(data instanceof Uint8Array)) throw new LogError("LOG_RANGE", "an entry must be a Uint8Array");
    if (data.length > this.maxEntryBytes)
      throw new LogError(
        "LOG_ENTRY_TOO_LARGE",
        `an entry of ${data.length} bytes exceeds the ${this.maxEntryBytes}-byte limit`,
      );
  }

  private enqueue(job: Job): void {
    if (this.closed) {
      job.reject(new LogError("LOG_CLOSED", "the log is closed"));
      return;
    }
    this.queue.push(job);
    this.writing ??= this.drain();
  }

  private async drain(): Promise<void> {
    // Let callers of the same tick join the first batch.
    await Promise.resolve();
    while (this.queue.length > 0) {
      let count = 0;
      let take = 0;
      while (
        take < this.queue.length &&
        (take === 0 || count + this.queue[take]!.entries.length <= this.maxBatchEntries)
      )
        count += this.queue[take++]!.entries.length;
      await this.writeBatch(this.queue.splice(0, take));
    }
    this.writing = undefined;
  }

  private stateOp(size: number): BatchOp {
    return this.store.stateOp({ version: LAYOUT_VERSION, size, hashId: this.hashId, tileHeight: TILE_HEIGHT });
  }

  private async writeBatch(jobs: Job[]): Promise<void> {
    const ops: BatchOp[] = [];
    const before = this.frontier;
    const next = before.clone();
    const results: (AppendResult | number[])[] = [];
    const written: [number, Buffer][] = [];
    const full = (t: Tile) => ops.push(this.store.tileOp(t.tileLevel, t.tileIndex, t.hashes));
    const add = (data: Uint8Array): number => {
      const index = next.append(data, full);
      ops.push(this.store.entryOp(index, data));
      written.push([index, Buffer.from(data)]);
      return index;
    };
    try {
      // Which keys are logged already: one read for the whole batch.
      const keys = jobs.flatMap((job) => (job.kind === "keyed" ? job.entries.map((e) => e.key) : []));
      const seen = new Map<string, number>();
      (await this.store.indexesOfKeys(keys)).forEach((index, i) => index !== undefined && seen.set(keys[i]!, index));
      for (const job of jobs) {
        if (job.kind === "plain") {
          const firstIndex = next.size;
          for (const data of job.entries) add(data);
          results.push({ firstIndex, size: 0 });
        } else {
          const indexes: number[] = [];
          for (const entry of job.entries) {
            let index = seen.get(entry.key);
            if (index === undefined) {
              index = add(entry.data);
              ops.push(this.store.keyOp(entry.key, index));
              seen.set(entry.key, index);
            }
            indexes.push(index);
          }
          results.push(indexes);
        }
      }
      for (const t of next.partialSince(before.size)) ops.push(this.store.tileOp(t.tileLevel, t.tileIndex, t.hashes));
      ops.push(this.stateOp(next.size));
      await this.store.write(ops, true);
    } catch (err) {
      for (const job of jobs) job.reject(err);
      return;
    }
    this.frontier = next;
    for (const [index, data] of written) setBounded(this.recentEntries, index, data, 1024);
    const size = next.size;
    jobs.forEach((job, i) => {
      const r = results[i]!;
      if (job.kind === "plain") job.resolve({ firstIndex: (r as AppendResult).firstIndex, size });
      else job.resolve(r as number[]);
    });
    for (const listener of this.listeners) {
      try {
        listener(size);
      } catch {
        // A listener's failure is its own; the append is acknowledged.
      }
    }
  }

  /** The bytes of the entry at `index`. */
  async entry(index: number): Promise<Buffer> {
    this.checkIndex(index, this.treeSize);
    if (!this.store.isOpen) throw new LogError("LOG_CLOSED", "the log is closed");
    const recent = this.recentEntries.get(index);
    return recent ? Buffer.from(recent) : this.store.getEntry(index);
  }

  /** The leaf hash H(0x00 ‖ entry) of the entry at `index`. */
  async leafHash(index: number): Promise<Uint8Array> {
    this.checkIndex(index, this.treeSize);
    return this.nodes([{ level: 0, index }])[0]!;
  }

  /** The index of a keyed entry, if logged. */
  async indexOfKey(key: string): Promise<number | undefined> {
    return (await this.store.indexesOfKeys([key]))[0];
  }

  /** MTH(D[size]) for any size ≤ the current one. */
  async root(size = this.treeSize): Promise<Uint8Array> {
    this.checkSize(size);
    if (size === 0) return emptyRoot(this.hash);
    return this.rangeHashes([{ start: 0, size }])[0]!;
  }

  /** PATH(index, D[size]) (RFC 9162 §2.1.3.1), leaf to root. Requires 0 ≤ index < size ≤ this.size. */
  async inclusionProof(index: number, size = this.treeSize): Promise<Uint8Array[]> {
    this.checkSize(size);
    this.checkIndex(index, size);
    return this.rangeHashes(inclusionRanges(index, size));
  }

  /** PROOF(size1, D[size2]) (RFC 9162 §2.1.4.1). Requires 1 ≤ size1 ≤ size2 ≤ this.size. */
  async consistencyProof(size1: number, size2 = this.treeSize): Promise<Uint8Array[]> {
    this.checkSize(size2);
    if (!isCount(size1) || size1 < 1 || size1 > size2)
      throw new LogError("LOG_RANGE", `no consistency proof from size ${size1} to size ${size2}`);
    return this.rangeHashes(consistencyRanges(size1, size2));
  }

  /** Waits for queued appends, then closes the store. Later appends fail with LOG_CLOSED. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.writing) await this.writing;
    await this.store.close();
  }

  // --- subtree hashes from tiles -------------------------------------------------------------

  /**
   * The hashes of subtrees D[start:start+size], each a right fold of the complete aligned
   * subtrees it splits into (RFC 9162 splits at the largest power of two below the size, which
   * for an aligned range is its highest-order complete subtree).
   */
  private rangeHashes(ranges: readonly Range[]): Uint8Array[] {
    const plans = ranges.map((r) => decompose(r.start, r.size));
    const hashes = this.nodes(plans.flat());
    let at = 0;
    return plans.map((plan) => {
      const parts = hashes.slice(at, (at += plan.length));
      let h = parts[parts.length - 1]!;
      for (let i = parts.length - 2; i >= 0; i--) h = nodeHash(parts[i]!, h, this.hash);
      return h;
    });
  }

  /**
   * Complete subtree hashes, each a lookup in its tile: the frontier's partial tile if it is that
   * one, else the stored full tile, each tile read once.
   */
  private nodes(ids: readonly NodeId[]): Uint8Array[] {
    const f = this.frontier;
    const w = this.hasher.width;
    const spots = ids.map(locate);
    const inMemory = spots.map((spot) => f.hashAt(spot));
    // A proof's nodes lie in a handful of tiles: a list beats a Map with string keys here.
    const tiles: { id: TileId; hashes?: Uint8Array }[] = [];
    const tileOf = (spot: NodeSpot) =>
      tiles.find((t) => t.id.tileLevel === spot.tileLevel && t.id.tileIndex === spot.tileIndex);
    spots.forEach((spot, i) => {
      if (!inMemory[i] && !tileOf(spot)) tiles.push({ id: { tileLevel: spot.tileLevel, tileIndex: spot.tileIndex } });
    });
    if (tiles.length > 0) {
      if (!this.store.isOpen) throw new LogError("LOG_CLOSED", "the log is closed");
      this.store.getTiles(tiles.map((t) => t.id)).forEach((hashes, i) => {
        const { tileLevel, tileIndex } = tiles[i]!.id;
        if (!hashes || hashes.length !== FULL_TILE_HASHES * w)
          throw new LogError("LOG_CORRUPT", `tile ${tileLevel}/${tileIndex} is missing or not full`);
        tiles[i]!.hashes = hashes;
      });
    }
    return spots.map((spot, i) => {
      const memory = inMemory[i];
      if (memory) return Buffer.from(memory);
      const at = slot(spot.row, spot.position) * w;
      return Buffer.from(tileOf(spot)!.hashes!.subarray(at, at + w));
    });
  }

  private checkSize(size: number): void {
    if (!isCount(size) || size > this.treeSize)
      throw new LogError("LOG_RANGE", `tree size ${size} is outside 0..${this.treeSize}`);
  }

  private checkIndex(index: number, size: number): void {
    if (!isCount(index) || index >= size) throw new LogError("LOG_RANGE", `leaf ${index} is outside a tree of ${size}`);
  }
}
