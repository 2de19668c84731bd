import { weierstrass } from "@noble/curves/abstract/weierstrass.js";
import { SM2_CURVE } from "./sm2-params.ts";
import { BASE_WINDOW, KEY_WINDOW, LAYOUT, sm2WasmModule } from "./sm2-wasm.ts";

/**
 * SM2 verification arithmetic on the WebAssembly module of `sm2-wasm.ts`: s·G + t·P in one
 * pass of 256 doublings (Straus), P's odd multiples up to 15P built per call (8 points, one
 * doubling and seven additions: cheap enough that no per-key table is kept), G's up to 127G
 * built once per thread from @noble/curves. The final check needs no inversion: the affine x of
 * (X : Y : Z) is one of r − e and r − e + n (mod n, below p) exactly when X = x·Z².
 *
 * Public inputs only (verification); signing stays on @noble/curves' constant-time paths.
 * One instance per thread (module state is per realm), so worker threads each have their own.
 */

const { p, n, a, b, Gx, Gy } = SM2_CURVE;
const P_HEX = p.toString(16);
const R = (1n << 256n) % p;

/** The part of the WebAssembly JS API used here (the project's TypeScript library has no DOM types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}

interface Exports {
  readonly memory: { readonly buffer: ArrayBuffer };
  mul(r: number, x: number, y: number): void;
  sqr(r: number, x: number): void;
  add(r: number, x: number, y: number): void;
  sub(r: number, x: number, y: number): void;
  isZero(x: number): number;
  copy(r: number, x: number): void;
  dbl(pt: number): void;
  addJ(pt: number, q: number, neg: number): void;
  addA(pt: number, q: number, neg: number): void;
  joint(top: number): void;
  times(r: number, x: number, k: number): void;
}

const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const wasm = new api.Instance(new api.Module(sm2WasmModule()), {}).exports as Exports;
const words = new Uint32Array(wasm.memory.buffer);
const bytes = new Uint8Array(wasm.memory.buffer);
const digits = new Int8Array(wasm.memory.buffer);

const W = LAYOUT.work;
const el = (i: number) => W + 32 * i;

function writeBig(at: number, x: bigint): void {
  for (let i = 0; i < 8; i++) words[(at >> 2) + i] = Number((x >> BigInt(32 * i)) & 0xffffffffn);
}

function readBig(at: number): bigint {
  let x = 0n;
  for (let i = 7; i >= 0; i--) x = (x << 32n) | BigInt(words[(at >> 2) + i]!);
  return x;
}

/** 64 hex digits (big-endian) into the eight words at `at`. */
function writeHex(at: number, hex: string, from = 0): void {
  for (let i = 0; i < 8; i++) words[(at >> 2) + i] = parseInt(hex.slice(from + 56 - 8 * i, from + 64 - 8 * i), 16);
}

const toMont = (at: number) => wasm.mul(at, at, LAYOUT.r2);
const fromMont = (at: number) => wasm.mul(at, at, LAYOUT.plainOne);

writeBig(LAYOUT.one, R);
writeBig(LAYOUT.r2, (R * R) % p);
writeBig(LAYOUT.plainOne, 1n);
writeBig(LAYOUT.b, (b * R) % p);

// G's odd multiples, affine, in Montgomery form.
{
  const Curve = weierstrass({ p, n, h: 1n, a, b, Gx, Gy });
  const G = Curve.BASE;
  const twoG = G.double();
  let q = G;
  for (let i = 0; i < 1 << (BASE_WINDOW - 2); i++) {
    const { x, y } = q.toAffine();
    const at = LAYOUT.baseTable + 64 * i;
    writeBig(at, (x * R) % p);
    writeBig(at + 32, (y * R) % p);
    q = q.add(twoG);
  }
}

/**
 * Signed-digit recoding of the 256-bit scalar held as 64 hex digits: odd digits below 2^(w−1)
 * in absolute value, any two non-zero digits at least w bits apart, written one byte per bit
 * position at `at` (257 positions). Returns the highest non-zero position, or −1 for zero.
 */
function recode(hex: string, w: number, at: number): number {
  const k = new Uint32Array(9);
  for (let i = 0; i < 8; i++) k[i] = parseInt(hex.slice(56 - 8 * i, 64 - 8 * i), 16);
  digits.fill(0, at, at + 257);
  const bitsAt = (pos: number, count: number) => {
    const word = pos >>> 5;
    const shift = pos & 31;
    let v = k[word]! >>> shift;
    if (shift + count > 32) v |= k[word + 1]! << (32 - shift);
    return v & ((1 << count) - 1);
  };
  let carry = 0;
  let top = -1;
  for (let bit = 0; bit < 257;) {
    if (bitsAt(bit, 1) === carry) {
      bit++;
      continue;
    }
    const now = Math.min(w, 257 - bit);
    let d = bitsAt(bit, now) + carry;
    carry = (d >> (w - 1)) & 1;
    d -= carry << w;
    digits[at + bit] = d;
    top = bit;
    bit += now;
  }
  return top;
}

/**
 * The Montgomery-form coordinates (64 bytes) of the point 04‖X‖Y given as 130 hex digits, or
 * undefined unless both coordinates are below p and the point is on the curve (the identity
 * has no affine form, so it never passes).
 */
