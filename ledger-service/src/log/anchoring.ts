import type { Table } from "../storage/level.ts";
import type { Checkpointer, StoredCheckpoint } from "./checkpointer.ts";
import { LogError } from "./errors.ts";
import type { MerkleLog } from "./merkle-log.ts";
import { verifyConsistency } from "./rfc9162.ts";
import { sizeKey, TABLES } from "./log-store.ts";
import type { AnchorRecord, AnchorTx } from "../../../core/public-checkpoint.ts";

// What the chain backends and the receipts import from here; the wire shape is core's.
export type { AnchorRecord, AnchorTx } from "../../../core/public-checkpoint.ts";

/**
 * Anchoring signed checkpoints on a chain (a timestamp and a public commitment to the log head),
 * and the chain of consistency proofs between anchored checkpoints: each anchor then vouches for
 * the whole prefix, and a verifier holding two anchors can check that the log only grew.
 */

/** What is written on chain for a checkpoint. Hashes are lowercase hex. */
export interface AnchorRequest {
  readonly origin: string;
  readonly treeSize: number;
  readonly rootHash: string;
  /** SM3 of the signed note text. */
  readonly checkpointHash: string;
}

/** The chain the anchors go to (EVM registry, Fabric chaincode, or a fake in tests). */
export interface AnchorSink {
  anchor(cp: AnchorRequest): Promise<AnchorTx>;
}

/** The consistency proof from one anchored checkpoint to the next, verified before it was stored. */
export interface AnchorLink {
  readonly from: number;
  readonly to: number;
  readonly fromRoot: string;
  readonly toRoot: string;
  readonly proof: string[];
}

const HEX32 = /^[0-9a-f]{64}$/;
const isCount = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/**
 * The latest anchor of each open log store (null: none yet), shared by every AnchorStore on it:
 * a receipt for an entry past it, which is every fresh write's, then needs no iterator.
 */
const latestAnchors = new WeakMap<object, AnchorRecord | null>();

/** Anchor records and the links between them, in the log's database. */
export class AnchorStore {
  private readonly anchors: Table<AnchorRecord>;
  private readonly links: Table<AnchorLink>;
  private readonly checkpoints: Table<StoredCheckpoint>;
  private running: Promise<unknown> = Promise.resolve();

  constructor(readonly log: MerkleLog) {
    this.anchors = log.store.table<AnchorRecord>(TABLES.anchors);
    this.links = log.store.table<AnchorLink>(TABLES.anchorLinks);
    this.checkpoints = log.store.table<StoredCheckpoint>(TABLES.checkpoints);
  }

  /**
   * Stores an anchor after checking it: its root must be the log's root at its size, its
   * checkpoint hash that of the checkpoint signed at that size (when one is stored), and it must
   * be consistent with the previous anchor (the proof is verified, then stored with it, in one
   * synced batch). An anchor not newer than the latest one is refused. Throws ANCHOR_MISMATCH or
   * CHECKPOINT_INCONSISTENT.
   */
  record(anchor: AnchorRecord): Promise<AnchorRecord> {
    const run = this.running.then(
      () => this.recordNow(anchor),
      () => this.recordNow(anchor),
    );
    this.running = run.catch(() => undefined);
    return run;
  }

