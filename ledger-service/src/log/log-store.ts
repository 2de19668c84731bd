import { ClassicLevel } from "classic-level";
import { Table, writeBatch, type BatchOp } from "../storage/level.ts";
import { LogError } from "./errors.ts";
import type { TILE_HEIGHT, TileId } from "./tiles.ts";

/**
 * The log's LevelDB layout (one classic-level database per log, sublevels per kind):
 *
 * | sublevel | key                                      | value                              |
 * |----------|------------------------------------------|------------------------------------|
 * | `entry`  | index (14 hex)                           | the entry's bytes                  |
 * | `tile`   | tile level L (2 hex) ‖ tile index t (12 hex) | the tile's hashes (`tiles.ts`), 32 bytes each: row j = 0…7 holds nodes t·2^(8−j) … of tree level 8·L + j, ⌊w / 2^j⌋ of them, rows one after the other; w = 256 (510 hashes, 16 KiB) once full, 1–255 for the rightmost tile of a level, rewritten by each batch that extends it |
 * | `key`    | caller key (keyed appends only)          | the entry's index, decimal         |
 * | `meta`   | `state`                                  | `{ version: 2, size, hashId, tileHeight: 8 }` (JSON) |
 * | others   | checkpoints, anchors (`Table`s)          | JSON                               |
 *
 * A batch writes its entries, the tiles it completed, the partial tiles it extended and the new
 * state in one synced LevelDB batch, so the stored partial tiles always hold exactly the nodes
 * of the stored size, and every tile left of them is full. A tile's hashes never change once
 * written (a complete subtree is final), so any past root or proof is a function of the stored
 * tiles: a proof at the current size of a 10M-leaf log reads 2 of them (the top level's is in
 * memory), not ~24 nodes.
 *
 * Version 1 (a key per node, `node` and `leaf` sublevels) is rewritten as version 2 when opened
 * (`migrate.ts`).
 */
/** Names of the JSON tables kept next to the tree (shared by the checkpointer and the anchor store). */
export const TABLES = { checkpoints: "checkpoint", anchors: "anchor", anchorLinks: "anchor-link" } as const;

/** Zero-padded decimal tree size: table keys that sort by size. */
export const sizeKey = (n: number) => n.toString().padStart(16, "0");

export const LAYOUT_VERSION = 2;

export interface LogState {
  readonly version: typeof LAYOUT_VERSION;
  readonly size: number;
  /** Hex of H(""), identifying the hash function the tree was built with. */
  readonly hashId: string;
  readonly tileHeight: typeof TILE_HEIGHT;
}

/** Layout 1's state (`migrate.ts` rewrites such a store as layout 2 when it opens). */
export interface LayoutOneState {
  readonly version: 1;
  readonly size: number;
  readonly hashId: string;
}

/** An entry's key: its index, 14 hex digits (so keys sort by index). Layout 1 keyed its leaves the same way. */
export const entryKey = (index: number) => index.toString(16).padStart(14, "0");
export const tileKey = (tileLevel: number, tileIndex: number) =>
  tileLevel.toString(16).padStart(2, "0") + tileIndex.toString(16).padStart(12, "0");

/**
 * LevelDB settings for a log. Tables of 32 MiB instead of 2 MiB: LevelDB keeps at most 1000
 * tables open, and a random proof into a log past that (2 GB, ~15M leaves, with 2 MiB tables)
 * would reopen a table nearly every time. A larger write buffer means fewer level-0 tables and
 * compactions while appending; the block cache keeps the upper tile levels (1/256 of the level-0
 * tiles, 2.4 MB at 10M leaves), so a proof usually misses it for its level-0 tile only.
 */
export const STORE_OPTIONS = { cacheSize: 32 << 20, writeBufferSize: 16 << 20, maxFileSize: 32 << 20 } as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Sublevel = any;

export class LogStore {
  /** Keys read from LevelDB since open (tiles and entries): the "reads per proof" figure. */
  reads = 0;
  private readonly tiles: Sublevel;
  private readonly entries: Sublevel;
  private readonly keys: Sublevel;
  private readonly meta: Table<LogState>;

  private constructor(readonly db: ClassicLevel<string, unknown>) {
    this.tiles = db.sublevel("tile", { valueEncoding: "buffer" });
    this.entries = db.sublevel("entry", { valueEncoding: "buffer" });
    this.keys = db.sublevel("key", { valueEncoding: "utf8" });
    this.meta = new Table<LogState>(db, "meta");
  }

  static async open(location: string): Promise<LogStore> {
    const db = new ClassicLevel<string, unknown>(location, { valueEncoding: "json", ...STORE_OPTIONS });
    await db.open();
    return new LogStore(db);
  }

  get isOpen(): boolean {
    return this.db.status === "open";
  }

  /** A JSON table in the same database (checkpoints, anchors), written in the same batches. */
  table<V>(name: string): Table<V> {
    return new Table<V>(this.db, name);
  }

  async state(): Promise<LogState | LayoutOneState | undefined> {
    return (await this.meta.get("state")) as LogState | LayoutOneState | undefined;
  }

  stateOp(state: LogState): BatchOp {
    return this.meta.putOp("state", state);
  }

  tileOp(tileLevel: number, tileIndex: number, hashes: Uint8Array): BatchOp {
    return { type: "put", sublevel: this.tiles, key: tileKey(tileLevel, tileIndex), value: asBuffer(hashes) };
  }

  entryOp(index: number, data: Uint8Array): BatchOp {
    return { type: "put", sublevel: this.entries, key: entryKey(index), value: asBuffer(data) };
  }

  keyOp(key: string, index: number): BatchOp {
    return { type: "put", sublevel: this.keys, key, value: String(index) };
  }

  /**
   * Tiles (missing ones undefined), in order, read synchronously: a tile read is a block-cache or
   * page-cache hit of tens of microseconds, less than an async read's trip through libuv's thread
   * pool, and on a busy machine far less than waiting for a pool thread to be scheduled
   * (bench:merkle's proof latency). The cost: a read from a disk that is not cached blocks the
   * event loop.
   */
  getTiles(ids: readonly TileId[]): (Buffer | undefined)[] {
    this.reads += ids.length;
    return ids.map(
      (id) => (this.tiles.getSync(tileKey(id.tileLevel, id.tileIndex)) as Buffer | undefined) ?? undefined,
    );
  }

  async getEntry(index: number): Promise<Buffer> {
    this.reads++;
    const value = (await this.entries.get(entryKey(index))) as Buffer | undefined;
    if (!value) throw new LogError("LOG_CORRUPT", `entry ${index} is missing`);
    return value;
  }

  /** The indexes of keyed entries (undefined where not logged), in one LevelDB round trip. */
  async indexesOfKeys(keys: readonly string[]): Promise<(number | undefined)[]> {
    if (keys.length === 0) return [];
    const values = (await this.keys.getMany(keys)) as (string | undefined)[];
    return values.map((v) => (v === undefined ? undefined : Number(v)));
  }

  /** Writes the operations atomically; with sync (the default) they are on disk when this resolves. */
  write(ops: readonly BatchOp[], sync = true): Promise<void> {
    return writeBatch(this.db, ops, sync);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

/** A Buffer over the same bytes (LevelDB's buffer encoding wants Buffers), without a copy. */
const asBuffer = (b: Uint8Array): Buffer =>
  Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
