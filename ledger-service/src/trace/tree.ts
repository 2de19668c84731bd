import { inclusionPath, rootFromLeafHashes, verifyInclusion } from "../log/rfc9162.ts";
import { hasherFor, SM3 } from "../log/tree-hasher.ts";

/**
 * RFC 9162 tree helpers over a delivery's fingerprint leaf hashes, built on
 * `ledger-service/src/log/rfc9162.ts` (its `inclusionPath` walk and `verifyInclusion`), with the
 * node hash SM3(0x01 ‖ left ‖ right) computed by the log's SM3 tree hasher into the caller's
 * buffers (no allocation, fixed padding for the 65-byte input).
 * Tests check every root and proof against `rootFromLeafHashes` / `verifyInclusion`.
 */
const EMPTY_ROOT = Buffer.from("1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b", "hex");

const nodeInto = hasherFor(SM3).nodeInto;

/**
 * The RFC 9162 root computed as leaves stream in, in O(log n) memory: a stack of perfect
 * subtrees, merged when two of equal size meet, folded right to left at the end (which is the
 * largest-power-of-two split of RFC 9162 §2.1.1).
 */
export class StreamingRoot {
  private readonly stack = new Uint8Array(64 * 32);
  private readonly sizes: number[] = [];
  count = 0;

  /** Adds the leaf hash at `leaves[off, off+32)`. */
  push(leaves: Uint8Array, off: number): void {
    this.pushSubtree(leaves, off, 1);
  }

  /**
   * Adds the hash at `hashes[off, off+32)` of a perfect subtree of `size` leaves (a power of two
   * that divides `count`): the same as pushing its leaves one by one.
   */
  pushSubtree(hashes: Uint8Array, off: number, size: number): void {
    if (this.count % size !== 0 || (size & (size - 1)) !== 0)
      throw new RangeError(`a subtree of ${size} leaves cannot follow ${this.count}`);
    let top = this.sizes.length;
    const stack = this.stack;
    for (let i = 0; i < 32; i++) stack[top * 32 + i] = hashes[off + i]!;
    this.sizes.push(size);
    top++;
    while (top >= 2 && this.sizes[top - 1] === this.sizes[top - 2]) {
      nodeInto(this.stack, (top - 2) * 32, this.stack, (top - 1) * 32, this.stack, (top - 2) * 32);
      this.sizes[top - 2]! *= 2;
      this.sizes.pop();
      top--;
    }
    this.count += size;
  }

  root(): Buffer {
    const n = this.sizes.length;
    if (n === 0) return Buffer.from(EMPTY_ROOT);
    const r = Buffer.from(this.stack.subarray((n - 1) * 32, n * 32));
    for (let i = n - 2; i >= 0; i--) nodeInto(this.stack, i * 32, r, 0, r, 0);
    return r;
  }
}

/** Splits concatenated 32-byte leaf hashes into views (no copy). */
export function leafViews(leafHashes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = 0; o + 32 <= leafHashes.length; o += 32) out.push(leafHashes.subarray(o, o + 32));
  return out;
}

/** The RFC 9162 root of concatenated leaf hashes, by `rfc9162.rootFromLeafHashes` (reference path). */
export function referenceRoot(leafHashes: Uint8Array): Buffer {
  return Buffer.from(rootFromLeafHashes(leafViews(leafHashes)));
}

/**
 * Inclusion proofs over one delivery's leaf hashes. Subtree hashes of 256 leaves or more are
 * memoised, so after the first proof (one pass over the tree) each further proof costs a few
 * hundred hashes.
 */
export class ProofTree {
  private readonly memo = new Map<string, Buffer>();
  readonly size: number;

  constructor(private readonly leafHashes: Uint8Array) {
    if (leafHashes.length % 32 !== 0) throw new RangeError("leaf hashes must be a multiple of 32 bytes");
    this.size = leafHashes.length / 32;
  }

  private subtree = (start: number, size: number): Uint8Array => {
    if (size === 0) return EMPTY_ROOT;
    if (size === 1) return this.leafHashes.subarray(start * 32, start * 32 + 32);
    const key = size >= 256 ? `${start}:${size}` : undefined;
    if (key !== undefined) {
      const hit = this.memo.get(key);
      if (hit) return hit;
    }
    let k = 1;
    while (k * 2 < size) k *= 2;
    const left = this.subtree(start, k);
    const right = this.subtree(start + k, size - k);
    const out = Buffer.allocUnsafe(32);
    nodeInto(left, 0, right, 0, out, 0);
    if (key !== undefined) this.memo.set(key, out);
    return out;
  };

  root(): Buffer {
    return Buffer.from(this.subtree(0, this.size));
  }

  leaf(index: number): Buffer {
    return Buffer.from(this.leafHashes.subarray(index * 32, index * 32 + 32));
  }

  /** RFC 9162 inclusion proof (leaf to root order) of leaf `index`. */
  async proof(index: number): Promise<Uint8Array[]> {
    if (!(Number.isInteger(index) && index >= 0 && index < this.size))
      throw new RangeError(`index ${index} outside a tree of ${this.size}`);
    return (await inclusionPath(this.subtree, index, 0, this.size)).map((p) => Buffer.from(p));
  }
}

export { verifyInclusion };
