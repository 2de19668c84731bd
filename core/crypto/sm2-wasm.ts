import { SM2_CURVE } from "./sm2-params.ts";
import { encodeModule, FunctionBody, I32, I64, OP, VOID, type ModuleFunction } from "./wasm-emit.ts";

/**
 * SM2 curve arithmetic for signature verification, as a WebAssembly module generated here:
 * the field GF(p) of GB/T 32918.5 in Montgomery form (R = 2^256, eight 32-bit limbs) and
 * Jacobian point doubling and addition on y² = x³ − 3x + b. @noble/curves does the same in
 * BigInt, an order of magnitude slower per point operation, too slow to verify without a per-key
 * table (bench:crypto measures both; figures in the README).
 *
 * p = 2^256 − 2^224 − 2^96 + 2^64 − 1 makes Montgomery reduction free of multiplications:
 * p ≡ −1 (mod 2^32), so the reduction digit of each step is the low word itself (−p⁻¹ ≡ 1), and
 * adding m·p is adding or subtracting m at four word positions. Products are scanned column by
 * column in i64 accumulators (each 32×32-bit product split into its low and high words), the
 * reduction interleaved, carries signed; every function leaves its result fully reduced in
 * [0, p), so equal elements have equal limbs.
 *
 * Nothing here is constant time, and nothing needs to be: verification handles public data
 * only. Signing does not use this module.
 *
 * Memory layout (byte offsets) is `LAYOUT`; field elements are 32 bytes, little-endian words;
 * a Jacobian point is X‖Y‖Z (96 bytes), an affine point x‖y (64 bytes); Z = 0 is the point at
 * infinity.
 */

const P = SM2_CURVE.p;
/** p's 32-bit words, least significant first. */
const P_WORDS = Array.from({ length: 8 }, (_, i) => Number((P >> BigInt(32 * i)) & 0xffffffffn));

/** Width of the signed-digit (wNAF) recoding of the scalar of the public key, and of G. */
export const KEY_WINDOW = 5;
export const BASE_WINDOW = 8;

export const LAYOUT = {
  zero: 0,
  one: 32,
  /** Scratch field elements of the point formulas (T0…T9). */
  scratch: 64,
  /** R² mod p (to enter Montgomery form), b·R mod p, and a plain 1 (to leave it). */
  r2: 384,
  b: 416,
  plainOne: 448,
  /** Scratch for the caller (the key's coordinates, the final check): 8 elements. */
  work: 512,
  /** The running sum of the joint multiplication. */
  acc: 1024,
  /** (2i+1)·P, i < 2^(KEY_WINDOW−2), Jacobian. */
  keyTable: 1280,
  /** Signed digits (one byte each, 257 of them) of the scalars of G and of P. */
  baseDigits: 2304,
  keyDigits: 2624,
  /** (2i+1)·G, i < 2^(BASE_WINDOW−2), affine. */
  baseTable: 3072,
} as const;

const T = (i: number) => LAYOUT.scratch + 32 * i;

// Function indices.
const F = {
  mul: 0,
  sqr: 1,
  add: 2,
  sub: 3,
  isZero: 4,
  copy: 5,
  dbl: 6,
  addJ: 7,
  addA: 8,
  joint: 9,
  small: 10,
} as const;

const M32 = 0xffffffffn;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

const loadLimb = (f: FunctionBody, ptr: number, i: number) => f.get(ptr).mem(OP.i64Load32U, 2, 4 * i);

/**
 * Stores o mod p into `r`, given o = o[0..7] (32-bit words in i64 locals) + o[8]·2^256 with
 * 0 ≤ o < 2p: subtracts p once, keeping the difference unless it borrowed.
 */
function reduceOnceAndStore(f: FunctionBody, r: number, o: readonly number[], d: readonly number[]): void {
  const c = f.local(I64);
  const keep = f.local(I32);
  f.i64(0).set(c);
  for (let i = 0; i < 8; i++) {
    f.get(o[i]!).i64(P_WORDS[i]!).op(OP.i64Sub).get(c).op(OP.i64Add).tee(d[i]!);
    f.i64(32).op(OP.i64ShrS).set(c);
    f.get(d[i]!).i64(M32).op(OP.i64And).set(d[i]!);
  }
  // o ≥ p exactly when the top word absorbs the borrow.
  f.get(o[8]!).get(c).op(OP.i64Add).i64(0).op(OP.i64GeS).set(keep);
  for (let i = 0; i < 8; i++) {
    f.get(r)
      .get(d[i]!)
      .get(o[i]!)
      .get(keep)
      .op(OP.select)
      .mem(OP.i64Store32, 2, 4 * i);
  }
}

