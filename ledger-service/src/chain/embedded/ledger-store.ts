import { randomBytes } from "node:crypto";
import { ClassicLevel } from "classic-level";
import { canonicalJson } from "../../../../core/canonical.ts";
import { sm3Hex } from "../../../../core/crypto/sm3.ts";
import { compositeKey, type HistoryEntry, type WorldState } from "../../../../chaincode/src/ledger/world-state.ts";

/**
 * The embedded chain's durable store, one LevelDB: Fabric's world state (current value of each
 * composite key), each key's history, the blocks with their transactions (the signed records and
 * their events), and the chain's head and clock. A block and every state change it makes are one
 * synced batch, so a kill -9 leaves either all of a block or none of it, and opening reads the
 * head alone: start-up does not depend on how long the history is.
 *
 * Key spaces (UTF-8, so byte order is code point order, as on a Fabric peer):
 *   s<composite key>                 → value (canonical JSON)
 *   h<composite key>\x01<position>   → HistoryEntry as JSON (value as text)
 *   b<block, 12 digits>              → Block
 *   c<sequence, 12 digits>           → ClockAdvance
 *   m<name>                          → meta (head, genesis, clock, migration)
 */
export interface BlockTransaction {
  readonly txId: string;
  /** Position in the block for event cursors (migrated EVM blocks keep their log index). */
  readonly index: number;
  readonly event: string;
  readonly recordHash: string;
  /** The signed record as JSON text, exactly as submitted. */
  readonly signed: string;
}

export interface Block {
  readonly number: number;
  /** Unix seconds: every transaction of the block has this time. */
  readonly time: number;
  readonly previousHash: string;
  readonly hash: string;
  readonly transactions: readonly BlockTransaction[];
}

export interface Head {
  readonly number: number;
  readonly time: number;
  readonly hash: string;
}

export interface ClockAdvance {
  readonly from: number;
  readonly to: number;
  /** Who asked (the agency's organisation code). */
  readonly by: string;
  /** Wall-clock time of the request, milliseconds. */
  readonly at: number;
}

export interface ClockState {
  /** The manual clock's current time, Unix seconds. */
  readonly time: number;
  /** How many advances were journaled. */
  readonly advances: number;
}

/** One block's state changes, in the order the transactions made them. */
export interface BlockWrites {
  readonly writes: ReadonlyMap<string, string | null>;
  /** Per transaction: its id and the keys it wrote (null = delete), for the history. */
  readonly history: readonly { txId: string; writes: ReadonlyMap<string, string | null> }[];
}

const pad = (n: number, width = 12) => String(n).padStart(width, "0");
const STATE = "s";
const HISTORY = "h";
const BLOCK = "b";
const CLOCK = "c";
const META = "m";

/** Fabric's partial-composite-key range end: the prefix followed by U+10FFFF. */
const RANGE_END = "\u{10FFFF}";

export function blockHash(b: Omit<Block, "hash">): string {
  return sm3Hex(
    canonicalJson({
      number: b.number,
      time: b.time,
      previousHash: b.previousHash,
      transactions: b.transactions.map((t) => [t.txId, t.index, t.event, t.recordHash]),
    }),
  );
}

export class LedgerStore {
  private readonly db: ClassicLevel<string, string>;
  private currentHead: Head | undefined;
  private genesisHash = "";

  constructor(readonly path: string) {
    // A block cache of 64 MiB instead of LevelDB's 8: on a store holding 100k records the rules'
    // point reads otherwise miss it and decompress blocks again (bench:service, about −10 % CPU
    // per write); it fills only as reads need it.
    this.db = new ClassicLevel<string, string>(path, {
      keyEncoding: "utf8",
      valueEncoding: "utf8",
      cacheSize: 64 * 1024 * 1024,
    });
  }

