import { createHash } from "node:crypto";
import { sm3 } from "../../../core/crypto/sm3.ts";

/**
 * RFC 9162 §2.1 Merkle tree hashing, proofs and their verification, with the hash function as a
 * parameter (SM3 by default; the log names it in its origin). Verifiers return booleans and
 * never throw on malformed input: a bad proof is simply not a proof.
 */
export type HashFn = (data: Uint8Array) => Uint8Array;

export const SM3: HashFn = (d) => sm3(d);
export const SHA256: HashFn = (d) => createHash("sha256").update(d).digest();

const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);

export function leafHash(data: Uint8Array, hash: HashFn = SM3): Uint8Array {
  return hash(Buffer.concat([LEAF, data]));
}

export function nodeHash(left: Uint8Array, right: Uint8Array, hash: HashFn = SM3): Uint8Array {
  return hash(Buffer.concat([NODE, left, right]));
}

/** The largest power of two strictly less than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** A source of subtree hashes MTH(D[start : start+size]) over some leaf hashes. */
export type SubtreeHash = (start: number, size: number) => Uint8Array | Promise<Uint8Array>;

/** PATH(m, D[start : start+n]) of RFC 9162 §2.1.3.1, leaf to root order. */
export async function inclusionPath(subtree: SubtreeHash, m: number, start: number, n: number): Promise<Uint8Array[]> {
  if (n <= 1) return [];
  const k = splitPoint(n);
  if (m < k) return [...(await inclusionPath(subtree, m, start, k)), await subtree(start + k, n - k)];
  return [...(await inclusionPath(subtree, m - k, start + k, n - k)), await subtree(start, k)];
}

/** SUBPROOF(m, D[start : start+n], b) of RFC 9162 §2.1.4.1. */
export async function consistencyPath(subtree: SubtreeHash, m: number, start: number, n: number, complete = true): Promise<Uint8Array[]> {
  if (m === n) return complete ? [] : [await subtree(start, n)];
  const k = splitPoint(n);
  if (m <= k) return [...(await consistencyPath(subtree, m, start, k, complete)), await subtree(start + k, n - k)];
  return [...(await consistencyPath(subtree, m - k, start + k, n - k, false)), await subtree(start, k)];
}

/** In-memory subtree hashes over a list of leaf hashes (small trees, fingerprint batches). */
export function memorySubtree(leafHashes: readonly Uint8Array[], hash: HashFn = SM3): (start: number, size: number) => Uint8Array {
  const mth = (start: number, size: number): Uint8Array => {
    if (size === 0) return hash(new Uint8Array(0));
    if (size === 1) return leafHashes[start]!;
    const k = splitPoint(size);
    return nodeHash(mth(start, k), mth(start + k, size - k), hash);
  };
  return mth;
}

export function rootFromLeafHashes(leafHashes: readonly Uint8Array[], hash: HashFn = SM3): Uint8Array {
  return memorySubtree(leafHashes, hash)(0, leafHashes.length);
}

export async function inclusionProofFromLeafHashes(leafHashes: readonly Uint8Array[], index: number, hash: HashFn = SM3): Promise<Uint8Array[]> {
  if (!(index >= 0 && index < leafHashes.length)) throw new RangeError(`index ${index} outside a tree of ${leafHashes.length}`);
  return inclusionPath(memorySubtree(leafHashes, hash), index, 0, leafHashes.length);
}

export async function consistencyProofFromLeafHashes(leafHashes: readonly Uint8Array[], m: number, hash: HashFn = SM3): Promise<Uint8Array[]> {
  if (!(m >= 1 && m <= leafHashes.length)) throw new RangeError(`size ${m} outside 1..${leafHashes.length}`);
  return consistencyPath(memorySubtree(leafHashes, hash), m, 0, leafHashes.length);
}

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
const isCount = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;

/** RFC 9162 §2.1.3.2: whether `proof` proves `leaf` at `index` in the tree of `size` with `root`. */
export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array, hash: HashFn = SM3): boolean {
  if (!isCount(index) || !isCount(size) || index >= size || !Array.isArray(proof)) return false;
  const width = hash(new Uint8Array(0)).length;
  if (leaf.length !== width || root.length !== width || proof.some((p) => !(p instanceof Uint8Array) || p.length !== width)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r, hash);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p, hash);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

/** RFC 9162 §2.1.4.2: whether `proof` shows the tree of `size2` extends the tree of `size1`. */
export function verifyConsistency(size1: number, size2: number, root1: Uint8Array, root2: Uint8Array, proof: readonly Uint8Array[], hash: HashFn = SM3): boolean {
  if (!isCount(size1) || !isCount(size2) || !Array.isArray(proof)) return false;
  const width = hash(new Uint8Array(0)).length;
  if (root1.length !== width || root2.length !== width || proof.some((p) => !(p instanceof Uint8Array) || p.length !== width)) return false;
  // A tree of size 0 is consistent with everything, so a proof from it proves nothing.
  if (size1 === 0 || size1 > size2) return false;
  if (size1 === size2) return proof.length === 0 && equal(root1, root2);
  if (proof.length === 0) return false;
  const path = (size1 & (size1 - 1)) === 0 ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr, hash);
      sr = nodeHash(c, sr, hash);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c, hash);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return equal(fr, root1) && equal(sr, root2) && sn === 0;
}
