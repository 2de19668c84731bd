import type { ClassicLevel } from "classic-level";
import { Table, writeBatch } from "../storage/level.ts";

/**
 * Remembers (actor, nonce) pairs for the authentication window, durably, so a signed request
 * cannot be replayed, not even across a restart. Entries older than the window can never be
 * accepted again (their timestamp is out of the window), so they are swept.
 */
export class NonceStore {
  private readonly root: ClassicLevel<string, unknown>;
  private readonly db: Table<number>;
  private readonly windowSeconds: number;
  private readonly recent = new Map<string, number>();
  private sweeping: NodeJS.Timeout | undefined;
  /** Claims not yet written, and the write that will carry them. */
  private unwritten: { key: string; seen: number }[] | undefined;
  private writing: Promise<void> | undefined;

  constructor(root: ClassicLevel<string, unknown>, windowSeconds: number) {
    this.root = root;
    this.db = new Table<number>(root, "nonces");
    this.windowSeconds = windowSeconds;
  }

  /** Loads the unexpired nonces and starts sweeping expired ones. */
  async open(now: number): Promise<void> {
    for await (const [key, seen] of this.db.entries()) {
      if (seen + 2 * this.windowSeconds >= now) this.recent.set(key, seen);
      else await this.db.del(key);
    }
    this.sweeping = setInterval(() => void this.sweep(Math.floor(Date.now() / 1000)), 60_000);
    this.sweeping.unref();
  }

  /** Records the nonce; false when this actor already used it. */
  async claim(actor: string, nonce: string, now: number): Promise<boolean> {
    const key = `${actor}:${nonce}`;
    if (this.recent.has(key)) return false;
    this.recent.set(key, now);
    await this.persist(key, now);
    return true;
  }

  /**
   * Claims made in the same turn of the event loop (concurrent requests) go to LevelDB in one
   * batch rather than one write each; every claim still resolves only once it is written.
   */
  private persist(key: string, seen: number): Promise<void> {
    if (!this.unwritten) {
      const batch: { key: string; seen: number }[] = [];
      this.unwritten = batch;
      this.writing = new Promise<void>((turn) => setImmediate(turn)).then(() => {
        this.unwritten = undefined;
        return writeBatch(
          this.root,
          batch.map((c) => this.db.putOp(c.key, c.seen)),
        );
      });
    }
    this.unwritten.push({ key, seen });
    return this.writing!;
  }

  async sweep(now: number): Promise<void> {
    const expired: string[] = [];
    for (const [key, seen] of this.recent) if (seen + 2 * this.windowSeconds < now) expired.push(key);
    for (const key of expired) this.recent.delete(key);
    // A sweep timer that fires while the service is stopping must not write to a closed store.
    if (expired.length > 0 && this.root.status === "open")
      await writeBatch(
        this.root,
        expired.map((key) => this.db.delOp(key)),
      );
  }

  close(): void {
    if (this.sweeping) clearInterval(this.sweeping);
  }
}
