import canonicalize from "canonicalize";
import { sm3Hex } from "./crypto/sm3.ts";

/**
 * RFC 8785 JSON Canonicalization Scheme: the one serialization that is signed, hashed,
 * stored in world state and anchored. Records contain only strings, booleans, integers,
 * arrays and objects (no floats, no null), so every implementation agrees on the bytes.
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError("value has no JSON form");
  return text;
}

export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), "utf8");
}

/** SM3 over the canonical form, lowercase hex: the content hash of a record. */
export function contentHash(value: unknown): string {
  return sm3Hex(canonicalBytes(value));
}
