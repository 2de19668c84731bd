/**
 * The SM3 compression function (GB/T 32905-2016) on four independent states at once, as a
 * WebAssembly SIMD function generated here: each 32-bit word of the algorithm becomes an i32x4
 * vector holding that word for four messages. A delivery hashes millions of short records, so
 * four compressions for little more than the price of one scalar compression is the largest
 * saving left (bench:trace); `sm3-lanes.ts` keeps the four lanes fed.
 *
 *   hash4(n, s0, s1, s2, s3, d0, d1, d2, d3, o0, o1, o2, o3)
 *
 * continues four hashes, lane l from the 8-word state at byte offset `sl` (native-endian
 * words) over the n ≥ 1 padded 64-byte blocks at `dl`, and writes its digest (32 bytes,
 * big-endian words) at `ol`. Outputs are checked against OpenSSL's SM3 by `sm3-lanes.ts` when
 * it loads, and by the tests.
 *
 * Generated rather than written as text: the 64 rounds are unrolled with the eight working
 * variables renamed each round instead of moved, which no hand-written form keeps readable.
 */

// Opcodes (WebAssembly core and SIMD specifications).
const BLOCK = 0x02;
const LOOP = 0x03;
const BR_IF = 0x0d;
const VOID = 0x40;
const I32_SUB = 0x6b;
const I32_ADD = 0x6a;
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const I32_CONST = 0x41;
const END = 0x0b;
const SIMD = 0xfd;
const V128 = 0x7b;
const I32 = 0x7f;
const V128_LOAD = 0x00;
const V128_STORE = 0x0b;
const I8X16_SHUFFLE = 0x0d;
const I32X4_SPLAT = 0x11;
const V128_AND = 0x4e;
const V128_OR = 0x50;
const V128_XOR = 0x51;
const V128_BITSELECT = 0x52;
const I32X4_SHL = 0xab;
const I32X4_SHR_U = 0xad;
const I32X4_ADD = 0xae;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

/** T_j <<< (j mod 32), the round constants. */
const T = Array.from({ length: 64 }, (_, j) => {
  const t = j < 16 ? 0x79cc4519 : 0x7a879d8a;
  const s = j % 32;
  return s === 0 ? t | 0 : (t << s) | (t >>> (32 - s)) | 0;
});

const PARAMS = 13;
const N = 0;
const S = [1, 2, 3, 4];
const D = [5, 6, 7, 8];
const O = [9, 10, 11, 12];

class Body {
  readonly code: number[] = [];
  private locals = PARAMS;

  local(): number {
    return this.locals++;
  }

  get localCount(): number {
    return this.locals - PARAMS;
  }

  op(...bytes: number[]): void {
    this.code.push(...bytes);
  }

  get(i: number): void {
    this.code.push(LOCAL_GET, ...uleb(i));
  }

  set(i: number): void {
    this.code.push(LOCAL_SET, ...uleb(i));
  }

  tee(i: number): void {
    this.code.push(LOCAL_TEE, ...uleb(i));
  }

  simd(op: number, ...immediates: number[]): void {
    this.code.push(SIMD, ...uleb(op), ...immediates);
  }

  /** v128.load / v128.store at `offset` from the address on the stack (alignment hint 16 bytes; unaligned addresses are valid, only slower). */
  load(offset: number): void {
    this.simd(V128_LOAD, 4, ...uleb(offset));
  }

  store(offset: number): void {
    this.simd(V128_STORE, 4, ...uleb(offset));
  }

  splat(value: number): void {
    this.code.push(I32_CONST, ...sleb(value));
    this.simd(I32X4_SPLAT);
  }

  /** Pushes x <<< n (lane-wise). */
  rotl(x: number, n: number): void {
    this.get(x);
    this.code.push(I32_CONST, ...sleb(n));
    this.simd(I32X4_SHL);
    this.get(x);
    this.code.push(I32_CONST, ...sleb(32 - n));
    this.simd(I32X4_SHR_U);
    this.simd(V128_OR);
  }

  xor(): void {
    this.simd(V128_XOR);
  }

