import { CanonicalWriter } from "./canonical-bytes.ts";
import type { Row } from "./datasets.ts";
import { HmacSm3, leafHash32Into } from "../../../core/crypto/sm3-fast.ts";

/**
 * Keyed fingerprints of delivered records (after watermarking, i.e. as the recipient got them).
 *
 *   fingerprint  = HMAC-SM3(fingerprintKey, canonical record)        32 bytes, per delivery
 *   leaf hash    = SM3(0x00 ‖ fingerprint)                           RFC 9162 leaf of the
 *                                                                    delivery's fingerprint tree
 *   lookup handle = first 16 bytes of HMAC-SM3(indexKey, canonical record)
 *
 * The fingerprint is per delivery: the tree root registered on chain reveals nothing about the
 * records and does not link deliveries. The lookup handle is keyed by one index key for all of
 * an operator's deliveries, so the supervisor's service can find the delivery of a leaked record
 * with one key-value lookup instead of trying every delivery key. Its cost: whoever holds the
 * index key can test guesses against the store (a dictionary attack on low-entropy records), so
 * the index key lives only in the operator's tool and in the service, sealed with SM4 at rest;
 * the store files alone (backups, a stolen disk) resist dictionary attacks. 128 bits keep
 * accidental collisions at ~2^-128 per pair (≈ 10^-24 over 10^7 × 10^7 pairs).
 */
export const FINGERPRINT_BYTES = 32;
export const HANDLE_BYTES = 16;

export class Fingerprinter {
  private readonly fp: HmacSm3;
  private readonly idx: HmacSm3 | undefined;
  private readonly canonical = new CanonicalWriter();
  private readonly full = new Uint8Array(32);

  constructor(fingerprintKey: Uint8Array, indexKey?: Uint8Array) {
    this.fp = new HmacSm3(fingerprintKey);
    this.idx = indexKey ? new HmacSm3(indexKey) : undefined;
  }

  /**
   * Computes, for the canonical bytes `canonical[0, len)` of one record, the fingerprint into
   * `fps` at `fpOff`, its leaf hash into `leaves` at `leafOff` and (with an index key) the handle
   * into `handles` at `handleOff`. Any target may be omitted.
   */
  computeInto(
    canonical: Uint8Array,
    len: number,
    fps: Uint8Array | undefined,
    fpOff: number,
    leaves: Uint8Array | undefined,
    leafOff: number,
    handles?: Uint8Array,
    handleOff = 0,
  ): void {
    const fpTarget = fps ?? this.full;
    const off = fps ? fpOff : 0;
    this.fp.macInto(canonical, len, fpTarget, off);
    if (leaves) leafHash32Into(fpTarget, off, leaves, leafOff);
    if (handles && this.idx) {
      const full = this.full;
      this.idx.macInto(canonical, len, full, 0);
      for (let i = 0; i < HANDLE_BYTES; i++) handles[handleOff + i] = full[i]!;
    }
  }

  fingerprint(row: Row): Buffer {
    const out = Buffer.alloc(FINGERPRINT_BYTES);
    this.canonical.row(row);
    this.computeInto(this.canonical.sink.buf, this.canonical.sink.len, out, 0, undefined, 0);
    return out;
  }

  leafHash(row: Row): Buffer {
    const fp = Buffer.alloc(FINGERPRINT_BYTES);
    const leaf = Buffer.alloc(32);
    this.canonical.row(row);
    this.computeInto(this.canonical.sink.buf, this.canonical.sink.len, fp, 0, leaf, 0);
    return leaf;
  }
}

/** Computes lookup handles only (the supervisor's side, which holds no delivery keys). */
export class HandleComputer {
  private readonly idx: HmacSm3;
  private readonly canonical = new CanonicalWriter();
  private readonly full = new Uint8Array(32);

  constructor(indexKey: Uint8Array) {
    this.idx = new HmacSm3(indexKey);
  }

  handle(row: Row): Buffer {
    this.canonical.row(row);
    this.idx.macInto(this.canonical.sink.buf, this.canonical.sink.len, this.full, 0);
    return Buffer.from(this.full.subarray(0, HANDLE_BYTES));
  }
}

export function recordFingerprint(fingerprintKey: Uint8Array, row: Row): Buffer {
  return new Fingerprinter(fingerprintKey).fingerprint(row);
}

export function lookupHandle(indexKey: Uint8Array, row: Row): Buffer {
  return new HandleComputer(indexKey).handle(row);
}
