import { randomBytes } from "node:crypto";
import { DER, weierstrass } from "@noble/curves/abstract/weierstrass.js";
import { setBounded } from "../bounded-map.ts";
import { CryptoInputError } from "./errors.ts";
import { prepareKey, verifyPrepared } from "./sm2-curve.ts";
import { SM2_CURVE } from "./sm2-params.ts";
import { sm3, sm3Parts } from "./sm3.ts";

/**
 * SM2 digital signatures (GB/T 32918.2-2016, GM/T 0003.2-2012) over the recommended curve
 * (GB/T 32918.5). The scheme (Z_A, e, sign, verify) is written here; the curve arithmetic of
 * key generation, signing and key encodings is @noble/curves', that of verification is
 * sm2-curve.ts (WebAssembly, which needs no per-key table to be fast; noble's BigInt arithmetic
 * does, see bench:crypto). Node's own SM2 cannot be used: its
 * "SM2" EC keys sign ECDSA, and its real SM2 path uses an empty user ID, which does not
 * interoperate with the GM/T 0009 default ID.
 *
 * Encodings are canonical at every boundary: public keys are 130 lowercase hex (04‖X‖Y),
 * private keys 64 lowercase hex, signatures 128 lowercase hex (r‖s, 32 bytes each).
 */
const { p, a, b, Gx, Gy } = SM2_CURVE;
export const SM2_N = SM2_CURVE.n;

const Point = weierstrass({ p, n: SM2_N, h: 1n, a, b, Gx, Gy });
type SmPoint = InstanceType<typeof Point>;
const n = SM2_N;

/** GM/T 0009-2012 §10: the default user ID. */
export const SM2_DEFAULT_USER_ID = "1234567812345678";

const HEX_PUB = /^04[0-9a-f]{128}$/;
const HEX_SIG = /^[0-9a-f]{128}$/;
const HEX_PRIV = /^[0-9a-f]{64}$/;

const be32 = (x: bigint) => Buffer.from(x.toString(16).padStart(64, "0"), "hex");
const toBig = (buf: Uint8Array) => BigInt("0x" + Buffer.from(buf).toString("hex"));
const mod = (x: bigint, m: bigint) => ((x % m) + m) % m;