  /** Opens the store; a new store gets its genesis block (time `genesisTime`, a random nonce). */
  async open(genesisTime: number): Promise<void> {
    await this.db.open();
    const head = await this.db.get(META + "head");
    if (head !== undefined) {
      this.currentHead = JSON.parse(head) as Head;
      this.genesisHash = (await this.db.get(META + "genesis")) ?? "";
      return;
    }
    await this.writeGenesis(genesisTime, randomBytes(16).toString("hex"));
  }

  /** Block 0: no transactions; its hash, over a random nonce, names this chain for its whole life. */
  async writeGenesis(time: number, nonce: string, number = 0): Promise<void> {
    const header = { number, time, previousHash: sm3Hex(`pdl-embedded-genesis:${nonce}`), transactions: [] };
    const block: Block = { ...header, hash: blockHash(header) };
    const head: Head = { number: block.number, time: block.time, hash: block.hash };
    await this.db.batch(
      [
        { type: "put", key: BLOCK + pad(block.number), value: JSON.stringify(block) },
        { type: "put", key: META + "genesis", value: block.hash },
        { type: "put", key: META + "head", value: JSON.stringify(head) },
      ],
      { sync: true } as never,
    );
    this.currentHead = head;
    this.genesisHash = block.hash;
  }

  get head(): Head {
    if (!this.currentHead) throw new Error("the embedded ledger store is not open");
    return this.currentHead;
  }

  get genesis(): string {
    return this.genesisHash;
  }

  async getState(key: string): Promise<string | undefined> {
    // Synchronous on purpose: a point read answers from LevelDB's block cache or the page cache
    // in about a microsecond, while the thread-pool round trip of an asynchronous get costs ten
    // times that, a dozen times per record, on the chain's serialized path.
    return this.db.getSync(STATE + key);
  }

  async *scanState(start: string, end: string): AsyncIterable<{ key: string; value: string }> {
    for await (const [k, value] of this.db.iterator({ gte: STATE + start, lt: STATE + end }))
      yield { key: k.slice(STATE.length), value };
  }

  async *history(key: string): AsyncIterable<HistoryEntry> {
    const prefix = HISTORY + key + "\u0001";
    for await (const value of this.db.values({ gte: prefix, lt: prefix + "~" })) {
      const e = JSON.parse(value) as { txId: string; timestamp: number; isDelete: boolean; value: string };
      yield { txId: e.txId, timestamp: e.timestamp, isDelete: e.isDelete, value: Buffer.from(e.value, "utf8") };
    }
  }

  /**
   * Appends a block with its state changes in one synced batch: after it resolves, the block is
   * durable; if the process dies before, none of it is there.
   */
  async appendBlock(block: Omit<Block, "previousHash" | "hash">, changes: BlockWrites): Promise<Block> {
    const previous = this.head;
    if (block.number <= previous.number) throw new Error(`block ${block.number} is not after ${previous.number}`);
    if (block.time < previous.time) throw new Error(`block time ${block.time} is before ${previous.time}`);
    const header = { ...block, previousHash: previous.hash };
    const full: Block = { ...header, hash: blockHash(header) };
    const ops: { type: "put" | "del"; key: string; value?: string }[] = [];
    for (const [key, value] of changes.writes)
      ops.push(value === null ? { type: "del", key: STATE + key } : { type: "put", key: STATE + key, value });
    for (const [i, tx] of changes.history.entries()) {
      const position = `${pad(block.number)}:${pad(i, 6)}`;
      for (const [key, value] of tx.writes)
        ops.push({
          type: "put",
          key: HISTORY + key + "\u0001" + position,
          value: JSON.stringify({ txId: tx.txId, timestamp: block.time, isDelete: value === null, value: value ?? "" }),
        });
    }
    const head: Head = { number: full.number, time: full.time, hash: full.hash };
    ops.push({ type: "put", key: BLOCK + pad(full.number), value: JSON.stringify(full) });
    ops.push({ type: "put", key: META + "head", value: JSON.stringify(head) });
    await this.db.batch(ops as never, { sync: true } as never);
    this.currentHead = head;
    return full;
  }

