import { createHash } from "node:crypto";
import { LogError } from "./errors.ts";
import type { NodeId } from "./tiles.ts";
import { hasherFor, SM3, type HashFn, type TreeHasher } from "./tree-hasher.ts";

/**
 * RFC 9162 §2.1 Merkle tree hashing, proof generation and proof verification, with the hash as
 * a parameter (SM3 by default; the log names it in its origin, e.g. "…/log/sm3").
 *
 * Proof generation is split in two: `inclusionRanges` / `consistencyRanges` compute *which*
 * subtrees MTH(D[start:start+size]) a proof consists of (pure index arithmetic, straight from
 * PATH and SUBPROOF of §2.1.3.1 / §2.1.4.1), and a source of subtree hashes fills them in: the
 * in-memory helpers below, or the durable store (`merkle-log.ts`).
 *
 * Verifiers (§2.1.3.2, §2.1.4.2) return booleans and never throw: a malformed proof, a wrong
 * hash length or a nonsensical size is simply not a proof.
 */
export { SM3, type HashFn };
export const SHA256: HashFn = (d) => createHash("sha256").update(d).digest();

/** MTH({d}) = H(0x00 ‖ d). */
export function leafHash(data: Uint8Array, hash: HashFn = SM3): Uint8Array {
  const h = hasherFor(hash);
  const out = Buffer.allocUnsafe(h.width);
  h.leafInto(data, out, 0);
  return out;
}

/** H(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array, hash: HashFn = SM3): Uint8Array {
  const h = hasherFor(hash);
  // The buffer-filling hashers take two hashes; any other bytes keep the plain definition.
  if (left.length !== h.width || right.length !== h.width)
    return hash(Buffer.concat([Uint8Array.of(0x01), left, right]));
  const out = Buffer.allocUnsafe(h.width);
  h.nodeInto(left, 0, right, 0, out, 0);
  return out;
}

/** MTH({}) = H(), the root of the empty tree. */
export function emptyRoot(hash: HashFn = SM3): Uint8Array {
  return hash(new Uint8Array(0));
}

/** Whether n is a power of two (exact for every safe integer, unlike `n & (n - 1)`). */
export function isPowerOfTwo(n: number): boolean {
  return n >= 1 && 2 ** Math.round(Math.log2(n)) === n;
}

/** The largest power of two strictly less than n (requires n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Trees beyond 2^53 leaves are not addressable with safe integers. */
const MAX_LEVEL = 53;

/**
 * The complete aligned subtrees covering D[start:start+size], left to right. For the ranges of a
 * tree's own subtrees (start a multiple of the next power of two ≥ size) these are the binary
 * digits of size, largest first; other ranges are split RFC-style until aligned.
 */
export function decompose(start: number, size: number): NodeId[] {
  if (size > 2 ** MAX_LEVEL) throw new LogError("LOG_RANGE", "tree too large");
  const out: NodeId[] = [];
  // Depth first, left before right, with an explicit stack (this runs for every proof).
  const todo = [start, size];
  while (todo.length > 0) {
    const n = todo.pop()!;
    const s = todo.pop()!;
    if (n === 0) continue;
    if (isPowerOfTwo(n) && s % n === 0) {
      out.push({ level: Math.round(Math.log2(n)), index: s / n });
      continue;
    }
    const k = splitPoint(n);
    todo.push(s + k, n - k, s, k);
  }
  return out;
}

/** A subtree D[start : start+size] of the leaves. */
export interface Range {
  readonly start: number;
  readonly size: number;
}

/** The subtrees whose hashes make up PATH(index, D[size]), leaf to root. Requires 0 ≤ index < size. */
export function inclusionRanges(index: number, size: number): Range[] {
  if (!isCount(index) || !isCount(size) || index >= size)
    throw new LogError("LOG_RANGE", `leaf ${index} is outside a tree of ${size}`);
  const out: Range[] = [];
  let start = 0;
  let n = size;
  let m = index;
  while (n > 1) {
    const k = splitPoint(n);
    if (m < k) {
      out.push({ start: start + k, size: n - k });
      n = k;
    } else {
      out.push({ start, size: k });
      start += k;
      m -= k;
      n -= k;
    }
  }
  return out.reverse();
}

/** The subtrees whose hashes make up PROOF(m, D[size]) in order. Requires 1 ≤ m ≤ size. */
export function consistencyRanges(m: number, size: number): Range[] {
  if (!isCount(m) || !isCount(size) || m < 1 || m > size)
    throw new LogError("LOG_RANGE", `no consistency proof from size ${m} to size ${size}`);
  const out: Range[] = [];
  let start = 0;
  let n = size;
  let complete = true;
  while (m !== n) {
    const k = splitPoint(n);
    if (m <= k) {
      out.push({ start: start + k, size: n - k });
      n = k;
    } else {
      out.push({ start, size: k });
      start += k;
      m -= k;
      n -= k;
      complete = false;
    }
  }
  if (!complete) out.push({ start, size: n });
  return out.reverse();
}

