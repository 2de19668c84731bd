/**
 * A UUID version 7 (RFC 9562 §5.7) for a given time and given bits: 48 bits of Unix milliseconds,
 * then the version, 12 bits, the variant and 62 bits taken from `bits` (at least 10 bytes). With
 * derived rather than random bits the same input gives the same id, as an export needs.
 * (The `uuid` package's v7({ msecs, random }) does the same; it is not a dependency here.)
 */
export function uuidV7(msecs: number, bits: Uint8Array): string {
  if (!Number.isSafeInteger(msecs) || msecs < 0 || msecs >= 2 ** 48)
    throw new RangeError("a UUIDv7 time is 0 to 2^48 - 1 milliseconds");
  if (bits.length < 10) throw new RangeError("a UUIDv7 needs 74 bits beside its time");
  const b = new Uint8Array(16);
  let t = msecs;
  for (let i = 5; i >= 0; i--) {
    b[i] = t % 256;
    t = Math.floor(t / 256);
  }
  b.set(bits.subarray(0, 10), 6);
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  const hex = Buffer.from(b).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