/**
 * r = a·b·2^−256 mod p (or a²·2^−256 when `square`). Operands may alias: every limb is read
 * before anything is stored.
 */
function montgomeryBody(square: boolean): FunctionBody {
  const f = new FunctionBody(square ? [I32, I32] : [I32, I32, I32]);
  const [r, pa, pb] = square ? [0, 1, 1] : [0, 1, 2];
  const a = range(8).map(() => f.local(I64));
  const b = square ? a : range(8).map(() => f.local(I64));
  for (let i = 0; i < 8; i++) loadLimb(f, pa, i).set(a[i]!);
  if (!square) for (let i = 0; i < 8; i++) loadLimb(f, pb, i).set(b[i]!);
  const cur = f.local(I64);
  const hi = f.local(I64);
  const prod = f.local(I64);
  const carry = f.local(I64);
  const cross = f.local(I64);
  const diagHi = f.local(I64);
  const m = range(8).map(() => f.local(I64));
  const o = range(9).map(() => f.local(I64));
  f.i64(0).set(carry).i64(0).set(hi);

  /** prod = x·y; acc += low word; hi += high word. */
  const product = (x: number, y: number, acc: number) => {
    f.get(x).get(y).op(OP.i64Mul).tee(prod).i64(M32).op(OP.i64And).get(acc).op(OP.i64Add).set(acc);
    f.get(prod).i64(32).op(OP.i64ShrU).get(hi).op(OP.i64Add).set(hi);
  };

  for (let k = 0; k <= 16; k++) {
    if (square) {
      // cur = carry + 2·(cross products of column k, with the high words of column k−1's) + a_{k/2}².
      f.get(hi).set(cross).i64(0).set(hi);
      for (let i = Math.max(0, k - 7); i < k - i; i++) product(a[i]!, a[k - i]!, cross);
      f.get(cross).i64(1).op(OP.i64Shl).get(carry).op(OP.i64Add).set(cur);
      if (k % 2 === 1) f.get(cur).get(diagHi).op(OP.i64Add).set(cur);
      if (k % 2 === 0 && k / 2 <= 7) {
        const x = a[k / 2]!;
        f.get(x).get(x).op(OP.i64Mul).tee(prod).i64(M32).op(OP.i64And).get(cur).op(OP.i64Add).set(cur);
        f.get(prod).i64(32).op(OP.i64ShrU).set(diagHi);
      }
    } else {
      f.get(hi).get(carry).op(OP.i64Add).set(cur).i64(0).set(hi);
      for (let i = Math.max(0, k - 7); i <= Math.min(k, 7); i++) product(a[i]!, b[k - i]!, cur);
    }
    // m_j·p = m_j·(2^256 − 2^224 − 2^96 + 2^64 − 1)·2^(32j): +m_j at word j+8 and j+2, −m_j at j+7 and j+3
    // (and −m_j at word j, which cancels that word).
    const terms: [number, number][] = [
      [k - 2, +1],
      [k - 3, -1],
      [k - 7, -1],
      [k - 8, +1],
    ];
    for (const [j, sign] of terms) {
      if (j < 0 || j > 7) continue;
      f.get(cur)
        .get(m[j]!)
        .op(sign > 0 ? OP.i64Add : OP.i64Sub)
        .set(cur);
    }
    if (k === 16) {
      f.get(cur).set(o[8]!);
      break;
    }
    f.get(cur)
      .i64(M32)
      .op(OP.i64And)
      .set(k < 8 ? m[k]! : o[k - 8]!);
    // Exact: cur − (cur mod 2^32) is a multiple of 2^32 (for k < 8, cur − m_k).
    f.get(cur).i64(32).op(OP.i64ShrS).set(carry);
  }
  reduceOnceAndStore(f, r, o, a);
  return f;
}

/** r = a + b mod p. */
function addBody(): FunctionBody {
  const f = new FunctionBody([I32, I32, I32]);
  const o = range(9).map(() => f.local(I64));
  const d = range(8).map(() => f.local(I64));
  const c = f.local(I64);
  f.i64(0).set(c);
  for (let i = 0; i < 8; i++) {
    loadLimb(f, 1, i);
    loadLimb(f, 2, i);
    f.op(OP.i64Add).get(c).op(OP.i64Add).tee(o[i]!).i64(32).op(OP.i64ShrU).set(c);
    f.get(o[i]!).i64(M32).op(OP.i64And).set(o[i]!);
  }
  f.get(c).set(o[8]!);
  reduceOnceAndStore(f, 0, o, d);
  return f;
}

