import { setBounded } from "../../../core/bounded-map.ts";
import { canonicalBytes } from "../../../core/canonical.ts";
import { OPERATIONS } from "../../../core/operations.ts";
import { recordId } from "../../../core/record.ts";
import type { Actor } from "../../../core/records/actor.ts";
import type { ChainEvent, ChainRef, LedgerBackend } from "../chain/backend.ts";
import type { Logger } from "../logger.ts";
import { linksOf } from "./relations.ts";
import { IndexStore, type BatchOp, type IndexedEntry } from "./index-store.ts";

/**
 * Follows the chain's events into the SM3 log and the LevelDB indexes.
 *
 * For each event, in chain order: the log entry is appended (idempotent: the same event always
 * yields the same entry bytes, and the log returns the existing index for a known entry), then
 * the index keys and the new cursor are written in one batch. A crash between the two replays
 * the event on restart and converges. Checkpoint anchors are evidence about the log itself and
 * are indexed but not logged (logging them would make every anchor a new entry to anchor).
 */
export interface EntryLog {
  /**
   * Appends entries (durably, in order) and returns their leaf indexes. An entry whose key (the
   * event's chain cursor) is already logged keeps its index, so re-ingesting after a crash
   * between the log write and the index write never logs an event twice.
   */
  appendKeyed(entries: readonly { key: string; data: Uint8Array }[]): Promise<number[]>;
}

/** The bytes of the log entry for an accepted record: what a receipt proves was accepted. */
export function logEntryOf(chain: ChainRef, event: ChainEvent): Buffer {
  return canonicalBytes({
    v: 1,
    event: event.event,
    recordHash: event.recordHash,
    record: event.signed.record,
    signature: event.signed.signature,
    chain: { type: chain.type, chainId: chain.chainId, contract: chain.contract },
    txId: event.txId,
    blockNumber: event.blockNumber,
    blockTime: event.blockTime,
  });
}

export const NOT_LOGGED = -1;

export class Indexer {
  private running: Promise<number> | undefined;
  private readonly grantees = new Map<string, string>();
  /** The entries ingested last, by record hash: what the write path answers with, without reading them back. */
  private readonly recent = new Map<string, IndexedEntry>();
  /** The cursor as this indexer last wrote it: it is the index's only writer while the service runs. */
  private position: { cursor: string | undefined; count: number } | undefined;

  constructor(
    private readonly backend: LedgerBackend,
    private readonly store: IndexStore,
    private readonly log: EntryLog,
    private readonly logger: Logger,
  ) {}

  /** Ingests every event the chain has beyond the stored cursor; returns how many. Calls are serialized. */
  catchUp(): Promise<number> {
    const previous = this.running ?? Promise.resolve(0);
    const next = previous.then(
      () => this.run(),
      () => this.run(),
    );
    this.running = next;
    return next;
  }

  private async run(): Promise<number> {
    const { cursor, count } = (this.position ??= await this.store.cursor());
    let seq = count;
    let pending: ChainEvent[] = [];
    let ingested = 0;
    const flush = async () => {
      if (pending.length === 0) return;
      const logged = pending.filter((e) => OPERATIONS[e.signed.record.op].kind !== "anchor");
      const indexes = await this.log.appendKeyed(
        logged.map((e) => ({ key: e.cursor, data: logEntryOf(this.backend.ref, e) })),
      );
      const leafOf = new Map(logged.map((e, i) => [e, indexes[i]!]));
      const ops: BatchOp[] = [];
      const entries: IndexedEntry[] = [];
      for (const event of pending) {
        const entry = this.entryOf(event, seq++, leafOf.get(event) ?? NOT_LOGGED);
        entries.push(entry);
        ops.push(...this.indexOps(event, entry));
      }
      const last = pending[pending.length - 1]!;
      ops.push(this.store.meta.putOp("cursor", { cursor: last.cursor, count: seq }));
      await this.store.write(ops);
      this.position = { cursor: last.cursor, count: seq };
      for (const entry of entries) setBounded(this.recent, entry.recordHash, entry, 4096);
      ingested += pending.length;
      pending = [];
    };
    for await (const event of this.backend.events(cursor)) {
      pending.push(event);
      if (pending.length >= 512) await flush();
    }
    await flush();
    if (ingested > 0) this.logger.debug({ ingested, total: seq }, "indexed chain events");
    return ingested;
  }

  /** A recently ingested entry, if still remembered (the store has every entry). */
  recentEntry(recordHash: string): IndexedEntry | undefined {
    return this.recent.get(recordHash);
  }

  private entryOf(event: ChainEvent, seq: number, leafIndex: number): IndexedEntry {
    const spec = OPERATIONS[event.signed.record.op];
    return {
      seq,
      event: event.event,
      recordHash: event.recordHash,
      signed: event.signed,
      kind: spec.kind,
      id: recordId(event.signed.record),
      leafIndex,
      cursor: event.cursor,
      txId: event.txId,
      blockNumber: event.blockNumber,
      blockTime: event.blockTime,
    };
  }

  private indexOps(event: ChainEvent, entry: IndexedEntry): BatchOp[] {
    const record = event.signed.record;
    const { seq, kind, id } = entry;
    const s = this.store;
    const ops: BatchOp[] = [
      s.entries.putOp(IndexStore.entryKey(seq), entry),
      s.byHash.putOp(event.recordHash, seq),
      s.history.putOp(IndexStore.historyKey(kind, id, seq), event.recordHash),
    ];
    if (record.op === "actor.bootstrap" || record.op === "actor.register") {
      const actor = record.body as Actor;
      ops.push(
        s.actors.putOp(actor.orgId, {
          orgId: actor.orgId,
          name: actor.name,
          role: actor.role,
          publicKey: actor.publicKey,
          registeredAt: event.blockTime,
        }),
      );
    }
    if (record.op === "grant.issue") this.grantees.set(id, (record.body as { grantee: string }).grantee);
    for (const [relation, from, to] of linksOf(record, (g) => this.grantees.get(g))) {
      ops.push(s.links.putOp(IndexStore.linkKey(relation, from, to), ""));
    }
    return ops;
  }

  /** Loads what the link rules need from the stored index (after a restart). */
  async warm(): Promise<void> {
    for (const id of await this.store.idsOfKind("grant")) {
      const first = (await this.store.historyOf("grant", id))[0];
      if (first?.signed.record.op === "grant.issue")
        this.grantees.set(id, (first.signed.record.body as { grantee: string }).grantee);
    }
  }
}
