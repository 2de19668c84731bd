import { Buffer } from "buffer";
import { scrypt } from "@noble/hashes/scrypt.js";
import sm3 from "sm-crypto/src/sm3/index.js";
import sm4 from "sm-crypto/src/sm4/index.js";

/**
 * The part of `node:crypto` that core/ uses (SM3, HMAC-SM3, SM4-CTR, scrypt, random bytes,
 * constant-time comparison), for the browser build: Vite aliases `node:crypto` to this module,
 * so core's sealed key files, record hashes and SM2 signatures run unchanged in the console.
 * test/console/platform-crypto.test.ts checks every function against Node's OpenSSL.
 */
type Input = Uint8Array | string;

const bytesOf = (data: Input): Uint8Array => (typeof data === "string" ? Buffer.from(data, "utf8") : data);
const hexToBuffer = (hex: string): Buffer => Buffer.from(hex, "hex");

function only(what: string, algorithm: string, supported: readonly string[]): void {
  if (!supported.includes(algorithm.toLowerCase()))
    throw new Error(`${what} ${algorithm} is not available in the browser build`);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

class Digest {
  private readonly parts: Uint8Array[] = [];
  constructor(private readonly key?: Uint8Array) {}
  update(data: Input): this {
    this.parts.push(bytesOf(data));
    return this;
  }
  digest(): Buffer;
  digest(encoding: "hex" | "base64"): string;
  digest(encoding?: "hex" | "base64"): Buffer | string {
    const input = concat(this.parts);
    const hex = this.key ? sm3(input, { key: this.key }) : sm3(input);
    return encoding ? hexToBuffer(hex).toString(encoding) : hexToBuffer(hex);
  }
}

export function createHash(algorithm: string): Digest {
  only("hash", algorithm, ["sm3"]);
  return new Digest();
}

export function hash(algorithm: string, data: Input, encoding: "buffer" | "hex" = "hex"): Buffer | string {
  const out = createHash(algorithm).update(data).digest();
  return encoding === "buffer" ? out : out.toString("hex");
}

export function createHmac(algorithm: string, key: Uint8Array): Digest {
  only("HMAC", algorithm, ["sm3"]);
  return new Digest(Uint8Array.from(key));
}

export function getHashes(): string[] {
  return ["sm3"];
}

export function getCiphers(): string[] {
  return ["sm4-ctr", "sm4-ecb"];
}

export function randomBytes(size: number): Buffer {
  const out = Buffer.alloc(size);
  // getRandomValues fills at most 65,536 bytes a call.
  for (let at = 0; at < size; at += 65_536)
    globalThis.crypto.getRandomValues(out.subarray(at, Math.min(size, at + 65_536)));
  return out;
}

export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) throw new RangeError("Input buffers must have the same byte length");
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function scryptSync(
  password: string | Uint8Array,
  salt: Uint8Array,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem?: number },
): Buffer {
  const pass = typeof password === "string" ? Buffer.from(password, "utf8") : password;
  const { N, r, p, maxmem } = options;
  return Buffer.from(scrypt(pass, salt, { N, r, p, dkLen: keylen, ...(maxmem === undefined ? {} : { maxmem }) }));
}

const BLOCK = 16;

function ecb(key: Uint8Array, data: Uint8Array): Uint8Array {
  return Uint8Array.from(sm4.encrypt(Array.from(data), Array.from(key), { padding: "none", output: "array" }));
}

/** The counter blocks IV, IV+1, … (128-bit big-endian, as OpenSSL's CTR mode counts). */
function counterBlocks(iv: Uint8Array, blocks: number): Uint8Array {
  const out = new Uint8Array(blocks * BLOCK);
  const counter = Uint8Array.from(iv);
  for (let b = 0; b < blocks; b++) {
    out.set(counter, b * BLOCK);
    for (let i = BLOCK - 1; i >= 0; i--) {
      counter[i] = (counter[i]! + 1) & 0xff;
      if (counter[i] !== 0) break;
    }
  }
  return out;
}

/** SM4-CTR (encryption and decryption are the same) or raw SM4-ECB blocks without padding. */
class Sm4Cipher {
  private readonly parts: Uint8Array[] = [];
  constructor(
    private readonly mode: "sm4-ctr" | "sm4-ecb",
    private readonly key: Uint8Array,
    private readonly iv: Uint8Array | null,
  ) {
    if (key.length !== BLOCK) throw new RangeError("Invalid key length");
    if (mode === "sm4-ctr" && iv?.length !== BLOCK) throw new RangeError("Invalid initialization vector");
  }
  setAutoPadding(_on: boolean): this {
    return this;
  }
  update(data: Uint8Array): Buffer {
    // Buffered until final(): the data sealed here is a key or a small document.
    this.parts.push(Uint8Array.from(data));
    return Buffer.alloc(0);
  }
  final(): Buffer {
    const data = concat(this.parts);
    if (this.mode === "sm4-ecb") {
      if (data.length % BLOCK !== 0) throw new RangeError("data not multiple of block length");
      return Buffer.from(ecb(this.key, data));
    }
    const stream = ecb(this.key, counterBlocks(this.iv!, Math.ceil(data.length / BLOCK)));
    const out = Buffer.alloc(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data[i]! ^ stream[i]!;
    return out;
  }
}

export function createCipheriv(algorithm: string, key: Uint8Array, iv: Uint8Array | null): Sm4Cipher {
  only("cipher", algorithm, getCiphers());
  return new Sm4Cipher(algorithm.toLowerCase() as "sm4-ctr" | "sm4-ecb", key, iv);
}

export const createDecipheriv = createCipheriv;

export default {
  createHash,
  hash,
  createHmac,
  getHashes,
  getCiphers,
  randomBytes,
  timingSafeEqual,
  scryptSync,
  createCipheriv,
  createDecipheriv,
};
