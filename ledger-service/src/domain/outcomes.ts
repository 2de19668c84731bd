import type { ClassicLevel } from "classic-level";
import type { PendingTransaction } from "../chain/backend.ts";
import { Table, writeBatch } from "../storage/level.ts";

/**
 * Writes whose transaction may have been sent but whose fate the service could not learn in
 * time (the chain stopped answering after the send). Each was answered 202 with its record
 * hash, or is about to be, so the table is durable: the write must stay answerable across a
 * restart (GET /v1/receipts/:recordHash answers 202 while it is `submitted`, the receipt once
 * the record's event is indexed, 404 once it is known that nothing of it was written).
 *
 * Entries are few (they exist only across chain faults); settled ones are kept for a week so a
 * client polling late still learns the outcome, then swept.
 */
export interface OutcomeEntry {
  readonly recordHash: string;
  readonly actor: string;
  readonly op: string;
  readonly kind: string;
  readonly id: string;
  readonly pending: PendingTransaction;
  /** When the write was sent, Unix milliseconds. */
  readonly since: number;
  readonly state: "submitted" | "not-written";
  /** Why nothing was written (state not-written). */
  readonly reason?: string;
  /** When the state became not-written, Unix milliseconds. */
  readonly settledAt?: number;
}

export const SETTLED_KEPT_MS = 7 * 24 * 3600 * 1000;

export class OutcomeStore {
  private readonly table: Table<OutcomeEntry>;

  constructor(private readonly root: ClassicLevel<string, unknown>) {
    this.table = new Table<OutcomeEntry>(root, "outcomes");
  }

  get(recordHash: string): Promise<OutcomeEntry | undefined> {
    return this.table.get(recordHash);
  }

  /** Durable (synced) before it returns: a 202 answered after it survives a crash. */
  put(entry: OutcomeEntry): Promise<void> {
    return writeBatch(this.root, [this.table.putOp(entry.recordHash, entry)], true);
  }

  del(recordHash: string): Promise<void> {
    return this.table.del(recordHash);
  }

  async submitted(): Promise<OutcomeEntry[]> {
    const out: OutcomeEntry[] = [];
    for await (const [, entry] of this.table.entries()) if (entry.state === "submitted") out.push(entry);
    return out;
  }

  /** Drops settled entries older than SETTLED_KEPT_MS. */
  async sweep(now: number): Promise<void> {
    for await (const [key, entry] of this.table.entries())
      if (entry.state === "not-written" && (entry.settledAt ?? 0) + SETTLED_KEPT_MS < now) await this.table.del(key);
  }
}
