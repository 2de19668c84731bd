import { ClassicLevel } from "classic-level";
import { consistencyPath, inclusionPath, leafHash, nodeHash, SM3, splitPoint, type HashFn } from "./rfc9162.ts";

/**
 * The durable append-only Merkle log (RFC 9162 shape) in LevelDB.
 *
 * Stored per leaf: its data and leaf hash; per complete subtree (level ℓ, index i covering
 * leaves [i·2^ℓ, (i+1)·2^ℓ)): its hash. Any subtree hash MTH(D[a:a+n]) at any past size is then
 * the hash of at most O(log n) stored nodes, so roots and proofs at any size take O(log n) reads
 * (O(log² n) in the worst case for consistency proofs).
 *
 * Appends are coalesced into one LevelDB batch written with sync: an append resolves only once
 * its leaves, their nodes and the new size are on disk together, so after a crash (kill -9) the
 * log reopens at the last acknowledged size. Each entry carries a caller key (e.g. the chain
 * event's cursor); appending a key that is already in the log returns its existing index, which
 * makes replaying the same events after a crash harmless.
 */
export interface LogEntry {
  readonly key: string;
  readonly data: Uint8Array;
}

const pad = (n: number) => n.toString().padStart(16, "0");
const nodeKey = (level: number, index: number) => `n${level.toString().padStart(2, "0")}/${pad(index)}`;

interface Pending {
  entries: readonly LogEntry[];
  resolve: (indexes: number[]) => void;
  reject: (err: unknown) => void;
}

export class MerkleLog {
  private treeSize = 0;
  private readonly queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  /** Hashes of complete subtrees on the right edge, per level, to extend the tree without reads. */
  private readonly edge = new Map<number, { index: number; hash: Uint8Array }>();

  private constructor(
    private readonly db: ClassicLevel<string, string>,
    readonly hash: HashFn,
  ) {}

  static async open(location: string, hash: HashFn = SM3): Promise<MerkleLog> {
    const db = new ClassicLevel<string, string>(location, { valueEncoding: "utf8" });
    await db.open();
    const log = new MerkleLog(db, hash);
    log.treeSize = Number((await db.get("size")) ?? "0");
    // Rebuild the right edge: the complete subtrees that make up the current size.
    let start = 0;
    for (let level = 52; level >= 0; level--) {
      const span = 2 ** level;
      if (log.treeSize - start >= span) {
        const index = start / span;
        log.edge.set(level, { index, hash: await log.node(level, index) });
        start += span;
      }
    }
    return log;
  }

  get size(): number {
    return this.treeSize;
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.db.close();
  }

  /** Appends entries durably, in order; resolves with their leaf indexes. */
  append(entries: readonly LogEntry[]): Promise<number[]> {
    if (entries.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ entries, resolve, reject });
      this.flushing ??= Promise.resolve().then(() => this.flush());
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.queue.length);
      const ops: { type: "put"; key: string; value: string }[] = [];
      const edge = new Map(this.edge);
      let size = this.treeSize;
      const seenInBatch = new Map<string, number>();
      const results: number[][] = [];
      try {
        for (const p of batch) {
          const indexes: number[] = [];
          for (const entry of p.entries) {
            const existing = seenInBatch.get(entry.key) ?? (await this.indexOfKey(entry.key));
            if (existing !== undefined) {
              indexes.push(existing);
              continue;
            }
            const index = size++;
            const leaf = leafHash(entry.data, this.hash);
            ops.push({ type: "put", key: `l/${pad(index)}`, value: Buffer.from(entry.data).toString("base64") });
            ops.push({ type: "put", key: `k/${entry.key}`, value: String(index) });
            seenInBatch.set(entry.key, index);
            // Add the leaf and every complete subtree it closes.
            let level = 0;
            let i = index;
            let h = leaf;
            ops.push({ type: "put", key: nodeKey(0, i), value: Buffer.from(h).toString("hex") });
            while (i % 2 === 1) {
              const left = edge.get(level);
              if (!left || left.index !== i - 1) throw new Error(`log corrupt: missing node ${level}/${i - 1}`);
              h = nodeHash(left.hash, h, this.hash);
              edge.delete(level);
              level++;
              i = (i - 1) / 2;
              ops.push({ type: "put", key: nodeKey(level, i), value: Buffer.from(h).toString("hex") });
            }
            edge.set(level, { index: i, hash: h });
            indexes.push(index);
          }
          results.push(indexes);
        }
        ops.push({ type: "put", key: "size", value: String(size) });
        await this.db.batch(ops, { sync: true });
        this.treeSize = size;
        this.edge.clear();
        for (const [k, v] of edge) this.edge.set(k, v);
        batch.forEach((p, i) => p.resolve(results[i]!));
      } catch (err) {
        batch.forEach((p) => p.reject(err));
      }
    }
    this.flushing = undefined;
  }

  /** Log metadata (checkpoints, anchors), written synchronously. */
  async putMeta(key: string, value: unknown): Promise<void> {
    await this.db.put(`m/${key}`, JSON.stringify(value), { sync: true });
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    const value = await this.db.get(`m/${key}`);
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }

  /** The last metadata value under a prefix whose keys sort by size (zero-padded). */
  async lastMeta<T>(prefix: string): Promise<T | undefined> {
    for await (const value of this.db.values({ gte: `m/${prefix}`, lt: `m/${prefix}\xff`, reverse: true, limit: 1 })) return JSON.parse(value) as T;
    return undefined;
  }

  async indexOfKey(key: string): Promise<number | undefined> {
    const value = await this.db.get(`k/${key}`);
    return value === undefined ? undefined : Number(value);
  }

  async entry(index: number): Promise<Buffer> {
    this.assertIndex(index, this.treeSize);
    return Buffer.from((await this.db.get(`l/${pad(index)}`))!, "base64");
  }

  async leafHashAt(index: number): Promise<Uint8Array> {
    this.assertIndex(index, this.treeSize);
    return this.node(0, index);
  }

  private async node(level: number, index: number): Promise<Uint8Array> {
    const value = await this.db.get(nodeKey(level, index));
    if (value === undefined) throw new Error(`log corrupt: missing node ${level}/${index}`);
    return Buffer.from(value, "hex");
  }

  /** MTH(D[start : start+size]) from stored complete subtrees. */
  private subtree = async (start: number, size: number): Promise<Uint8Array> => {
    if (size === 0) return this.hash(new Uint8Array(0));
    if ((size & (size - 1)) === 0 && start % size === 0) return this.node(Math.log2(size), start / size);
    const k = splitPoint(size);
    return nodeHash(await this.subtree(start, k), await this.subtree(start + k, size - k), this.hash);
  };

  async root(size = this.treeSize): Promise<Uint8Array> {
    this.assertSize(size);
    return this.subtree(0, size);
  }

  async inclusionProof(index: number, size = this.treeSize): Promise<Uint8Array[]> {
    this.assertSize(size);
    this.assertIndex(index, size);
    return inclusionPath(this.subtree, index, 0, size);
  }

  async consistencyProof(size1: number, size2 = this.treeSize): Promise<Uint8Array[]> {
    this.assertSize(size2);
    if (!(size1 >= 1 && size1 <= size2)) throw new RangeError(`no consistency proof from ${size1} to ${size2}`);
    return consistencyPath(this.subtree, size1, 0, size2);
  }

  private assertSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.treeSize) throw new RangeError(`tree size ${size} outside 0..${this.treeSize}`);
  }

  private assertIndex(index: number, size: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new RangeError(`leaf ${index} outside a tree of ${size}`);
  }
}