/** A source of subtree hashes MTH(D[start : start+size]). */
export type SubtreeHash = (start: number, size: number) => Uint8Array | Promise<Uint8Array>;

/** PATH(m, D[start : start+n]) (RFC 9162 §2.1.3.1) over any subtree-hash source. */
export async function inclusionPath(subtree: SubtreeHash, m: number, start: number, n: number): Promise<Uint8Array[]> {
  if (n <= 1) return [];
  return Promise.all(inclusionRanges(m, n).map((r) => subtree(start + r.start, r.size)));
}

/** PROOF(m, D[start : start+n]) (RFC 9162 §2.1.4.1) over any subtree-hash source. */
export async function consistencyPath(
  subtree: SubtreeHash,
  m: number,
  start: number,
  n: number,
): Promise<Uint8Array[]> {
  return Promise.all(consistencyRanges(m, n).map((r) => subtree(start + r.start, r.size)));
}

// --- in memory ------------------------------------------------------------------------------

/**
 * All levels of a tree over leaf hashes, built once in O(n): level ℓ holds the hashes of the
 * complete subtrees of 2^ℓ leaves, side by side in one Uint8Array (one allocation per level
 * rather than one per node, and the node hashes written straight into it). Any subtree hash then
 * costs O(log n) node hashes, so roots and proofs (any past size) are O(log n) each: what the
 * delivery fingerprint tool needs for a proof per record.
 */
export class MemoryTree {
  private readonly levels: Uint8Array[];
  private readonly hasher: TreeHasher;
  readonly size: number;

  /** Over leaf hashes, given one by one or concatenated (copied either way). */
  constructor(
    leafHashes: readonly Uint8Array[] | Uint8Array,
    readonly hash: HashFn = SM3,
  ) {
    this.hasher = hasherFor(hash);
    const w = this.hasher.width;
    let bottom: Uint8Array;
    if (leafHashes instanceof Uint8Array) {
      if (leafHashes.length % w !== 0)
        throw new LogError("LOG_RANGE", `concatenated leaf hashes must be a multiple of ${w} bytes`);
      bottom = leafHashes.slice();
    } else {
      bottom = new Uint8Array(leafHashes.length * w);
      leafHashes.forEach((h, i) => {
        if (!(h instanceof Uint8Array) || h.length !== w)
          throw new LogError("LOG_RANGE", `leaf hash ${i} is not ${w} bytes`);
        bottom.set(h, i * w);
      });
    }
    this.size = bottom.length / w;
    this.levels = [bottom];
    for (let level = bottom, count = this.size; count > 1;) {
      const pairs = Math.floor(count / 2);
      const up = new Uint8Array(pairs * w);
      for (let i = 0, o = 0; i < pairs; i++, o += w) this.hasher.nodeInto(level, 2 * o, level, 2 * o + w, up, o);
      this.levels.push(up);
      level = up;
      count = pairs;
    }
  }

  /** The tree over the leaf hashes of `entries`, hashed straight into the bottom level. */
  static fromEntries(entries: readonly Uint8Array[], hash: HashFn = SM3): MemoryTree {
    const hasher = hasherFor(hash);
    const w = hasher.width;
    const bottom = new Uint8Array(entries.length * w);
    for (let i = 0; i < entries.length; i++) hasher.leafInto(entries[i]!, bottom, i * w);
    return new MemoryTree(bottom, hash);
  }

  /** MTH(D[start : start+size]); requires the range to lie inside the tree. */
  subtree(start: number, size: number): Uint8Array {
    if (size === 0) return emptyRoot(this.hash);
    // Split as RFC 9162 does: complete, aligned subtrees are stored; others are combined.
    if (isPowerOfTwo(size) && start % size === 0) {
      const level = this.levels[Math.round(Math.log2(size))];
      const w = this.hasher.width;
      const o = (start / size) * w;
      if (level && o + w <= level.length) return Buffer.from(level.subarray(o, o + w));
    }
    const k = splitPoint(size);
    return nodeHash(this.subtree(start, k), this.subtree(start + k, size - k), this.hash);
  }

  root(size = this.size): Uint8Array {
    this.checkSize(size);
    return this.subtree(0, size);
  }

  inclusionProof(index: number, size = this.size): Uint8Array[] {
    this.checkSize(size);
    return inclusionRanges(index, size).map((r) => this.subtree(r.start, r.size));
  }

  consistencyProof(m: number, size = this.size): Uint8Array[] {
    this.checkSize(size);
    return consistencyRanges(m, size).map((r) => this.subtree(r.start, r.size));
  }