/** r = a − b mod p: the difference, plus p when it borrowed. */
function subBody(): FunctionBody {
  const f = new FunctionBody([I32, I32, I32]);
  const d = range(8).map(() => f.local(I64));
  const e = range(8).map(() => f.local(I64));
  const c = f.local(I64);
  const c2 = f.local(I64);
  const borrowed = f.local(I32);
  f.i64(0).set(c);
  for (let i = 0; i < 8; i++) {
    loadLimb(f, 1, i);
    loadLimb(f, 2, i);
    f.op(OP.i64Sub).get(c).op(OP.i64Add).tee(d[i]!).i64(32).op(OP.i64ShrS).set(c);
    f.get(d[i]!).i64(M32).op(OP.i64And).set(d[i]!);
  }
  f.get(c).op(OP.i64Eqz).op(OP.i32Eqz).set(borrowed);
  f.i64(0).set(c2);
  for (let i = 0; i < 8; i++) {
    f.get(d[i]!).i64(P_WORDS[i]!).op(OP.i64Add).get(c2).op(OP.i64Add).tee(e[i]!).i64(32).op(OP.i64ShrU).set(c2);
    f.get(e[i]!).i64(M32).op(OP.i64And).set(e[i]!);
  }
  for (let i = 0; i < 8; i++)
    f.get(0)
      .get(e[i]!)
      .get(d[i]!)
      .get(borrowed)
      .op(OP.select)
      .mem(OP.i64Store32, 2, 4 * i);
  return f;
}

/**
 * r = k·a mod p for a small k (k ≤ 8): one pass instead of a chain of additions. The top word
 * c of k·a folds back as c·(2^256 − p) = c·(2^224 + 2^96 − 2^64 + 1), leaving less than 2p.
 */
function smallMultipleBody(): FunctionBody {
  const f = new FunctionBody([I32, I32, I32]);
  const o = range(9).map(() => f.local(I64));
  const d = range(8).map(() => f.local(I64));
  const k = f.local(I64);
  const c = f.local(I64);
  const top = f.local(I64);
  f.get(2).op(OP.i64ExtendI32U).set(k);
  f.i64(0).set(c);
  for (let i = 0; i < 8; i++) {
    loadLimb(f, 1, i);
    f.get(k).op(OP.i64Mul).get(c).op(OP.i64Add).tee(o[i]!).i64(32).op(OP.i64ShrU).set(c);
    f.get(o[i]!).i64(M32).op(OP.i64And).set(o[i]!);
  }
  f.get(c).set(top).i64(0).set(c);
  const fold: Record<number, 1 | -1> = { 0: 1, 2: -1, 3: 1, 7: 1 };
  for (let i = 0; i < 8; i++) {
    f.get(o[i]!);
    const sign = fold[i];
    if (sign !== undefined) f.get(top).op(sign > 0 ? OP.i64Add : OP.i64Sub);
    f.get(c).op(OP.i64Add).tee(o[i]!).i64(32).op(OP.i64ShrS).set(c);
    f.get(o[i]!).i64(M32).op(OP.i64And).set(o[i]!);
  }
  f.get(c).set(o[8]!);
  reduceOnceAndStore(f, 0, o, d);
  return f;
}

/** 1 when a = 0 (elements are fully reduced, so zero has one form). */
function isZeroBody(): FunctionBody {
  const f = new FunctionBody([I32], [I32]);
  for (let i = 0; i < 4; i++) {
    f.get(0).mem(OP.i64Load, 3, 8 * i);
    if (i > 0) f.op(OP.i64Or);
  }
  f.op(OP.i64Eqz);
  return f;
}

/** r = a (32 bytes). */
function copyBody(): FunctionBody {
  const f = new FunctionBody([I32, I32]);
  for (let i = 0; i < 4; i++)
    f.get(0)
      .get(1)
      .mem(OP.i64Load, 3, 8 * i)
      .mem(OP.i64Store, 3, 8 * i);
  return f;
}

/** An operand: a constant address, or a parameter's pointer plus an offset. */
type Addr = number | readonly [param: number, offset: number];