export function prepareKey(publicKeyHex: string): Uint8Array | undefined {
  const xHex = publicKeyHex.slice(2, 66);
  const yHex = publicKeyHex.slice(66, 130);
  if (xHex >= P_HEX || yHex >= P_HEX) return undefined;
  const [x, y, lhs, rhs] = [el(0), el(1), el(2), el(3)];
  writeHex(x, xHex);
  writeHex(y, yHex);
  toMont(x);
  toMont(y);
  wasm.sqr(lhs, y);
  wasm.sqr(rhs, x);
  wasm.mul(rhs, rhs, x);
  wasm.sub(rhs, rhs, x);
  wasm.sub(rhs, rhs, x);
  wasm.sub(rhs, rhs, x);
  wasm.add(rhs, rhs, LAYOUT.b);
  wasm.sub(lhs, lhs, rhs);
  if (!wasm.isZero(lhs)) return undefined;
  return bytes.slice(x, x + 64);
}

/** acc = s·G + t·P for a prepared key and scalars as 64 hex digits each. */
function jointMultiply(key: Uint8Array, sHex: string, tHex: string): void {
  const table = LAYOUT.keyTable;
  bytes.set(key, table);
  wasm.copy(table + 64, LAYOUT.one);
  // acc = 2P, then (2i+1)P = (2i−1)P + 2P.
  for (let j = 0; j < 3; j++) wasm.copy(LAYOUT.acc + 32 * j, table + 32 * j);
  wasm.dbl(LAYOUT.acc);
  for (let i = 1; i < 1 << (KEY_WINDOW - 2); i++) {
    const at = table + 96 * i;
    for (let j = 0; j < 3; j++) wasm.copy(at + 32 * j, at - 96 + 32 * j);
    wasm.addJ(at, LAYOUT.acc, 0);
  }
  const top = Math.max(recode(sHex, BASE_WINDOW, LAYOUT.baseDigits), recode(tHex, KEY_WINDOW, LAYOUT.keyDigits));
  wasm.joint(top);
}

const hex64 = (x: bigint) => x.toString(16).padStart(64, "0");

/**
 * GB/T 32918.2 §7.1 steps B5–B7 for a prepared key: with t = r + s mod n (non-zero, checked by
 * the caller, as are r, s ∈ [1, n−1]), (x1, y1) = s·G + t·P must not be the identity and
 * (e + x1) mod n must equal r.
 */
export function verifyPrepared(key: Uint8Array, e: bigint, r: bigint, s: bigint, t: bigint): boolean {
  jointMultiply(key, hex64(s), hex64(t));
  const Z = LAYOUT.acc + 64;
  if (wasm.isZero(Z)) return false;
  const [z2, cand] = [el(4), el(5)];
  wasm.sqr(z2, Z);
  let x = (((r - e) % n) + n) % n;
  for (;;) {
    writeHex(cand, hex64(x));
    toMont(cand);
    wasm.mul(cand, cand, z2);
    wasm.sub(cand, cand, LAYOUT.acc);
    if (wasm.isZero(cand)) return true;
    x += n;
    if (x >= p) return false;
  }
}

/**
 * For the cross-checks against @noble/curves: s·G + t·P in affine coordinates (undefined for
 * the identity), through the same code path as verification.
 */
export function linearCombination(publicKeyHex: string, s: bigint, t: bigint): { x: bigint; y: bigint } | undefined {
  const key = prepareKey(publicKeyHex);
  if (!key) throw new RangeError("not a point on the curve");
  jointMultiply(key, hex64(s), hex64(t));
  const acc = LAYOUT.acc;
  if (wasm.isZero(acc + 64)) return undefined;
  const [X, Y, Z] = [0, 1, 2].map((i) => {
    wasm.copy(el(i), acc + 32 * i);
    fromMont(el(i));
    return readBig(el(i));
  }) as [bigint, bigint, bigint];
  const zInv = modPow(Z, p - 2n, p);
  const zInv2 = (zInv * zInv) % p;
  return { x: (X * zInv2) % p, y: (Y * zInv2 * zInv) % p };
}

function modPow(x: bigint, k: bigint, m: bigint): bigint {
  let result = 1n;
  let base = x % m;
  for (; k > 0n; k >>= 1n) {
    if (k & 1n) result = (result * base) % m;
    base = (base * base) % m;
  }
  return result;
}

/** For the cross-checks: one field operation of the module on plain integers below p. */
export function fieldOp(op: "mul" | "sqr" | "add" | "sub" | "times", x: bigint, y: bigint): bigint {
  if (op === "times") {
    writeBig(el(6), x);
    wasm.times(el(6), el(6), Number(y));
    return readBig(el(6));
  }
  const [u, v] = [el(6), el(7)];
  writeBig(u, x);
  writeBig(v, y);
  if (op === "mul" || op === "sqr") {
    toMont(u);
    toMont(v);
    if (op === "mul") wasm.mul(u, u, v);
    else wasm.sqr(u, u);
    fromMont(u);
  } else if (op === "add") wasm.add(u, u, v);
  else wasm.sub(u, u, v);
  return readBig(u);
}

// Fails closed at load: the GM/T 0003.5 Annex A signature must verify here, and the same
// signature over another digest must not, or nothing is verified with this module.
{
  const key = prepareKey(
    "0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13",
  );
  const e = 0xf0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640n;
  const r = 0xf5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3n;
  const s = 0xb1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aan;
  const t = (r + s) % n;
  if (!key || !verifyPrepared(key, e, r, s, t) || verifyPrepared(key, e + 1n, r, s, t)) {
    throw new Error("the SM2 verification arithmetic failed its known-answer test (GM/T 0003.5 Annex A)");
  }
}