  private async recordNow(a: AnchorRecord): Promise<AnchorRecord> {
    if (!isCount(a.treeSize) || a.treeSize < 1 || a.treeSize > this.log.size)
      throw new LogError(
        "ANCHOR_MISMATCH",
        `anchored tree size ${a.treeSize} is not a size of this log (1..${this.log.size})`,
      );
    if (!HEX32.test(a.rootHash) || !HEX32.test(a.checkpointHash))
      throw new LogError("ANCHOR_MISMATCH", "anchored hashes must be 64 lowercase hex");
    if (
      typeof a.txId !== "string" ||
      a.txId.length === 0 ||
      !isCount(a.blockNumber) ||
      !isCount(a.blockTime) ||
      !a.chainType ||
      typeof a.chainId !== "string" ||
      typeof a.contract !== "string"
    ) {
      throw new LogError("ANCHOR_MISMATCH", "the anchor's transaction reference is incomplete");
    }
    const root = hex(await this.log.root(a.treeSize));
    if (root !== a.rootHash)
      throw new LogError("ANCHOR_MISMATCH", `the anchored root is not the log's root at size ${a.treeSize}`);
    const cp = await this.checkpoints.get(sizeKey(a.treeSize));
    if (cp && cp.hash !== a.checkpointHash)
      throw new LogError("ANCHOR_MISMATCH", `the anchored checkpoint hash is not that of checkpoint ${a.treeSize}`);
    const record: AnchorRecord = {
      txId: a.txId,
      blockNumber: a.blockNumber,
      blockTime: a.blockTime,
      chainType: a.chainType,
      chainId: a.chainId,
      contract: a.contract,
      ...(a.origin !== undefined ? { origin: a.origin } : cp ? { origin: cp.origin } : {}),
      treeSize: a.treeSize,
      rootHash: a.rootHash,
      checkpointHash: a.checkpointHash,
      recordedAt: a.recordedAt ?? Date.now(),
    };
    const previous = await this.stored();
    const ops = [this.anchors.putOp(sizeKey(a.treeSize), record)];
    if (previous) {
      if (previous.treeSize >= a.treeSize)
        throw new LogError(
          "CHECKPOINT_INCONSISTENT",
          `anchor ${a.treeSize} is not newer than anchor ${previous.treeSize}`,
        );
      const proof = await this.log.consistencyProof(previous.treeSize, a.treeSize);
      if (
        !verifyConsistency(
          previous.treeSize,
          a.treeSize,
          Buffer.from(previous.rootHash, "hex"),
          Buffer.from(a.rootHash, "hex"),
          proof,
          this.log.hash,
        )
      ) {
        throw new LogError(
          "CHECKPOINT_INCONSISTENT",
          `anchor ${a.treeSize} is not consistent with anchor ${previous.treeSize}`,
        );
      }
      ops.push(
        this.links.putOp(sizeKey(a.treeSize), {
          from: previous.treeSize,
          to: a.treeSize,
          fromRoot: previous.rootHash,
          toRoot: a.rootHash,
          proof: proof.map(hex),
        }),
      );
    }
    await this.log.store.write(ops, true);
    latestAnchors.set(this.log.store, record);
    return record;
  }

  async latest(): Promise<AnchorRecord | undefined> {
    const known = latestAnchors.get(this.log.store);
    return known === undefined ? this.stored() : (known ?? undefined);
  }

  /** The latest anchor as stored (what a new anchor is checked against), remembered for `latest`. */
  private async stored(): Promise<AnchorRecord | undefined> {
    let latest: AnchorRecord | null = null;
    for await (const v of this.anchors.values({ reverse: true, limit: 1 })) latest = v;
    latestAnchors.set(this.log.store, latest);
    return latest ?? undefined;
  }

  at(treeSize: number): Promise<AnchorRecord | undefined> {
    return this.anchors.get(sizeKey(treeSize));
  }

  /** The earliest anchor whose tree contains leaf `index`: the tightest on-chain time bound for it. */
  async covering(index: number): Promise<AnchorRecord | undefined> {
    const latest = await this.latest();
    if (!latest || latest.treeSize <= index) return undefined;
    for await (const v of this.anchors.values({ gte: sizeKey(index + 1), limit: 1 })) return v;
    return undefined;
  }

  /** The stored consistency proof from the previous anchor to the anchor at `treeSize`. */
  link(treeSize: number): Promise<AnchorLink | undefined> {
    return this.links.get(sizeKey(treeSize));
  }

  /** Every anchor, by increasing tree size. */
  all(): AsyncIterable<AnchorRecord> {
    return this.anchors.values();
  }
}