  private checkSize(size: number): void {
    if (!isCount(size) || size > this.size) throw new LogError("LOG_RANGE", `size ${size} is outside 0..${this.size}`);
  }
}

/** MTH over leaf hashes (the empty tree's root for none). */
export function rootFromLeafHashes(leafHashes: readonly Uint8Array[], hash: HashFn = SM3): Uint8Array {
  const mth = (start: number, size: number): Uint8Array => {
    if (size === 0) return emptyRoot(hash);
    if (size === 1) return leafHashes[start]!;
    const k = splitPoint(size);
    return nodeHash(mth(start, k), mth(start + k, size - k), hash);
  };
  return mth(0, leafHashes.length);
}

/** PATH(index, D[n]) over all the leaf hashes given (n = their count). */
export function inclusionProofFromLeafHashes(
  leafHashes: readonly Uint8Array[],
  index: number,
  hash: HashFn = SM3,
): Uint8Array[] {
  return new MemoryTree(leafHashes, hash).inclusionProof(index);
}

/** PROOF(m, D[n]) from the tree of the first m leaves to the tree of all n given. Requires 1 ≤ m ≤ n. */
export function consistencyProofFromLeafHashes(
  leafHashes: readonly Uint8Array[],
  m: number,
  hash: HashFn = SM3,
): Uint8Array[] {
  return new MemoryTree(leafHashes, hash).consistencyProof(m);
}

// --- verification ---------------------------------------------------------------------------

const isCount = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Every value is a byte string of the hash's output length. All inputs here are untrusted. */
function wellFormed(width: number, ...values: unknown[]): boolean {
  return values.every((v) => v instanceof Uint8Array && v.length === width);
}

function proofWellFormed(width: number, proof: unknown): proof is Uint8Array[] {
  return Array.isArray(proof) && proof.every((p) => p instanceof Uint8Array && p.length === width);
}

/**
 * RFC 9162 §2.1.3.2: whether `proof` proves that `leaf` (a leaf hash) is at `index` in the tree
 * of `size` leaves whose root is `root`. Never throws.
 */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
  hash: HashFn = SM3,
): boolean {
  try {
    if (!isCount(index) || !isCount(size) || index >= size) return false;
    const width = hasherFor(hash).width;
    if (!wellFormed(width, leaf, root) || !proofWellFormed(width, proof)) return false;
    // Work in BigInt-free integer arithmetic: sizes are safe integers, so halving is exact.
    let fn = index;
    let sn = size - 1;
    let r = leaf;
    for (const p of proof) {
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        r = nodeHash(p, r, hash);
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      } else {
        r = nodeHash(r, p, hash);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return sn === 0 && sameBytes(r, root);
  } catch {
    return false;
  }
}

/**
 * RFC 9162 §2.1.4.2: whether `proof` shows that the tree of `size2` leaves with root `root2`
 * extends the tree of `size1` leaves with root `root1`. Never throws.
 *
 * Edge cases (the RFC's algorithm starts at a non-empty path and first ≥ 1):
 * - size1 = 0: every tree extends the empty tree, so a "proof" from it proves nothing: false
 *   (transparency-dev/merkle #140, #236 accepted empty proofs from size 0 against any tree).
 * - size1 = size2: only the empty proof, and only when the roots are equal (RFC 9162 §2.1.4.1
 *   defines PROOF(n, D[n]) = {}), so a client can check "same head" uniformly.
 * - size1 > size2: false.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
  hash: HashFn = SM3,
): boolean {
  try {
    if (!isCount(size1) || !isCount(size2)) return false;
    const width = hasherFor(hash).width;
    if (!wellFormed(width, root1, root2) || !proofWellFormed(width, proof)) return false;
    if (size1 === 0 || size1 > size2) return false;
    if (size1 === size2) return proof.length === 0 && sameBytes(root1, root2);
    // 1. Fail if the path is empty.
    if (proof.length === 0) return false;
    // 2. If size1 is a power of two, root1 is the first node of the path.
    const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
    // 3. fn = size1 − 1, sn = size2 − 1; shift both right while LSB(fn) is set.
    let fn = size1 - 1;
    let sn = size2 - 1;
    while (fn % 2 === 1) {
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    // 4. fr = sr = path[0].
    let fr = path[0]!;
    let sr = path[0]!;
    // 5. Each later node.
    for (let i = 1; i < path.length; i++) {
      const c = path[i]!;
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        fr = nodeHash(c, fr, hash);
        sr = nodeHash(c, sr, hash);
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      } else {
        sr = nodeHash(sr, c, hash);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    // 6. Accept only if both roots match and the path was fully consumed up to the root.
    return sameBytes(fr, root1) && sameBytes(sr, root2) && sn === 0;
  } catch {
    return false;
  }
}
