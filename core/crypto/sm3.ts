import { createHash, createHmac, getCiphers, getHashes, hash as oneShotHash } from "node:crypto";

/**
 * SM3 (GB/T 32905-2016) from Node's OpenSSL. `crypto.hash` (Node ≥ 20.12) avoids the Hash
 * object for one-shot inputs, which roughly doubles the rate for the small inputs of a Merkle
 * tree.
 */
type Input = Uint8Array | string;

const hasOneShot = typeof oneShotHash === "function";

function bytes(data: Input): Uint8Array {
  return typeof data === "string" ? Buffer.from(data, "utf8") : data;
}

export function sm3(data: Input): Buffer {
  if (hasOneShot) return oneShotHash("sm3", bytes(data), "buffer");
  return createHash("sm3").update(bytes(data)).digest();
}

export function sm3Hex(data: Input): string {
  return sm3(data).toString("hex");
}

/** SM3 over several parts without concatenating them first. */
export function sm3Parts(...parts: Uint8Array[]): Buffer {
  const h = createHash("sm3");
  for (const p of parts) h.update(p);
  return h.digest();
}

export function hmacSm3(key: Uint8Array, data: Input): Buffer {
  return createHmac("sm3", key).update(bytes(data)).digest();
}

/** GB/T 32905-2016 Appendix A. */
export const SM3_VECTORS = [
  { input: "abc", digest: "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0" },
  { input: "abcd".repeat(16), digest: "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732" },
  { input: "", digest: "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b" },
] as const;

/**
 * Fails closed at start-up unless this Node's OpenSSL provides SM3 and SM4 and they pass their
 * known-answer tests: a build without them must not silently run with something else.
 */
export function assertNativeSm(): void {
  if (!getHashes().includes("sm3")) throw new Error("this Node.js build has no SM3 (OpenSSL sm3 digest missing)");
  if (!getCiphers().includes("sm4-ctr"))
    throw new Error("this Node.js build has no SM4-CTR (OpenSSL sm4-ctr cipher missing)");
  for (const v of SM3_VECTORS) {
    if (sm3Hex(v.input) !== v.digest) throw new Error(`SM3 known-answer test failed for "${v.input.slice(0, 8)}…"`);
  }
}
