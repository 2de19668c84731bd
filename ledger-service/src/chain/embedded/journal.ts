import { ClassicLevel } from "classic-level";

/**
 * The embedded chain's journal: every transaction the service got mined and the block time it
 * was mined at. Hardhat's in-process EVM keeps no state on disk, so on start the service
 * replays the journal onto a fresh chain with the original block times; the chain is
 * deterministic, so every transaction gets its original hash, block number and time back, and
 * every receipt that points at them still verifies.
 *
 * An entry holds the relay's transaction request (EDR signs it with the relay key, and ECDSA
 * signing there is deterministic, RFC 6979, so a replay reproduces the same hash), or, in
 * journals written before the relay signed inside EDR, the raw signed transaction.
 */
export interface RelayedTransaction {
  /** Registry address, or null for a contract creation. */
  readonly to: string | null;
  readonly data: string;
  /** Gas limit, 0x quantity. */
  readonly gas: string;
  readonly nonce: number;
}

export type JournalEntry =
  | { readonly tx: RelayedTransaction; readonly hash: string; readonly blockTime: number }
  | { readonly raw: string; readonly hash: string; readonly blockTime: number };

export class ChainJournal {
  private readonly db: ClassicLevel<string, JournalEntry>;
  private count = 0;

  constructor(path: string) {
    this.db = new ClassicLevel<string, JournalEntry>(path, { valueEncoding: "json" });
  }

  async open(): Promise<void> {
    await this.db.open();
    const last = await this.db.keys({ reverse: true, limit: 1 }).all();
    this.count = last.length === 0 ? 0 : Number(last[0]) + 1;
  }

  get size(): number {
    return this.count;
  }

  async append(entry: JournalEntry): Promise<void> {
    await this.db.put(this.count.toString().padStart(12, "0"), entry, { sync: true } as never);
    this.count += 1;
  }

  async *entries(): AsyncIterable<JournalEntry> {
    for await (const value of this.db.values()) yield value;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