  /** Pushes x ^ (x <<< a) ^ (x <<< b): P0 is (9, 17), P1 is (15, 23). */
  permutation(x: number, a: number, b: number): void {
    this.get(x);
    this.rotl(x, a);
    this.xor();
    this.rotl(x, b);
    this.xor();
  }

  add(): void {
    this.simd(I32X4_ADD);
  }
}

/**
 * Transposes the 4×4 matrix of 32-bit words held by `rows` into `out` (out[k] = word k of every
 * row), reversing the bytes of each word on the way when `swap`.
 */
function transpose(
  f: Body,
  rows: readonly number[],
  tmp: readonly number[],
  out: readonly number[],
  swap: boolean,
): void {
  const word = (src: number, k: number) => (swap ? [3, 2, 1, 0] : [0, 1, 2, 3]).map((b) => src * 16 + 4 * k + b);
  const interleave: [number, number, number, number[]][] = [
    [rows[0]!, rows[1]!, tmp[0]!, [...word(0, 0), ...word(1, 0), ...word(0, 1), ...word(1, 1)]],
    [rows[0]!, rows[1]!, tmp[1]!, [...word(0, 2), ...word(1, 2), ...word(0, 3), ...word(1, 3)]],
    [rows[2]!, rows[3]!, tmp[2]!, [...word(0, 0), ...word(1, 0), ...word(0, 1), ...word(1, 1)]],
    [rows[2]!, rows[3]!, tmp[3]!, [...word(0, 2), ...word(1, 2), ...word(0, 3), ...word(1, 3)]],
  ];
  for (const [a, b, o, idx] of interleave) {
    f.get(a);
    f.get(b);
    f.simd(I8X16_SHUFFLE, ...idx);
    f.set(o);
  }
  const half = (src: number, k: number) => Array.from({ length: 8 }, (_, b) => src * 16 + 8 * k + b);
  const combine: [number, number, number, number[]][] = [
    [tmp[0]!, tmp[2]!, out[0]!, [...half(0, 0), ...half(1, 0)]],
    [tmp[0]!, tmp[2]!, out[1]!, [...half(0, 1), ...half(1, 1)]],
    [tmp[1]!, tmp[3]!, out[2]!, [...half(0, 0), ...half(1, 0)]],
    [tmp[1]!, tmp[3]!, out[3]!, [...half(0, 1), ...half(1, 1)]],
  ];
  for (const [a, b, o, idx] of combine) {
    f.get(a);
    f.get(b);
    f.simd(I8X16_SHUFFLE, ...idx);
    f.set(o);
  }
}

/** The 64 rounds on the state held by `s` (A..H), with message words loaded in `w`. */
function rounds(f: Body, s: readonly number[], w: readonly number[], t: readonly number[]): void {
  const [a12, ss1, tt2, x] = [t[0]!, t[1]!, t[2]!, t[3]!];
  const W = (j: number) => w[j % 16]!;
  let [A, B, C, D, E, F, G, H] = s as [number, number, number, number, number, number, number, number];
  for (let j = 0; j < 64; j++) {
    // Expand W[j + 4] into the slot of W[j - 12], which is no longer needed.
    const k = j + 4;
    if (k >= 16 && k < 68) {
      f.get(W(k - 16));
      f.get(W(k - 9));
      f.xor();
      f.rotl(W(k - 3), 15);
      f.xor();
      f.set(x);
      f.permutation(x, 15, 23);
      f.rotl(W(k - 13), 7);
      f.xor();
      f.get(W(k - 6));
      f.xor();
      f.set(W(k));
    }
    f.rotl(A, 12);
    f.set(a12);
    f.get(a12);
    f.get(E);
    f.add();
    f.splat(T[j]!);
    f.add();
    f.set(ss1);
    f.rotl(ss1, 7);
    f.set(ss1);
    // TT1 = FF(A, B, C) + D + (SS1 ^ A<<<12) + (W[j] ^ W[j + 4]), into D's slot.
    if (j < 16) {
      f.get(A);
      f.get(B);
      f.xor();
      f.get(C);
      f.xor();
    } else {
      f.get(A);
      f.get(B);
      f.simd(V128_AND);
      f.get(A);
      f.get(B);
      f.simd(V128_OR);
      f.get(C);
      f.simd(V128_AND);
      f.simd(V128_OR);
    }
    f.get(D);
    f.add();
    f.get(ss1);
    f.get(a12);
    f.xor();
    f.add();
    f.get(W(j));
    f.get(W(j + 4));
    f.xor();
    f.add();
    f.set(D);
    // TT2 = GG(E, F, G) + H + SS1 + W[j]; GG for j ≥ 16 is (E & F) | (~E & G), a bitselect.
    if (j < 16) {
      f.get(E);
      f.get(F);
      f.xor();
      f.get(G);
      f.xor();
    } else {
      f.get(F);
      f.get(G);
      f.get(E);
      f.simd(V128_BITSELECT);
    }
    f.get(H);
    f.add();
    f.get(ss1);
    f.add();
    f.get(W(j));
    f.add();
    f.set(tt2);
    f.rotl(B, 9);
    f.set(B);
    f.rotl(F, 19);
    f.set(F);
    // H's slot takes P0(TT2).
    f.permutation(tt2, 9, 17);
    f.set(H);
    [A, B, C, D, E, F, G, H] = [D, A, B, C, H, E, F, G];
  }
  // The renaming has period 4, so after 64 rounds A..H are back in s[0..7].
}

