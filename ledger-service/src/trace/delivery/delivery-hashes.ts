import { createWriteStream, type WriteStream } from "node:fs";
import { Fingerprinter, HANDLE_BYTES } from "../fingerprint.ts";
import { paddedBlocks, Sm3Lanes, type HmacStates } from "../../../../core/crypto/sm3-lanes.ts";
import { StreamingRoot } from "../tree.ts";

/**
 * What a delivery computes per record for its registration, from the record's canonical bytes:
 * the fingerprint and its leaf hash (into the streaming root), the lookup handle, and where asked
 * for, the leaf hashes and handles kept in memory or written to files batch by batch
 * (fingerprint.ts defines them).
 *
 * Records are hashed a batch at a time with `Sm3Lanes` (four SM3 compressions at once) where
 * WebAssembly SIMD is available, else one at a time with `Fingerprinter`; both give the same
 * bytes (tested).
 */
export interface DeliveryHashOptions {
  readonly fingerprintKey: Uint8Array;
  readonly indexKey: Uint8Array | undefined;
  /** Keep every leaf hash and handle in memory. */
  readonly keep: boolean;
  readonly leafHashesPath?: string;
  readonly handlesPath?: string;
  /** Also write the marks (one byte per record: cells the watermark changed, at most 254) here. */
  readonly marksPath?: string;
  /** Hash four records at a time where possible (default true); false forces the scalar path. */
  readonly lanes?: boolean;
}

class Growable {
  buf: Buffer;
  length = 0;