function inverse(x: bigint, m: bigint): bigint {
  // Extended Euclid; x is public or already blinded by the scheme's own structure (1 + d).
  let [old, cur] = [mod(x, m), m];
  let [s0, s1] = [1n, 0n];
  while (cur !== 0n) {
    const q = old / cur;
    [old, cur] = [cur, old - q * cur];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (old !== 1n) throw new RangeError("not invertible");
  return mod(s0, m);
}

const CURVE_BYTES = Buffer.concat([be32(a), be32(b), be32(Gx), be32(Gy)]);

const DEFAULT_ID = Buffer.from(SM2_DEFAULT_USER_ID, "utf8");
const DEFAULT_ID_HEX = DEFAULT_ID.toString("hex");

function userIdBytes(userId: string | Uint8Array | undefined): Buffer {
  const id =
    userId === undefined ? DEFAULT_ID : typeof userId === "string" ? Buffer.from(userId, "utf8") : Buffer.from(userId);
  // ENTL is two bytes of bit length: IDs are at most 8191 bytes.
  if (id.length > 8191)
    throw new CryptoInputError("INVALID_SIGNATURE_ENCODING", "the user ID is longer than 8191 bytes");
  return id;
}

/**
 * Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ G ‖ X ‖ Y), from the key's 64 coordinate bytes X ‖ Y, in one
 * call: a Hash object fed part by part costs several times more (measured), and this runs for
 * every key the cache does not hold.
 */
function computeZa(xy: Buffer, id: Buffer): Buffer {
  const entl = Buffer.alloc(2);
  entl.writeUInt16BE(id.length * 8);
  return sm3(Buffer.concat([entl, id, CURVE_BYTES, xy]));
}

/** Parses and validates a canonical public key into a curve point (not the identity). */
function pointFromCanonical(publicKeyHex: string): SmPoint {
  if (!HEX_PUB.test(publicKeyHex))
    throw new CryptoInputError("INVALID_PUBLIC_KEY", "expected 04 followed by 128 lowercase hex characters");
  let point: SmPoint;
  try {
    point = Point.fromHex(publicKeyHex);
    point.assertValidity();
  } catch {
    throw new CryptoInputError("INVALID_PUBLIC_KEY", "the point is not on the SM2 curve");
  }
  if (point.is0()) throw new CryptoInputError("INVALID_PUBLIC_KEY", "the point at infinity is not a public key");
  return point;
}

// --- per-key cache ------------------------------------------------------------------------
// A key seen before skips its validation and Z_A (together ~2 % of a verification): what is
// kept is 96 bytes a key, so the bound is on entries, not on building cost. Verification itself
// needs no per-key table (see sm2-curve.ts), so a signer past the bound costs no more than
// one inside it.
interface CachedKey {
  readonly za: Buffer;
  /** The point's coordinates for sm2-curve.ts. */
  readonly prepared: Uint8Array;
}
const CACHE_LIMIT = 1024;
const cache = new Map<string, CachedKey>();

function cachedKey(publicKeyHex: string, userId: string | Uint8Array | undefined): CachedKey {
  const id = userIdBytes(userId);
  const cacheKey = `${publicKeyHex}|${id === DEFAULT_ID ? DEFAULT_ID_HEX : id.toString("hex")}`;
  let entry = cache.get(cacheKey);
  if (entry) {
    cache.delete(cacheKey);
    cache.set(cacheKey, entry);
    return entry;
  }
  if (typeof publicKeyHex !== "string" || !HEX_PUB.test(publicKeyHex))
    throw new CryptoInputError("INVALID_PUBLIC_KEY", "expected 04 followed by 128 lowercase hex characters");
  const prepared = prepareKey(publicKeyHex);
  if (!prepared) throw new CryptoInputError("INVALID_PUBLIC_KEY", "the point is not on the SM2 curve");
  entry = { za: computeZa(Buffer.from(publicKeyHex.slice(2), "hex"), id), prepared };
  setBounded(cache, cacheKey, entry, CACHE_LIMIT);
  return entry;
}

// --- keys ---------------------------------------------------------------------------------
export interface Sm2KeyPair {
  readonly privateKey: string;
  readonly publicKey: string;
}

function privateScalar(privateKeyHex: string): bigint {
  if (!HEX_PRIV.test(privateKeyHex))
    throw new CryptoInputError("INVALID_PRIVATE_KEY", "expected 64 lowercase hex characters");
  const d = BigInt("0x" + privateKeyHex);
  // d ∈ [1, n−2]: 1 + d must be invertible mod n (GB/T 32918.1 §6.1).
  if (d < 1n || d > n - 2n)
    throw new CryptoInputError("INVALID_PRIVATE_KEY", "the private key is out of range [1, n−2]");
  return d;
}

function randomScalar(max: bigint): bigint {
  for (;;) {
    const k = toBig(randomBytes(32));
    if (k >= 1n && k <= max) return k;
  }
}

export function generateKeyPair(): Sm2KeyPair {
  const d = randomScalar(n - 2n);
  const privateKey = d.toString(16).padStart(64, "0");
  return { privateKey, publicKey: publicKeyFromPrivate(privateKey) };
}

export function publicKeyFromPrivate(privateKeyHex: string): string {
  return Point.BASE.multiply(privateScalar(privateKeyHex)).toHex(false);
}

export function za(publicKeyHex: string, userId?: string | Uint8Array): Buffer {
  pointFromCanonical(publicKeyHex);
  return computeZa(Buffer.from(publicKeyHex.slice(2), "hex"), userIdBytes(userId));
}

// --- sign and verify ----------------------------------------------------------------------
export interface SignOptions {
  readonly userId?: string | Uint8Array;
  /** Test only: a fixed nonce, to reproduce published vectors. */
  readonly k?: bigint;
}

type Message = Uint8Array | string;
const messageBytes = (m: Message) => (typeof m === "string" ? Buffer.from(m, "utf8") : m);

// Signing needs the signer's public key for Z_A; deriving it is a full scalar multiplication,
// as costly as the signature itself, so it is remembered per key (by its SM3, not the key).
const ownPublicKeys = new Map<string, string>();

function ownPublicKey(privateKeyHex: string): string {
  const tag = sm3Parts(Buffer.from(privateKeyHex, "utf8")).toString("hex");
  let publicKey = ownPublicKeys.get(tag);
  if (!publicKey) {
    publicKey = publicKeyFromPrivate(privateKeyHex);
    setBounded(ownPublicKeys, tag, publicKey, CACHE_LIMIT);
  }
  return publicKey;
}

export function sign(message: Message, privateKeyHex: string, options: SignOptions = {}): string {
  const d = privateScalar(privateKeyHex);
  const key = cachedKey(ownPublicKey(privateKeyHex), options.userId);
  const e = toBig(sm3Parts(key.za, messageBytes(message)));
  const dInv = inverse(1n + d, n);
  for (;;) {
    const k = options.k ?? randomScalar(n - 1n);
    const x1 = Point.BASE.multiply(k).toAffine().x;
    const r = mod(e + x1, n);
    if (r === 0n || r + k === n) {
      if (options.k !== undefined) throw new RangeError("the injected k yields r = 0 or r + k = n");
      continue;
    }
    const s = mod(dInv * (k - r * d), n);
    if (s === 0n) {
      if (options.k !== undefined) throw new RangeError("the injected k yields s = 0");
      continue;
    }
    return be32(r).toString("hex") + be32(s).toString("hex");
  }
}

/** True only for a valid signature; false (never an exception) for any malformed input. */
export function verify(
  message: Message,
  signatureHex: string,
  publicKeyHex: string,
  options: { userId?: string | Uint8Array } = {},
): boolean {
  if (typeof signatureHex !== "string" || !HEX_SIG.test(signatureHex)) return false;
  const r = BigInt("0x" + signatureHex.slice(0, 64));
  const s = BigInt("0x" + signatureHex.slice(64));
  if (r < 1n || r >= n || s < 1n || s >= n) return false;
  const t = mod(r + s, n);
  if (t === 0n) return false;
  let key: CachedKey;
  try {
    key = cachedKey(publicKeyHex, options.userId);
  } catch {
    return false;
  }
  const e = toBig(sm3Parts(key.za, messageBytes(message)));
  return verifyPrepared(key.prepared, e, r, s, t);
}

// --- encodings ----------------------------------------------------------------------------
export function isCanonicalPublicKey(value: string): boolean {
  try {
    pointFromCanonical(value);
    return true;
  } catch {
    return false;
  }
}

export function isCanonicalSignature(value: string): boolean {
  if (typeof value !== "string" || !HEX_SIG.test(value)) return false;
  const r = BigInt("0x" + value.slice(0, 64));
  const s = BigInt("0x" + value.slice(64));
  return r >= 1n && r < n && s >= 1n && s < n;
}

// SubjectPublicKeyInfo for SM2: SEQUENCE { SEQUENCE { id-ecPublicKey, sm2p256v1 (1.2.156.10197.1.301) }, BIT STRING 04‖X‖Y }.
const SPKI_PREFIX = "3059301306072a8648ce3d020106082a811ccf5501822d034200";

/**
 * Accepts 04‖X‖Y (130 hex, any case), compressed 02/03‖X (66 hex) or an SM2 SPKI PEM, and
 * returns the canonical 130 lowercase hex form; throws INVALID_PUBLIC_KEY otherwise.
 */
export function normalizePublicKey(input: string): string {
  const text = input.trim();
  let hex: string;
  if (text.startsWith("-----BEGIN PUBLIC KEY-----")) {
    const body = text.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, "").replace(/\s+/g, "");
    const der = Buffer.from(body, "base64").toString("hex");
    if (!der.startsWith(SPKI_PREFIX) || der.length !== SPKI_PREFIX.length + 130)
      throw new CryptoInputError("INVALID_PUBLIC_KEY", "not an SM2 SubjectPublicKeyInfo");
    hex = der.slice(SPKI_PREFIX.length);
  } else {
    hex = text.toLowerCase();
  }
  if (/^0[23][0-9a-f]{64}$/.test(hex)) {
    try {
      const point = Point.fromHex(hex);
      point.assertValidity();
      return point.toHex(false);
    } catch {
      throw new CryptoInputError("INVALID_PUBLIC_KEY", "the compressed point is not on the SM2 curve");
    }
  }
  pointFromCanonical(hex);
  return hex;
}

