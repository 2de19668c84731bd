import { ClassicLevel } from "classic-level";
import type { SignedRecord } from "../../../core/record.ts";
import type { ChainEvent, TxRef } from "../chain/backend.ts";
import { setBounded } from "../../../core/bounded-map.ts";
import { Table, writeBatch, type BatchOp } from "../storage/level.ts";

export type { BatchOp };

/**
 * The service's LevelDB indexes, all derived from chain events (and so rebuildable from the
 * chain alone with `pdl reindex`):
 *
 *   entries   <seq>                         → IndexedEntry   every accepted record, chain order
 *   byHash    <recordHash>                  → seq
 *   history   <kind>\0<id>\0<seq>           → recordHash     the records that touched a record
 *   links     <relation>\0<from>\0<to>      → ""             e.g. grant→product, product→hop
 *   actors    <orgId>                       → ActorEntry     keys for authentication
 *   meta      cursor, count; alertScan (where the risk-alert scan stopped, see domain/delivery-scan.ts)
 *
 * Keys are written in one batch per ingested event together with the cursor, so an index is
 * never half-updated.
 */
export interface IndexedEntry extends TxRef {
  readonly seq: number;
  readonly event: string;
  readonly recordHash: string;
  readonly signed: SignedRecord;
  readonly kind: string;
  readonly id: string;
  /** Index of the entry in the SM3 log. */
  readonly leafIndex: number;
  readonly cursor: string;
}

export interface ActorEntry {
  readonly orgId: string;
  readonly name: string;
  readonly role: string;
  readonly publicKey: string;
  readonly registeredAt: number;
}

export const SEP = "\u0000";
const pad = (n: number) => n.toString().padStart(16, "0");

export class IndexStore {
  readonly db: ClassicLevel<string, unknown>;
  readonly entries: Table<IndexedEntry>;
  readonly byHash: Table<number>;
  readonly history: Table<string>;
  readonly links: Table<string>;
  readonly actors: Table<ActorEntry>;
  readonly meta: Table<unknown>;
  /** Actors read so far; an actor written through `write` is dropped and read again. */
  private readonly actorCache = new Map<string, ActorEntry>();

  constructor(path: string) {
    // A 64 MiB block cache, as the embedded chain's store has (see ledger-store.ts).
    this.db = new ClassicLevel<string, unknown>(path, { valueEncoding: "json", cacheSize: 64 * 1024 * 1024 });
    this.entries = new Table(this.db, "entries");
    this.byHash = new Table(this.db, "byHash");
    this.history = new Table(this.db, "history");
    this.links = new Table(this.db, "links");
    this.actors = new Table(this.db, "actors");
    this.meta = new Table(this.db, "meta");
  }

  async open(): Promise<void> {
    await this.db.open();
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  async cursor(): Promise<{ cursor: string | undefined; count: number }> {
    const state = (await this.meta.get("cursor")) as { cursor: string; count: number } | undefined;
    return state ? state : { cursor: undefined, count: 0 };
  }

  static entryKey(seq: number): string {
    return pad(seq);
  }

  static historyKey(kind: string, id: string, seq: number): string {
    return `${kind}${SEP}${id}${SEP}${pad(seq)}`;
  }

  static linkKey(relation: string, from: string, to: string): string {
    return `${relation}${SEP}${from}${SEP}${to}`;
  }

  async write(ops: readonly BatchOp[]): Promise<void> {
    await writeBatch(this.db, ops);
    for (const op of ops) if (op.sublevel === this.actors.sublevel) this.actorCache.delete(op.key);
  }

  async entryByHash(recordHash: string): Promise<IndexedEntry | undefined> {
    const seq = await this.byHash.get(recordHash);
    return seq === undefined ? undefined : this.entries.get(IndexStore.entryKey(seq));
  }

  async entry(seq: number): Promise<IndexedEntry | undefined> {
    return this.entries.get(IndexStore.entryKey(seq));
  }

  /** Every record that touched (kind, id), oldest first. */
  async historyOf(kind: string, id: string): Promise<IndexedEntry[]> {
    const prefix = `${kind}${SEP}${id}${SEP}`;
    const out: IndexedEntry[] = [];
    for await (const hash of this.history.values({ gte: prefix, lt: prefix + "\uffff" })) {
      const entry = await this.entryByHash(hash);
      if (entry) out.push(entry);
    }
    return out;
  }

  /** Targets of a relation from one record, in key order. */
  async linked(relation: string, from: string): Promise<string[]> {
    const prefix = `${relation}${SEP}${from}${SEP}`;
    const out: string[] = [];
    for await (const key of this.links.keys({ gte: prefix, lt: prefix + "\uffff" })) out.push(key.slice(prefix.length));
    return out;
  }

  /** Ids of every record of a kind, from the history index. */
  async idsOfKind(kind: string): Promise<string[]> {
    const prefix = `${kind}${SEP}`;
    const ids = new Set<string>();
    for await (const key of this.history.keys({ gte: prefix, lt: prefix + "\uffff" })) {
      ids.add(key.slice(prefix.length, key.indexOf(SEP, prefix.length)));
    }
    return [...ids];
  }

  /** A registered actor; from memory after the first read (authentication asks twice per write). */
  async actor(orgId: string): Promise<ActorEntry | undefined> {
    const known = this.actorCache.get(orgId);
    if (known) return known;
    const actor = await this.actors.get(orgId);
    if (actor) setBounded(this.actorCache, orgId, actor, 10_000);
    return actor;
  }

  async *allEntries(): AsyncIterable<IndexedEntry> {
    for await (const value of this.entries.values()) yield value;
  }

  /** The entries after `seq` (every entry if undefined), chain order. */
  async *entriesAfter(seq: number | undefined): AsyncIterable<IndexedEntry> {
    const range = seq === undefined ? {} : { gte: IndexStore.entryKey(seq + 1) };
    for await (const value of this.entries.values(range)) yield value;
  }
}

export type { ChainEvent };