function hash4Body(): Body {
  const f = new Body();
  const w = Array.from({ length: 16 }, () => f.local());
  const s = Array.from({ length: 8 }, () => f.local());
  const saved = Array.from({ length: 8 }, () => f.local());
  const t = Array.from({ length: 8 }, () => f.local());
  const rows = t.slice(0, 4);
  const tmp = t.slice(4, 8);

  /** Loads 16 bytes at `offset` past each lane's pointer and transposes them into `out`. */
  const gather = (pointers: readonly number[], offset: number, out: readonly number[], swap: boolean) => {
    for (let l = 0; l < 4; l++) {
      f.get(pointers[l]!);
      f.load(offset);
      f.set(rows[l]!);
    }
    transpose(f, rows, tmp, out, swap);
  };
  // The four start states, two rows of four words per lane.
  for (let half = 0; half < 2; half++) gather(S, 16 * half, s.slice(4 * half, 4 * half + 4), false);
  f.op(BLOCK, VOID, LOOP, VOID);
  // Message words: each lane's block as four rows, byte-swapped, 16 bytes at a time.
  for (let q = 0; q < 4; q++) gather(D, 16 * q, w.slice(4 * q, 4 * q + 4), true);
  for (let i = 0; i < 8; i++) {
    f.get(s[i]!);
    f.set(saved[i]!);
  }
  rounds(f, s, w, t);
  for (let i = 0; i < 8; i++) {
    f.get(s[i]!);
    f.get(saved[i]!);
    f.xor();
    f.set(s[i]!);
  }
  for (const d of D) {
    f.get(d);
    f.op(I32_CONST, ...sleb(64), I32_ADD);
    f.set(d);
  }
  f.get(N);
  f.op(I32_CONST, 1, I32_SUB);
  f.tee(N);
  f.op(BR_IF, 0, END, END);
  // Digests: the state transposed back into lanes, words big-endian.
  for (let half = 0; half < 2; half++) {
    transpose(f, s.slice(4 * half, 4 * half + 4), tmp, rows, true);
    for (let l = 0; l < 4; l++) {
      f.get(O[l]!);
      f.get(rows[l]!);
      f.store(16 * half);
    }
  }
  return f;
}

function section(id: number, bytes: readonly number[]): number[] {
  return [id, ...uleb(bytes.length), ...bytes];
}

function name(s: string): number[] {
  return [...uleb(s.length), ...Buffer.from(s, "utf8")];
}

/** The module: imports memory "env"."memory", exports "hash4". */
export function sm3x4Module(): Uint8Array {
  const body = hash4Body();
  const fn = [1, ...uleb(body.localCount), V128, ...body.code, END];
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [1, 0x60, PARAMS, ...Array.from({ length: PARAMS }, () => I32), 0]),
    ...section(2, [1, ...name("env"), ...name("memory"), 0x02, 0x00, 0x01]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name("hash4"), 0x00, 0]),
    ...section(10, [1, ...uleb(fn.length), ...fn]),
  ]);
}