  constructor(initial: number) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  reserve(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + extra, 1 << 16));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  result(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

/** The batch's records waiting in the lanes' memory: where each canonical form starts and its blocks. */
class Pending {
  count = 0;
  at = new Int32Array(4096);
  blocks = new Int32Array(4096);

  push(at: number, blocks: number): void {
    if (this.count === this.at.length) {
      const a = new Int32Array(this.count * 2);
      a.set(this.at);
      this.at = a;
      const b = new Int32Array(this.count * 2);
      b.set(this.blocks);
      this.blocks = b;
    }
    this.at[this.count] = at;
    this.blocks[this.count++] = blocks;
  }
}

/**
 * A record's mark byte: how many of its cells the watermark changed, capped here; UNKNOWN_MARK
 * (255) stands for a record whose mark was not reported (fingerprint-store.ts).
 */
export const MAX_MARK = 254;

/** Below this many leaves a subtree is not worth a round of jobs. */
const MIN_SUBTREE = 8;

/**
 * The RFC 9162 root of the perfect subtree over `size` (a power of two) leaf hashes at `at`:
 * each level's node messages 0x01 ‖ left ‖ right (65 bytes, two blocks) are filled by the level
 * below, whose digests are written straight into them. Returns the root's offset.
 */
function subtreeRoot(lanes: Sm3Lanes, at: number, size: number): number {
  let level = lanes.scratch(size * 64);
  const b = lanes.bytes;
  for (let m = 0; m < size / 2; m++) {
    const msg = level + 128 * m;
    b[msg] = 1;
    b.copyWithin(msg + 1, at + 64 * m, at + 64 * m + 64);
  }
  for (let nodes = size / 2; ; nodes /= 2) {
    const parents = nodes > 1 ? lanes.scratch(nodes * 64) : lanes.scratch(32);
    const bytes = lanes.bytes;
    for (let m = 0; m < nodes; m++) {
      const msg = level + 128 * m;
      bytes[msg + 65] = 0x80;
      bytes[msg + 126] = 0x02; // 65 · 8 = 520 bits
      bytes[msg + 127] = 0x08;
      if (nodes > 1 && m % 2 === 0) bytes[parents + 128 * (m / 2)] = 1;
      lanes.job(lanes.iv, msg, 2, nodes > 1 ? parents + 128 * (m >> 1) + 1 + 32 * (m & 1) : parents);
    }
    lanes.run();
    if (nodes === 1) return parents;
    level = parents;
  }
}

export class DeliveryHashes {
  private readonly fingerprinter: Fingerprinter;
  private readonly lanes: Sm3Lanes | undefined;
  private readonly fpStates: HmacStates | undefined;
  private readonly indexStates: HmacStates | undefined;
  private readonly pending = new Pending();
  private readonly tree = new StreamingRoot();
  private readonly leaves = new Growable(1 << 20);
  private readonly handles: Growable | undefined;
  /** Per record, how many of its cells the watermark changed (capped at MAX_MARK). */
  private readonly marks = new Growable(1 << 16);
  /** Start of the batch not yet written to the files. */
  private leafMark = 0;
  private handleMark = 0;
  private markMark = 0;
  private readonly leafOut: WriteStream | undefined;
  private readonly handleOut: WriteStream | undefined;
  private readonly markOut: WriteStream | undefined;

  constructor(private readonly options: DeliveryHashOptions) {
    this.fingerprinter = new Fingerprinter(options.fingerprintKey, options.indexKey);
    this.lanes = options.lanes === false ? undefined : Sm3Lanes.create();
    this.fpStates = this.lanes?.hmacStates(options.fingerprintKey);
    this.indexStates = options.indexKey ? this.lanes?.hmacStates(options.indexKey) : undefined;
    this.handles = options.indexKey ? new Growable(1 << 19) : undefined;
    this.leafOut = options.leafHashesPath ? createWriteStream(options.leafHashesPath) : undefined;
    this.handleOut = options.handlesPath && options.indexKey ? createWriteStream(options.handlesPath) : undefined;
    this.markOut = options.marksPath ? createWriteStream(options.marksPath) : undefined;
  }

  /** Records hashed so far: up to the last `endBatch` with lanes, every `add` without. */
  get count(): number {
    return this.tree.count;
  }

  /**
   * Hashes one record given its canonical bytes `canonical[0, len)` (by the next `endBatch`);
   * `changed` is the number of its cells the watermark changed.
   */
  add(canonical: Uint8Array, len: number, changed = 0): void {
    const marks = this.marks;
    marks.reserve(1);
    marks.buf[marks.length++] = Math.min(changed, MAX_MARK);
    const lanes = this.lanes;
    if (!lanes) return this.addScalar(canonical, len);
    const at = lanes.message(len, 1);
    const b = lanes.bytes;
    for (let i = 0; i < len; i++) b[at + i] = canonical[i]!;
    this.pending.push(at, paddedBlocks(len));
  }

  private addScalar(canonical: Uint8Array, len: number): void {
    const leaves = this.leaves;
    const handles = this.handles;
    leaves.reserve(32);
    if (handles) handles.reserve(HANDLE_BYTES);
    this.fingerprinter.computeInto(
      canonical,
      len,
      undefined,
      0,
      leaves.buf,
      leaves.length,
      handles?.buf,
      handles?.length ?? 0,
    );
    this.tree.push(leaves.buf, leaves.length);
    leaves.length += 32;
    if (handles) handles.length += HANDLE_BYTES;
  }

  /**
   * The pending records' HMACs (inner, then outer, each digest written where the next hash
   * reads it), then their leaf hashes, four lanes at a time.
   */
  private hashPending(): void {
    const lanes = this.lanes;
    const n = this.pending.count;
    if (!lanes || n === 0) return;
    const fp = this.fpStates!;
    const idx = this.indexStates;
    const { at, blocks } = this.pending;
    const fpOuter = new Int32Array(n);
    const idxOuter = new Int32Array(n);
    const leafAt = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      fpOuter[i] = lanes.message(32, 1);
      lanes.job(fp.inner, at[i]!, blocks[i]!, fpOuter[i]!);
      if (idx) {
        idxOuter[i] = lanes.message(32, 1);
        lanes.job(idx.inner, at[i]!, blocks[i]!, idxOuter[i]!);
      }
    }
    lanes.run();
    // Handles are the first 16 bytes of each index digest; leaf messages are 0x00 ‖ fingerprint.
    const handleAt = idx ? lanes.scratch(n * 32) : 0;
    for (let i = 0; i < n; i++) {
      leafAt[i] = lanes.message(33, 0);
      lanes.job(fp.outer, fpOuter[i]!, 1, leafAt[i]! + 1);
      if (idx) lanes.job(idx.outer, idxOuter[i]!, 1, handleAt + 32 * i);
    }
    lanes.run();
    const leafOut = lanes.scratch(n * 32);
    for (let i = 0; i < n; i++) lanes.job(lanes.iv, leafAt[i]!, 1, leafOut + 32 * i);
    lanes.run();
    this.pushLeaves(lanes, leafOut, n);
    const b = lanes.bytes;
    const leaves = this.leaves;
    leaves.reserve(32 * n);
    leaves.buf.set(b.subarray(leafOut, leafOut + 32 * n), leaves.length);
    leaves.length += 32 * n;
    const handles = this.handles;
    if (handles) {
      handles.reserve(HANDLE_BYTES * n);
      const h = handles.buf;
      let o = handles.length;
      for (let i = 0; i < n; i++) for (let k = 0; k < HANDLE_BYTES; k++) h[o++] = b[handleAt + 32 * i + k]!;
      handles.length = o;
    }
    lanes.reset();
    this.pending.count = 0;
  }

  /**
   * Adds `n` leaf hashes at `at` of the lanes' memory to the root: as the largest perfect subtrees
   * that can follow the leaves so far, their nodes computed level by level four at a time.
   */
  private pushLeaves(lanes: Sm3Lanes, at: number, n: number): void {
    let i = 0;
    while (i < n) {
      let size = 1;
      while (size * 2 <= n - i && this.tree.count % (size * 2) === 0) size *= 2;
      if (size < MIN_SUBTREE) {
        this.tree.push(lanes.bytes, at + 32 * i);
        i++;
        continue;
      }
      const root = subtreeRoot(lanes, at + 32 * i, size);
      this.tree.pushSubtree(lanes.bytes, root, size);
      i += size;
    }
  }

  /** Hashes the batch, writes it to the files and, without `keep`, forgets it. */
  async endBatch(): Promise<void> {
    this.hashPending();
    if (this.leafOut)
      await writeAll(this.leafOut, Buffer.from(this.leaves.buf.subarray(this.leafMark, this.leaves.length)));
    if (this.handleOut && this.handles)
      await writeAll(this.handleOut, Buffer.from(this.handles.buf.subarray(this.handleMark, this.handles.length)));
    if (this.markOut)
      await writeAll(this.markOut, Buffer.from(this.marks.buf.subarray(this.markMark, this.marks.length)));
    if (this.options.keep) {
      this.leafMark = this.leaves.length;
      this.handleMark = this.handles?.length ?? 0;
      this.markMark = this.marks.length;
    } else {
      this.leaves.length = 0;
      this.marks.length = 0;
      if (this.handles) this.handles.length = 0;
    }
  }

  async close(): Promise<void> {
    await this.endBatch();
    if (this.leafOut) await endStream(this.leafOut);
    if (this.handleOut) await endStream(this.handleOut);
    if (this.markOut) await endStream(this.markOut);
  }

  root(): Buffer {
    return this.tree.root();
  }

  /** The kept leaf hashes (32 bytes each), handles (16 bytes each) and marks (1 byte each), in record order. */
  kept(): { leafHashes: Buffer; handles?: Buffer; marks: Buffer } | undefined {
    if (!this.options.keep) return undefined;
    return {
      leafHashes: this.leaves.result(),
      ...(this.handles ? { handles: this.handles.result() } : {}),
      marks: this.marks.result(),
    };
  }
}

async function writeAll(stream: WriteStream, data: Uint8Array): Promise<void> {
  if (!stream.write(data)) await new Promise<void>((resolve) => stream.once("drain", () => resolve()));
}

async function endStream(stream: WriteStream): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    stream.once("error", reject);
    stream.end(() => resolve());
  });
}
