import { createCipheriv, createDecipheriv, randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import { CryptoInputError } from "./errors.ts";
import { hmacSm3 } from "./sm3.ts";

/**
 * SM4 (GB/T 32907-2016) for data at rest. OpenSSL 3.0 has no SM4-GCM, so authenticated
 * encryption is SM4-CTR then HMAC-SM3 over everything (encrypt-then-MAC), with separate keys
 * derived from one 32-byte master key.
 *
 * Sealed format: version (1) ‖ IV (16) ‖ ciphertext ‖ tag (32); the tag covers
 * version ‖ IV ‖ len(aad) as 8 bytes big-endian ‖ aad ‖ ciphertext.
 */
const VERSION = 1;
const IV_BYTES = 16;
const TAG_BYTES = 32;

function subkeys(master: Uint8Array): { enc: Buffer; mac: Buffer } {
  if (master.length !== 32) throw new CryptoInputError("SEALED_DATA_INVALID", "the master key must be 32 bytes");
  return { enc: hmacSm3(master, "pdl/sm4-ctr/enc").subarray(0, 16), mac: hmacSm3(master, "pdl/hmac-sm3/mac") };
}

function tag(mac: Buffer, header: Buffer, aad: Uint8Array, ciphertext: Uint8Array): Buffer {
  const aadLength = Buffer.alloc(8);
  aadLength.writeBigUInt64BE(BigInt(aad.length));
  return hmacSm3(mac, Buffer.concat([header, aadLength, aad, ciphertext]));
}

export function sm4Seal(master: Uint8Array, plaintext: Uint8Array, aad: Uint8Array = new Uint8Array(0)): Buffer {
  const { enc, mac } = subkeys(master);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("sm4-ctr", enc, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const header = Buffer.concat([Buffer.from([VERSION]), iv]);
  return Buffer.concat([header, ciphertext, tag(mac, header, aad, ciphertext)]);
}

export function sm4Open(master: Uint8Array, sealed: Uint8Array, aad: Uint8Array = new Uint8Array(0)): Buffer {
  const { enc, mac } = subkeys(master);
  const buf = Buffer.from(sealed);
  if (buf.length < 1 + IV_BYTES + TAG_BYTES)
    throw new CryptoInputError("SEALED_DATA_INVALID", "sealed data is truncated");
  if (buf[0] !== VERSION) throw new CryptoInputError("SEALED_DATA_INVALID", `unknown sealed-data version ${buf[0]}`);
  const header = buf.subarray(0, 1 + IV_BYTES);
  const ciphertext = buf.subarray(1 + IV_BYTES, buf.length - TAG_BYTES);
  const expected = tag(mac, header, aad, ciphertext);
  if (!timingSafeEqual(expected, buf.subarray(buf.length - TAG_BYTES)))
    throw new CryptoInputError(
      "SEALED_DATA_INVALID",
      "authentication tag mismatch (wrong key, tampered data or wrong associated data)",
    );
  const decipher = createDecipheriv("sm4-ctr", enc, header.subarray(1));
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/** One raw SM4 block (ECB), for the GB/T 32907 known-answer test only. */
export function sm4EncryptBlock(key: Uint8Array, block: Uint8Array): Buffer {
  const cipher = createCipheriv("sm4-ecb", key, null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]);
}

export interface PassphraseSealed {
  readonly v: 1;
  readonly alg: "SM4-CTR+HMAC-SM3";
  readonly kdf: {
    readonly name: "scrypt";
    readonly N: number;
    readonly r: number;
    readonly p: number;
    readonly salt: string;
  };
  readonly data: string;
}

const DEFAULT_N = 1 << 15;
// A hostile key file must not make us allocate gigabytes: scrypt needs 128·N·r bytes.
const MAX_N = 1 << 20;
const MAX_R = 16;
const MAX_P = 4;

function deriveKey(passphrase: string, salt: Buffer, N: number, r: number, p: number): Buffer {
  return scryptSync(passphrase.normalize("NFC"), salt, 32, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
}

export function sealWithPassphrase(
  plaintext: Uint8Array,
  passphrase: string,
  aad?: Uint8Array,
  options?: { scryptN?: number },
): PassphraseSealed {
  if (passphrase.length === 0) throw new CryptoInputError("KDF_PARAMS_INVALID", "the passphrase is empty");
  const N = options?.scryptN ?? DEFAULT_N;
  const salt = randomBytes(16);
  const key = deriveKey(passphrase, salt, N, 8, 1);
  return {
    v: 1,
    alg: "SM4-CTR+HMAC-SM3",
    kdf: { name: "scrypt", N, r: 8, p: 1, salt: salt.toString("base64") },
    data: sm4Seal(key, plaintext, aad).toString("base64"),
  };
}

export function openWithPassphrase(sealed: PassphraseSealed, passphrase: string, aad?: Uint8Array): Buffer {
  const k = sealed?.kdf;
  const isPow2 = (n: number) => Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;
  if (sealed?.v !== 1 || sealed.alg !== "SM4-CTR+HMAC-SM3" || k?.name !== "scrypt")
    throw new CryptoInputError("KDF_PARAMS_INVALID", "unknown sealing format");
  if (
    !isPow2(k.N) ||
    k.N > MAX_N ||
    !Number.isInteger(k.r) ||
    k.r < 1 ||
    k.r > MAX_R ||
    !Number.isInteger(k.p) ||
    k.p < 1 ||
    k.p > MAX_P
  ) {
    throw new CryptoInputError("KDF_PARAMS_INVALID", "scrypt parameters out of bounds");
  }
  const salt = Buffer.from(k.salt, "base64");
  if (salt.length < 16) throw new CryptoInputError("KDF_PARAMS_INVALID", "salt too short");
  return sm4Open(deriveKey(passphrase, salt, k.N, k.r, k.p), Buffer.from(sealed.data, "base64"), aad);
}
