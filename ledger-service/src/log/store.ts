import { ClassicLevel } from "classic-level";
import { Table, writeBatch, type BatchOp } from "../storage/level.ts";
import { LogError } from "./errors.ts";

/**
 * The log's LevelDB layout (one classic-level database per log, sublevels per kind):
 *
 * | sublevel | key                                   | value                              |
 * |----------|---------------------------------------|------------------------------------|
 * | `node`   | level (2 hex) ‖ index (14 hex)        | 32-byte hash of the complete subtree of 2^level leaves starting at index·2^level (level 0: the leaf hash) |
 * | `leaf`   | index (14 hex)                        | the entry's bytes                  |
 * | `key`    | caller key (keyed appends only)       | the entry's index, decimal         |
 * | `meta`   | `state`                               | `{ version, size, hashId }` (JSON) |
 * | others   | checkpoints, anchors (`Table`s)       | JSON                               |
 *
 * Node hashes never change once written (a complete subtree is final), so any past root or proof
 * is a function of stored nodes. Keys sort by (level, index), so a level is one contiguous range.
 */
/** Names of the JSON tables kept next to the tree (shared by the checkpointer and the anchor store). */
export const TABLES = { checkpoints: "checkpoint", anchors: "anchor", anchorLinks: "anchor-link" } as const;

/** Zero-padded decimal tree size: table keys that sort by size. */
export const sizeKey = (n: number) => n.toString().padStart(16, "0");

export interface LogState {
  readonly version: 1;
  readonly size: number;
  /** Hex of H(""), identifying the hash function the tree was built with. */
  readonly hashId: string;
}

export interface NodeId {
  readonly level: number;
  readonly index: number;
}

const hex14 = (n: number) => n.toString(16).padStart(14, "0");
export const nodeKey = (level: number, index: number) => level.toString(16).padStart(2, "0") + hex14(index);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Sublevel = any;

export class LogStore {
  /** Keys read from LevelDB since open (node and leaf reads): the "reads per proof" figure. */
  reads = 0;
  private readonly nodes: Sublevel;
  private readonly leaves: Sublevel;
  private readonly keys: Sublevel;
  private readonly meta: Table<LogState>;

  private constructor(readonly db: ClassicLevel<string, unknown>) {
    this.nodes = db.sublevel("node", { valueEncoding: "buffer" });
    this.leaves = db.sublevel("leaf", { valueEncoding: "buffer" });
    this.keys = db.sublevel("key", { valueEncoding: "utf8" });
    this.meta = new Table<LogState>(db, "meta");
  }

  static async open(location: string): Promise<LogStore> {
    const db = new ClassicLevel<string, unknown>(location, { valueEncoding: "json" });
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

  async state(): Promise<LogState | undefined> {
    return this.meta.get("state");
  }

  stateOp(state: LogState): BatchOp {
    return this.meta.putOp("state", state);
  }

  nodeOp(level: number, index: number, hash: Uint8Array): BatchOp {
    return { type: "put", sublevel: this.nodes, key: nodeKey(level, index), value: Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength) };
  }

  leafOp(index: number, data: Uint8Array): BatchOp {
    return { type: "put", sublevel: this.leaves, key: hex14(index), value: Buffer.from(data.buffer, data.byteOffset, data.byteLength) };
  }

  keyOp(key: string, index: number): BatchOp {
    return { type: "put", sublevel: this.keys, key, value: String(index) };
  }

  /** Node hashes, in order, with one LevelDB round trip; a missing node means a corrupt store. */
  async getNodes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    if (ids.length === 0) return [];
    this.reads += ids.length;
    const values = (await this.nodes.getMany(ids.map((id) => nodeKey(id.level, id.index)))) as (Buffer | undefined)[];
    return values.map((v, i) => {
      if (!v) throw new LogError("LOG_CORRUPT", `node ${ids[i]!.level}/${ids[i]!.index} is missing`);
      return v;
    });
  }

  async getLeaf(index: number): Promise<Buffer> {
    this.reads++;
    const value = (await this.leaves.get(hex14(index))) as Buffer | undefined;
    if (!value) throw new LogError("LOG_CORRUPT", `leaf ${index} is missing`);
    return value;
  }

  async indexOfKey(key: string): Promise<number | undefined> {
    const value = (await this.keys.get(key)) as string | undefined;
    return value === undefined ? undefined : Number(value);
  }

  /** Writes the operations atomically; with sync (the default) they are on disk when this resolves. */
  write(ops: readonly BatchOp[], sync = true): Promise<void> {
    return writeBatch(this.db, ops, sync);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