/** The SPKI PEM of a canonical public key (for OpenSSL-style tools). */
export function publicKeyToPem(publicKeyHex: string): string {
  pointFromCanonical(publicKeyHex);
  const b64 = Buffer.from(SPKI_PREFIX + publicKeyHex, "hex").toString("base64");
  return `-----BEGIN PUBLIC KEY-----\n${b64.match(/.{1,64}/g)!.join("\n")}\n-----END PUBLIC KEY-----\n`;
}

/** DER SEQUENCE { INTEGER r, INTEGER s }: the form OpenSSL, GmSSL and BouncyCastle use. */
export function signatureToDer(signatureHex: string): Buffer {
  if (!isCanonicalSignature(signatureHex))
    throw new CryptoInputError("INVALID_SIGNATURE_ENCODING", "not a canonical signature");
  return Buffer.from(
    DER.hexFromSig({ r: BigInt("0x" + signatureHex.slice(0, 64)), s: BigInt("0x" + signatureHex.slice(64)) }),
    "hex",
  );
}

/** Strict DER (minimal integers, no trailing bytes) to the canonical 128-hex form. */
export function signatureFromDer(der: Uint8Array): string {
  let sig: { r: bigint; s: bigint };
  try {
    sig = DER.toSig(Uint8Array.from(der));
  } catch (err) {
    throw new CryptoInputError("INVALID_SIGNATURE_ENCODING", `not strict DER: ${(err as Error).message}`);
  }
  const hex = be32(sig.r).toString("hex") + be32(sig.s).toString("hex");
  if (!isCanonicalSignature(hex)) throw new CryptoInputError("INVALID_SIGNATURE_ENCODING", "r or s out of range");
  return hex;
}