  /** Blocks from `from` (inclusive) up to the head as it is now, in order (numbers may skip after a migration). */
  async *blocks(from: number): AsyncIterable<Block> {
    const last = this.head.number;
    for await (const value of this.db.values({ gte: BLOCK + pad(from), lte: BLOCK + pad(last) }))
      yield JSON.parse(value) as Block;
  }

  async clock(): Promise<ClockState | undefined> {
    const value = await this.db.get(META + "clock");
    return value === undefined ? undefined : (JSON.parse(value) as ClockState);
  }

  /** Journals one advance of the manual clock and its new time in one synced batch. */
  async advanceClock(advance: ClockAdvance): Promise<ClockState> {
    const previous = await this.clock();
    const state: ClockState = { time: advance.to, advances: (previous?.advances ?? 0) + 1 };
    await this.db.batch(
      [
        { type: "put", key: CLOCK + pad(state.advances), value: JSON.stringify(advance) },
        { type: "put", key: META + "clock", value: JSON.stringify(state) },
      ],
      { sync: true } as never,
    );
    return state;
  }

  async clockAdvances(): Promise<ClockAdvance[]> {
    const out: ClockAdvance[] = [];
    for await (const value of this.db.values({ gte: CLOCK, lt: CLOCK + "~" }))
      out.push(JSON.parse(value) as ClockAdvance);
    return out;
  }

  async getMeta(name: string): Promise<string | undefined> {
    return this.db.get(META + name);
  }

  async putMeta(name: string, value: string): Promise<void> {
    await this.db.put(META + name, value, { sync: true } as never);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/**
 * The world state one transaction of a block sees: the committed state, then the writes of the
 * block's earlier transactions (each record sees the ones accepted before it, as if in blocks of
 * their own), then its own. The engine reads through its own cache and writes once at the end,
 * so a transaction never reads its own writes here; range scans merge the block's pending
 * writes into the committed range in key order.
 */
export class BlockState implements WorldState {
  readonly txWrites = new Map<string, string | null>();

  constructor(
    private readonly store: LedgerStore,
    private readonly block: ReadonlyMap<string, string | null>,
  ) {}

  async getState(key: string): Promise<Uint8Array | undefined> {
    const pending = this.block.has(key) ? this.block.get(key) : await this.store.getState(key);
    return pending === null || pending === undefined ? undefined : Buffer.from(pending, "utf8");
  }

  async putState(key: string, value: Uint8Array): Promise<void> {
    if (key.length === 0) throw new Error("empty key");
    this.txWrites.set(key, Buffer.from(value).toString("utf8"));
  }

  async deleteState(key: string): Promise<void> {
    this.txWrites.set(key, null);
  }

  async *scan(objectType: string, attributes: readonly string[]): AsyncIterable<{ key: string; value: Uint8Array }> {
    const start = compositeKey(objectType, attributes);
    const end = start + RANGE_END;
    const pending = [...this.block.keys()].filter((k) => k >= start && k < end).sort();
    let p = 0;
    const emit = function* (block: ReadonlyMap<string, string | null>, upTo: string | undefined) {
      while (p < pending.length && (upTo === undefined || pending[p]! <= upTo)) {
        const key = pending[p++]!;
        const value = block.get(key);
        if (key !== upTo && value !== null && value !== undefined) yield { key, value: Buffer.from(value, "utf8") };
      }
    };
    for await (const { key, value } of this.store.scanState(start, end)) {
      yield* emit(this.block, key);
      if (this.block.has(key)) {
        const v = this.block.get(key);
        if (v !== null && v !== undefined) yield { key, value: Buffer.from(v, "utf8") };
      } else yield { key, value: Buffer.from(value, "utf8") };
    }
    yield* emit(this.block, undefined);
  }

  async *history(key: string): AsyncIterable<HistoryEntry> {
    yield* this.store.history(key);
  }
}
