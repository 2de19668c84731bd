import type { Table } from "../storage/level.ts";
import { checkpointHash, signCheckpoint, verifierKey, verifySignedCheckpoint, type Checkpoint } from "./checkpoint.ts";
import { LogError } from "./errors.ts";
import type { MerkleLog } from "./merkle-log.ts";
import { verifyConsistency } from "./rfc9162.ts";
import { sizeKey, TABLES } from "./log-store.ts";
import { publicKeyFromPrivate } from "../../../core/crypto/sm2.ts";

/** The log's signing identity. */
export interface LogKey {
  /** The checkpoint origin, naming the log and its hash, e.g. "longhua.public-data-ledger/log/sm3". */
  readonly origin: string;
  /** The signed-note key name; default and recommended (tlog-checkpoint): the origin. */
  readonly keyName?: string;
  readonly privateKey: string;
  /** Derived from the private key when omitted. */
  readonly publicKey?: string;
}

/** A checkpoint the log signed, as stored (one per tree size). */
export interface StoredCheckpoint {
  readonly origin: string;
  readonly size: number;
  /** Hex of the root hash. */
  readonly rootHash: string;
  /** The signed note. */
  readonly text: string;
  /** SM3 of the signed note (hex): what an anchor commits to. */
  readonly hash: string;
  /** When it was signed (ms since the epoch). */
  readonly signedAt: number;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/**
 * Signs checkpoints of the log and keeps every one it signed. It never signs two inconsistent
 * heads: before signing size n it re-verifies the previous checkpoint (its signature, and that
 * the stored tree still has that root) and verifies an RFC 9162 consistency proof from it to n;
 * a tree that shrank or forked is refused with CHECKPOINT_INCONSISTENT. Calls are serialized.
 */
/** The latest checkpoint of each open log store (null: none yet): every receipt starts from it. */
const latestCheckpoints = new WeakMap<object, StoredCheckpoint | null>();

export class Checkpointer {
  readonly origin: string;
  readonly keyName: string;
  readonly publicKey: string;
  private readonly table: Table<StoredCheckpoint>;
  private running: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(cp: StoredCheckpoint) => void>();

  constructor(
    readonly log: MerkleLog,
    private readonly key: LogKey,
  ) {
    this.origin = key.origin;
    this.keyName = key.keyName ?? key.origin;
    this.publicKey = key.publicKey ?? publicKeyFromPrivate(key.privateKey);
    if (publicKeyFromPrivate(key.privateKey) !== this.publicKey)
      throw new LogError("CHECKPOINT_SIGNATURE", "the log's public key does not match its private key");
    this.table = log.store.table<StoredCheckpoint>(TABLES.checkpoints);
  }

  /**
   * Signs a checkpoint of the log's current size and stores it (synced) before returning it.
   * Returns the latest checkpoint when the log has not grown, and undefined for an empty log
   * (the empty tree is consistent with every tree, so its checkpoint would commit to nothing).
   */
  checkpoint(): Promise<StoredCheckpoint | undefined> {
    const run = this.running.then(
      () => this.signCurrent(),
      () => this.signCurrent(),
    );
    this.running = run.catch(() => undefined);
    return run;
  }

  private async signCurrent(): Promise<StoredCheckpoint | undefined> {
    const size = this.log.size;
    if (size === 0) return undefined;
    const root = await this.log.root(size);
    const previous = await this.stored();
    if (previous) {
      this.checkPrevious(previous);
      if (previous.size > size)
        throw new LogError(
          "CHECKPOINT_INCONSISTENT",
          `refusing to sign: the tree has ${size} leaves but checkpoint ${previous.size} was signed`,
        );
      const oldRoot = Buffer.from(previous.rootHash, "hex");
      if (previous.size === size) {
        if (!oldRoot.equals(Buffer.from(root)))
          throw new LogError(
            "CHECKPOINT_INCONSISTENT",
            `the tree's root at ${size} differs from the signed checkpoint`,
          );
        return previous;
      }
      const proof = await this.log.consistencyProof(previous.size, size);
      if (!verifyConsistency(previous.size, size, oldRoot, root, proof, this.log.hash)) {
        throw new LogError(
          "CHECKPOINT_INCONSISTENT",
          `refusing to sign: tree ${size} is not consistent with checkpoint ${previous.size}`,
        );
      }
    }
    const text = signCheckpoint({ origin: this.origin, size, rootHash: root }, this.key.privateKey, this.keyName);
    const stored: StoredCheckpoint = {
      origin: this.origin,
      size,
      rootHash: hex(root),
      text,
      hash: checkpointHash(text),
      signedAt: Date.now(),
    };
    await this.log.store.write([this.table.putOp(sizeKey(size), stored)], true);
    latestCheckpoints.set(this.log.store, stored);
    for (const listener of this.listeners) listener(stored);
    return stored;
  }

  /** Calls `listener` with every checkpoint signed from now on (once stored); returns the unsubscribe. */
  onSigned(listener: (cp: StoredCheckpoint) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The stored checkpoint must be ours and say what its fields say (guards a tampered store). */
  private checkPrevious(previous: StoredCheckpoint): void {
    let cp: Checkpoint;
    try {
      cp = verifySignedCheckpoint(previous.text, this.publicKey, this.keyName, { acceptEarlierKeyIds: true });
    } catch (err) {
      throw new LogError(
        "CHECKPOINT_INCONSISTENT",
        `the stored checkpoint ${previous.size} does not verify: ${(err as Error).message}`,
      );
    }
    if (cp.origin !== this.origin || cp.size !== previous.size || hex(cp.rootHash) !== previous.rootHash) {
      throw new LogError(
        "CHECKPOINT_INCONSISTENT",
        `the stored checkpoint ${previous.size} does not match its signed note`,
      );
    }
  }

  /** The checkpoint signed at exactly this size, if any. */
  checkpointAt(size: number): Promise<StoredCheckpoint | undefined> {
    return this.table.get(sizeKey(size));
  }

  async latest(): Promise<StoredCheckpoint | undefined> {
    const known = latestCheckpoints.get(this.log.store);
    return known === undefined ? this.stored() : (known ?? undefined);
  }

  /** The latest checkpoint as stored (what a new one must be consistent with), remembered for `latest`. */
  private async stored(): Promise<StoredCheckpoint | undefined> {
    let latest: StoredCheckpoint | null = null;
    for await (const v of this.table.values({ reverse: true, limit: 1 })) latest = v;
    latestCheckpoints.set(this.log.store, latest);
    return latest ?? undefined;
  }

  /** Every stored checkpoint, by increasing size. */
  all(): AsyncIterable<StoredCheckpoint> {
    return this.table.values();
  }

  /** The RFC 9162 consistency proof between two tree sizes (typically two checkpoints). */
  consistencyProof(from: number, to?: number): Promise<Uint8Array[]> {
    return this.log.consistencyProof(from, to ?? this.log.size);
  }

  /** The log's verifier key in signed-note vkey form. */
  get verifierKey(): string {
    return verifierKey(this.keyName, this.publicKey);
  }

  /** Verifies a signed checkpoint against this log's key (throws CHECKPOINT_*). */
  verify(text: string): Checkpoint {
    return verifySignedCheckpoint(text, this.publicKey, this.keyName);
  }
}