function push(f: FunctionBody, a: Addr): void {
  if (typeof a === "number") f.i32(a);
  else {
    f.get(a[0]);
    if (a[1] !== 0) f.i32(a[1]).op(OP.i32Add);
  }
}

function callWith(f: FunctionBody, fn: number, ...args: Addr[]): void {
  for (const a of args) push(f, a);
  f.call(fn);
}

const field = (f: FunctionBody) => ({
  mul: (r: Addr, a: Addr, b: Addr) => callWith(f, F.mul, r, a, b),
  sqr: (r: Addr, a: Addr) => callWith(f, F.sqr, r, a),
  add: (r: Addr, a: Addr, b: Addr) => callWith(f, F.add, r, a, b),
  sub: (r: Addr, a: Addr, b: Addr) => callWith(f, F.sub, r, a, b),
  copy: (r: Addr, a: Addr) => callWith(f, F.copy, r, a),
  isZero: (a: Addr) => callWith(f, F.isZero, a),
  times: (r: Addr, a: Addr, k: number) => {
    push(f, r);
    push(f, a);
    f.i32(k).call(F.small);
  },
});

/**
 * In place, p = 2p (dbl-2001-b for a = −3, with Z3 = 2·Y·Z): 4M + 4S. The point at infinity
 * (Z = 0) stays there.
 */
function doubleBody(): FunctionBody {
  const f = new FunctionBody([I32]);
  const X: Addr = [0, 0];
  const Y: Addr = [0, 32];
  const Z: Addr = [0, 64];
  const F_ = field(f);
  F_.sqr(T(0), Z); // δ = Z²
  F_.sqr(T(1), Y); // γ = Y²
  F_.mul(T(2), X, T(1)); // β = X·γ
  F_.sub(T(3), X, T(0));
  F_.add(T(4), X, T(0));
  F_.mul(T(3), T(3), T(4));
  F_.times(T(3), T(3), 3); // α = 3(X − δ)(X + δ)
  F_.mul(T(4), Y, Z);
  F_.add(Z, T(4), T(4)); // Z3 = 2YZ
  F_.times(T(2), T(2), 4); // 4β
  F_.sqr(T(4), T(3));
  F_.sub(T(4), T(4), T(2));
  F_.sub(X, T(4), T(2)); // X3 = α² − 8β
  F_.sub(T(2), T(2), X);
  F_.mul(T(2), T(3), T(2)); // α(4β − X3)
  F_.sqr(T(1), T(1));
  F_.times(T(1), T(1), 8); // 8γ²
  F_.sub(Y, T(2), T(1));
  return f;
}

/**
 * In place, p = p + (neg ? −q : q), with q Jacobian (`affine` false; add-1998-cmo-2, 12M + 4S)
 * or affine (`affine` true; 8M + 3S). Handles the point at infinity on either side, q = p
 * (doubles) and q = −p (infinity).
 */