export interface AnchorerOptions {
  /** Anchor at least this often while the log has grown (seconds; default 60; 0 disables). */
  readonly everySeconds?: number;
  /** Anchor as soon as this many leaves were added since the last anchor (default 1000; 0 disables). */
  readonly everyLeaves?: number;
  /** Errors of triggered runs (anchorNow() callers get theirs directly). */
  readonly onError?: (err: unknown) => void;
  /** Called with every new anchor. */
  readonly onAnchor?: (anchor: AnchorRecord) => void;
}

/**
 * Every T seconds, or as soon as N new leaves are in the log, signs a checkpoint of the current
 * size (via the Checkpointer, which refuses inconsistent heads), anchors it through the sink and
 * records it with the consistency proof from the previous anchor. Runs are serialized; a trigger
 * that fires during a run is folded into one follow-up run.
 */
export class Anchorer {
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private triggered = false;
  private anchoredSize = 0;
  private readonly everySeconds: number;
  private readonly everyLeaves: number;

  constructor(
    private readonly log: MerkleLog,
    private readonly checkpointer: Checkpointer,
    readonly anchors: AnchorStore,
    private readonly sink: AnchorSink,
    private readonly options: AnchorerOptions = {},
  ) {
    this.everySeconds = options.everySeconds ?? 60;
    this.everyLeaves = options.everyLeaves ?? 1000;
  }

  /** Starts the time and count triggers (idempotent). */
  async start(): Promise<void> {
    if (this.timer || this.unsubscribe) return;
    this.anchoredSize = (await this.anchors.latest())?.treeSize ?? 0;
    if (this.everySeconds > 0) {
      this.timer = setInterval(() => {
        if (this.log.size > this.anchoredSize) this.trigger();
      }, this.everySeconds * 1000);
      this.timer.unref();
    }
    if (this.everyLeaves > 0) {
      this.unsubscribe = this.log.onAppend((size) => {
        if (size - this.anchoredSize >= this.everyLeaves) this.trigger();
      });
      if (this.log.size - this.anchoredSize >= this.everyLeaves) this.trigger();
    }
  }

  /** Stops the triggers and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.running.catch(() => undefined);
  }

  /**
   * Checkpoints the current size and anchors it, unless the latest anchor already covers it.
   * Resolves with the latest anchor (new or not), or undefined while the log is empty.
   */
  anchorNow(): Promise<AnchorRecord | undefined> {
    const run = this.running.then(
      () => this.anchorOnce(),
      () => this.anchorOnce(),
    );
    this.running = run.catch(() => undefined);
    return run;
  }

  private trigger(): void {
    if (this.triggered) return;
    this.triggered = true;
    this.anchorNow()
      .catch((err: unknown) => this.options.onError?.(err))
      .finally(() => {
        this.triggered = false;
        if (this.unsubscribe && this.everyLeaves > 0 && this.log.size - this.anchoredSize >= this.everyLeaves)
          this.trigger();
      });
  }

  private async anchorOnce(): Promise<AnchorRecord | undefined> {
    const cp = await this.checkpointer.checkpoint();
    const last = await this.anchors.latest();
    if (!cp || (last && last.treeSize >= cp.size)) return last;
    const tx = await this.sink.anchor({
      origin: cp.origin,
      treeSize: cp.size,
      rootHash: cp.rootHash,
      checkpointHash: cp.hash,
    });
    const record = await this.anchors.record({
      txId: tx.txId,
      blockNumber: tx.blockNumber,
      blockTime: tx.blockTime,
      chainType: tx.chainType,
      chainId: tx.chainId,
      contract: tx.contract,
      origin: cp.origin,
      treeSize: cp.size,
      rootHash: cp.rootHash,
      checkpointHash: cp.hash,
    });
    this.anchoredSize = record.treeSize;
    this.options.onAnchor?.(record);
    return record;
  }
}
