import { sm3Compress, sm3Init, sm3Into } from "../../../core/crypto/sm3-fast.ts";
import { sm3, sm3Parts } from "../../../core/crypto/sm3.ts";

/**
 * RFC 9162 leaf and node hashes written into caller buffers, so a tree can keep its hashes in
 * a few large Uint8Arrays (32·n bytes per level, per tile) instead of millions of small ones.
 *
 * SM3, the log's hash, goes through `sm3-fast`: a call into OpenSSL through `crypto.hash` has a
 * fixed overhead larger than the two compressions a 65-byte node or leaf input needs
 * (bench:merkle has a row through OpenSSL). Any other `HashFn` (SHA-256 for the transparency-dev vectors) is called
 * as is. Both paths are cross-checked against the slow reference in the tests.
 */
/** Synchronous, and must not keep a reference to its input (the input buffer is reused). */
export type HashFn = (data: Uint8Array) => Uint8Array;

export const SM3: HashFn = (d) => sm3(d);

export interface TreeHasher {
  /** Bytes per hash. */
  readonly width: number;
  /** H(0x00 ‖ data) into out[outOff, outOff + width). */
  leafInto(data: Uint8Array, out: Uint8Array, outOff: number): void;
  /** H(0x01 ‖ a[aOff, +width) ‖ b[bOff, +width)) into out[outOff, +width); out may overlap a or b. */
  nodeInto(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number, out: Uint8Array, outOff: number): void;
}

// Above this, OpenSSL's per-byte speed beats its per-call overhead.
const FAST_LEAF_MAX = 1024;
const ZERO = Uint8Array.of(0);

/**
 * A leaf of 64 bytes and every node hash 65 bytes: two blocks, the second being the input's
 * last byte, 0x80, zeros and the fixed bit length 520. So the padding block is a template with
 * one byte to set, and both blocks go straight to the compression function (≈ 30 % faster than
 * `sm3Into`'s general padding). Other leaf lengths take `sm3Into`, long ones OpenSSL.
 */
function sm3Hasher(): TreeHasher {
  // Plain Uint8Arrays keep sm3-fast's compression function monomorphic (Buffer is another
  // hidden class), hence copying callers' bytes into these rather than hashing them in place.
  const first = new Uint8Array(64);
  const last = new Uint8Array(64);
  last[1] = 0x80;
  last[62] = (65 * 8) >>> 8;
  last[63] = (65 * 8) & 0xff;
  const leaf = new Uint8Array(1 + FAST_LEAF_MAX);
  const state = new Int32Array(8);
  const digest65 = (out: Uint8Array, outOff: number) => {
    sm3Init(state);
    sm3Compress(state, first, 0);
    sm3Compress(state, last, 0);
    for (let i = 0, o = outOff; i < 8; i++, o += 4) {
      const x = state[i]!;
      out[o] = x >>> 24;
      out[o + 1] = (x >>> 16) & 0xff;
      out[o + 2] = (x >>> 8) & 0xff;
      out[o + 3] = x & 0xff;
    }
  };
  return {
    width: 32,
    leafInto(data, out, outOff) {
      const n = data.length;
      if (n === 64) {
        first[0] = 0x00;
        for (let i = 0; i < 63; i++) first[1 + i] = data[i]!;
        last[0] = data[63]!;
        digest65(out, outOff);
      } else if (n <= FAST_LEAF_MAX) {
        for (let i = 0; i < n; i++) leaf[1 + i] = data[i]!;
        sm3Into(leaf, n + 1, out, outOff);
      } else {
        out.set(sm3Parts(ZERO, data), outOff);
      }
    },
    nodeInto(a, aOff, b, bOff, out, outOff) {
      first[0] = 0x01;
      for (let i = 0; i < 32; i++) first[1 + i] = a[aOff + i]!;
      for (let i = 0; i < 31; i++) first[33 + i] = b[bOff + i]!;
      last[0] = b[bOff + 31]!;
      digest65(out, outOff);
    },
  };
}

function genericHasher(hash: HashFn): TreeHasher {
  const width = hash(new Uint8Array(0)).length;
  // One reused input buffer instead of a Buffer.concat per hash; safe because a HashFn is
  // synchronous and keeps no reference to its input.
  let scratch = new Uint8Array(1 + 2 * width);
  const input = (length: number) => {
    if (length > scratch.length) scratch = new Uint8Array(Math.max(length, 2 * scratch.length));
    return scratch;
  };
  return {
    width,
    leafInto(data, out, outOff) {
      const s = input(1 + data.length);
      s[0] = 0x00;
      s.set(data, 1);
      out.set(hash(s.subarray(0, 1 + data.length)), outOff);
    },
    nodeInto(a, aOff, b, bOff, out, outOff) {
      const s = input(1 + 2 * width);
      s[0] = 0x01;
      s.set(a.subarray(aOff, aOff + width), 1);
      s.set(b.subarray(bOff, bOff + width), 1 + width);
      out.set(hash(s.subarray(0, 1 + 2 * width)), outOff);
    },
  };
}

const SM3_HASHER = sm3Hasher();
const hashers = new WeakMap<HashFn, TreeHasher>();

/** The tree hasher for `hash`: the sm3-fast one for `SM3`, a wrapper for any other function. */
export function hasherFor(hash: HashFn): TreeHasher {
  if (hash === SM3) return SM3_HASHER;
  let h = hashers.get(hash);
  if (!h) hashers.set(hash, (h = genericHasher(hash)));
  return h;
}