function addBody_(affine: boolean): FunctionBody {
  const f = new FunctionBody([I32, I32, I32]);
  const [p, q, neg] = [0, 1, 2];
  const X1: Addr = [p, 0];
  const Y1: Addr = [p, 32];
  const Z1: Addr = [p, 64];
  const X2: Addr = [q, 0];
  const Y2: Addr = [q, 32];
  const Z2: Addr = [q, 64];
  const F_ = field(f);
  const negateIfAsked = (a: Addr) => {
    f.get(neg).op(OP.if, VOID);
    F_.sub(a, LAYOUT.zero, a);
    f.op(OP.end);
  };
  if (!affine) {
    F_.isZero(Z2);
    f.op(OP.if, VOID, OP.return, OP.end);
  }
  // p at infinity: the sum is ±q.
  F_.isZero(Z1);
  f.op(OP.if, VOID);
  F_.copy(X1, X2);
  F_.copy(Y1, Y2);
  F_.copy(Z1, affine ? LAYOUT.one : Z2);
  negateIfAsked(Y1);
  f.op(OP.return, OP.end);

  F_.sqr(T(0), Z1); // Z1²
  if (affine) {
    F_.copy(T(2), X1); // U1 = X1
    F_.copy(T(4), Y1); // S1 = Y1
  } else {
    F_.sqr(T(1), Z2); // Z2²
    F_.mul(T(2), X1, T(1)); // U1 = X1·Z2²
    F_.mul(T(4), Y1, Z2);
    F_.mul(T(4), T(4), T(1)); // S1 = Y1·Z2³
  }
  F_.mul(T(3), X2, T(0)); // U2 = X2·Z1²
  F_.mul(T(5), Y2, Z1);
  F_.mul(T(5), T(5), T(0)); // S2 = Y2·Z1³
  negateIfAsked(T(5));
  F_.sub(T(3), T(3), T(2)); // H = U2 − U1
  F_.sub(T(5), T(5), T(4)); // r = S2 − S1
  F_.isZero(T(3));
  f.op(OP.if, VOID);
  F_.isZero(T(5));
  f.op(OP.if, VOID);
  callWith(f, F.dbl, [p, 0]);
  f.op(OP.else);
  F_.copy(Z1, LAYOUT.zero);
  f.op(OP.end, OP.return, OP.end);

  if (!affine) F_.mul(Z1, Z1, Z2);
  F_.mul(Z1, Z1, T(3)); // Z3 = Z1·Z2·H
  F_.sqr(T(6), T(3)); // H²
  F_.mul(T(7), T(3), T(6)); // H³
  F_.mul(T(2), T(2), T(6)); // V = U1·H²
  F_.sqr(T(8), T(5));
  F_.sub(T(8), T(8), T(7));
  F_.sub(T(8), T(8), T(2));
  F_.sub(X1, T(8), T(2)); // X3 = r² − H³ − 2V
  F_.sub(T(2), T(2), X1);
  F_.mul(T(2), T(5), T(2)); // r(V − X3)
  F_.mul(T(4), T(4), T(7)); // S1·H³
  F_.sub(Y1, T(2), T(4));
  return f;
}

/**
 * acc = Σ d_i·2^i·P + Σ e_i·2^i·G over i = top…0, from the signed odd digits d (key) and e
 * (base) at LAYOUT.keyDigits and LAYOUT.baseDigits and the tables of odd multiples: Straus'
 * method, one doubling per bit shared by both scalars.
 */
function jointBody(): FunctionBody {
  const f = new FunctionBody([I32]);
  const i = 0;
  const d = f.local(I32);
  const neg = f.local(I32);
  F_copyInfinity(f);
  f.op(OP.block, VOID, OP.loop, VOID);
  f.get(i).i32(0).op(OP.i32LtS, OP.brIf, 1);
  callWith(f, F.dbl, LAYOUT.acc);
  const addDigit = (digits: number, table: number, stride: number, fn: number) => {
    f.get(i).mem(OP.i32Load8S, 0, digits).tee(d);
    f.op(OP.if, VOID);
    f.get(d).i32(0).op(OP.i32LtS).set(neg);
    f.i32(LAYOUT.acc);
    // Table entry |d| >> 1 = (d XOR (d >> 31)) >> 1: the odd multiple |d|.
    f.get(d)
      .get(d)
      .i32(31)
      .op(OP.i32ShrS)
      .op(OP.i32Xor)
      .i32(1)
      .op(OP.i32ShrS)
      .i32(stride)
      .op(OP.i32Mul)
      .i32(table)
      .op(OP.i32Add);
    f.get(neg).call(fn);
    f.op(OP.end);
  };
  addDigit(LAYOUT.keyDigits, LAYOUT.keyTable, 96, F.addJ);
  addDigit(LAYOUT.baseDigits, LAYOUT.baseTable, 64, F.addA);
  f.get(i).i32(1).op(OP.i32Sub).set(i);
  f.op(OP.br, 0, OP.end, OP.end);
  return f;
}

function F_copyInfinity(f: FunctionBody): void {
  callWith(f, F.copy, LAYOUT.acc + 64, LAYOUT.zero);
}

/** The module; exports memory and the functions by the names of `F`. */
export function sm2WasmModule(): Uint8Array {
  const fns: ModuleFunction[] = [
    { body: montgomeryBody(false), export: "mul" },
    { body: montgomeryBody(true), export: "sqr" },
    { body: addBody(), export: "add" },
    { body: subBody(), export: "sub" },
    { body: isZeroBody(), export: "isZero" },
    { body: copyBody(), export: "copy" },
    { body: doubleBody(), export: "dbl" },
    { body: addBody_(false), export: "addJ" },
    { body: addBody_(true), export: "addA" },
    { body: jointBody(), export: "joint" },
    { body: smallMultipleBody(), export: "times" },
  ];
  return encodeModule(fns, 1);
}
