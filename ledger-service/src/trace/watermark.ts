import { ByteSink } from "./byte-sink.ts";
import { hasLoneSurrogate, jsonString, type Row } from "./records.ts";
import { HmacSm3 } from "../../../core/crypto/sm3-fast.ts";
import type { HmacStates, Sm3Lanes } from "./sm3-lanes.ts";

/**
 * Per-delivery keyed watermark for tabular records (design and threat model: docs/WATERMARK.md).
 *
 * Each record gets a 256-bit keyed value r = HMAC-SM3(watermarkKey, K), where K is the UTF-8
 * RFC 8785 JSON array of the record's key-column values (normalised: trimmed; decimal numbers in
 * canonical form, so "007", "7" and 7.0 are one key). Marked column j (j < 16, in spec order)
 * uses the 16-bit word u_j = r[2j]‖r[2j+1]: bit b = u_j & 1, direction = (u_j >> 1) & 1, and
 * the cell is marked when (u_j >> 2) < fraction · 2^14.
 *
 * - "number" columns with `decimals` d: the value, as an integer n on the grid 10^-d, is set to
 *   the parity b by moving it one grid step (in the keyed direction, or the other one when a
 *   declared bound would be crossed). A value already on the grid changes by at most 10^-d and
 *   only when its parity was wrong (half the marked cells); a value with more decimals is first
 *   rounded to the grid (change ≤ 1.5 · 10^-d).
 * - "variants" columns: declared pairs of equivalent text forms; the form with index b is chosen.
 *
 * Detection recomputes b for every (record, marked column) cell it can read and counts matches.
 * For data not marked with this key each match is an independent fair coin (b is a PRF output
 * unknown to whoever produced the data), so the number of matches is Binomial(total, 1/2): the
 * p-value is the exact binomial tail and the decision threshold is the smallest t with
 * P(Bin(total, 1/2) ≥ t) ≤ alpha / comparisons.
 */
export interface NumberMark {
  readonly column: string;
  readonly kind: "number";
  /** Grid 10^-decimals; the declared tolerance is one grid step. */
  readonly decimals: number;
  readonly min?: number;
  readonly max?: number;
}

export interface VariantsMark {
  readonly column: string;
  readonly kind: "variants";
  /** Pairs of equivalent forms [form for bit 0, form for bit 1]. */
  readonly variants: readonly (readonly [string, string])[];
}

export type MarkColumn = NumberMark | VariantsMark;

export interface WatermarkSpec {
  /** Columns that identify a record (primary key or stable "virtual key"); never marked. */
  readonly keyColumns: readonly string[];
  readonly columns: readonly MarkColumn[];
  /** Share of cells marked, (0, 1]; default 1. */
  readonly fraction?: number;
}

export const MAX_MARK_COLUMNS = 16;
export const DEFAULT_ALPHA = 1e-9;

export function validateSpec(spec: WatermarkSpec): void {
  if (!spec || !Array.isArray(spec.keyColumns) || spec.keyColumns.length === 0) throw new RangeError("a watermark needs at least one key column");
  if (!Array.isArray(spec.columns) || spec.columns.length === 0 || spec.columns.length > MAX_MARK_COLUMNS) {
    throw new RangeError(`a watermark marks 1 to ${MAX_MARK_COLUMNS} columns`);
  }
  const names = new Set<string>();
  for (const c of spec.columns) {
    if (spec.keyColumns.includes(c.column)) throw new RangeError(`column ${c.column} cannot be both key and marked`);
    if (names.has(c.column)) throw new RangeError(`column ${c.column} is marked twice`);
    names.add(c.column);
    if (c.kind === "number") {
      if (!Number.isInteger(c.decimals) || c.decimals < 0 || c.decimals > 12) throw new RangeError(`decimals of ${c.column} must be an integer 0..12`);
    } else if (c.kind === "variants") {
      const seen = new Set<string>();
      for (const pair of c.variants) {
        if (pair.length !== 2 || pair[0] === pair[1]) throw new RangeError(`variants of ${c.column} must be pairs of distinct forms`);
        for (const f of pair) {
          if (seen.has(f)) throw new RangeError(`form ${JSON.stringify(f)} appears twice in ${c.column}`);
          seen.add(f);
        }
      }
    } else {
      throw new RangeError(`unknown mark kind for ${(c as MarkColumn).column}`);
    }
  }
  const f = spec.fraction ?? 1;
  if (!(f > 0 && f <= 1)) throw new RangeError("fraction must be in (0, 1]");
}

// ---------------------------------------------------------------------------------------------
// Decimal helpers

const DECIMAL = /^[+-]?\d+(?:\.\d+)?$/;

/** Key-value normalisation: trimmed; a plain decimal number in canonical form ("-0" → "0"). */
export function normaliseKeyValue(v: string): string {
  const c0 = v.charCodeAt(0);
  // Fast path: starts with a letter other than e/E and has no surrounding blanks (not a number).
  if (((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122)) && v.charCodeAt(v.length - 1) > 32) return v;
  const t = v.trim();
  if (!DECIMAL.test(t)) return t;
  let sign = "";
  let s = t;
  if (s[0] === "+" || s[0] === "-") {
    sign = s[0] === "-" ? "-" : "";
    s = s.slice(1);
  }
  const dot = s.indexOf(".");
  let int = dot < 0 ? s : s.slice(0, dot);
  let frac = dot < 0 ? "" : s.slice(dot + 1);
  int = int.replace(/^0+(?=\d)/, "");
  frac = frac.replace(/0+$/, "");
  const out = frac.length > 0 ? `${int}.${frac}` : int;
  return out === "0" ? "0" : sign + out;
}

const LENIENT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** round(value · 10^d) of a decimal text (exponent allowed), or undefined when not a number. */
export function scaledInteger(text: string, d: number): bigint | undefined {
  const m = LENIENT.exec(text.trim());
  if (!m) return undefined;
  const int = m[2] ?? "";
  const frac = m[3] ?? "";
  if (int.length === 0 && frac.length === 0) return undefined;
  const exp = m[4] ? Number(m[4]) : 0;
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > 4000) return undefined;
  let digits = BigInt((int || "0") + frac);
  // value = digits · 10^(exp - frac.length); want round(value · 10^d)
  const shift = exp - frac.length + d;
  if (shift >= 0) digits *= 10n ** BigInt(shift);
  else {
    const div = 10n ** BigInt(-shift);
    const q = digits / div;
    const r = digits % div;
    digits = r * 2n >= div ? q + 1n : q;
  }
  return m[1] === "-" ? -digits : digits;
}

function formatScaled(n: bigint, d: number): string {
  const neg = n < 0n;
  let s = (neg ? -n : n).toString();
  if (d > 0) {
    s = s.padStart(d + 1, "0");
    s = `${s.slice(0, s.length - d)}.${s.slice(s.length - d)}`;
  }
  return neg && n !== 0n ? `-${s}` : s;
}

/** formatScaled for |n| < 10^15. */
function formatSmall(n: number, d: number): string {
  let s = String(n < 0 ? -n : n);
  if (d > 0) {
    if (s.length <= d) s = "0".repeat(d + 1 - s.length) + s;
    s = `${s.slice(0, s.length - d)}.${s.slice(s.length - d)}`;
  }
  return n < 0 ? `-${s}` : s;
}

const FAST = /^(-?)(\d{1,15})(?:\.(\d{1,12}))?$/;
const POW10 = Array.from({ length: 28 }, (_, i) => 10 ** i);

// ---------------------------------------------------------------------------------------------
// Keyed per-record randomness

interface Layout {
  readonly key: number[];
  readonly marks: number[];
}

const NO_BYTES = Buffer.alloc(0);
const NO_OFFSETS = new Int32Array(0);

class RecordPrf {
  private readonly hmac: HmacSm3;
  private readonly layouts = new WeakMap<readonly string[], Layout>();
  private readonly scratch = new ByteSink(256);
  readonly r = new Uint8Array(32);

  constructor(private readonly key: Uint8Array, private readonly spec: WatermarkSpec) {
    this.hmac = new HmacSm3(key);
  }

  layout(columns: readonly string[]): Layout {
    let l = this.layouts.get(columns);
    if (!l) {
      l = { key: this.spec.keyColumns.map((c) => columns.indexOf(c)), marks: this.spec.columns.map((c) => columns.indexOf(c.column)) };
      this.layouts.set(columns, l);
    }
    return l;
  }

  /** The PRF input text of a row (undefined when a key column is missing). */
  keyText(row: Row, layout: Layout): string | undefined {
    let s = "[";
    for (let i = 0; i < layout.key.length; i++) {
      const idx = layout.key[i]!;
      if (idx < 0) return undefined;
      const v = normaliseKeyValue(row.values[idx]!);
      s += (i === 0 ? "" : ",") + jsonString(v);
    }
    return s + "]";
  }

  /** Computes r for the key text into `this.r`. */
  compute(keyText: string): Uint8Array {
    this.scratch.len = 0;
    this.scratch.utf8(keyText);
    return this.mac();
  }

  /** r of a row, from its key values written as bytes (undefined when a key column is missing). */
  computeRow(row: Row, layout: Layout): Uint8Array | undefined {
    return this.computeKey(layout, row.values, NO_BYTES, NO_OFFSETS, NO_OFFSETS);
  }

  /** r of a record held as UTF-8 field ranges of `src`: the same bytes as `computeRow`. */
  computeUtf8(src: Buffer, starts: Int32Array, ends: Int32Array, layout: Layout): Uint8Array | undefined {
    return this.computeKey(layout, undefined, src, starts, ends);
  }

  private computeKey(layout: Layout, values: readonly string[] | undefined, src: Buffer, starts: Int32Array, ends: Int32Array): Uint8Array | undefined {
    this.scratch.len = 0;
    return this.writeKey(layout, values, src, starts, ends, this.scratch) ? this.mac() : undefined;
  }

  /**
   * Appends the PRF input of a record to `sink`, its key values from `values` when given, else
   * from the byte ranges; false when a key column is missing.
   */
  writeKey(layout: Layout, values: readonly string[] | undefined, src: Buffer, starts: Int32Array, ends: Int32Array, sink: ByteSink): boolean {
    sink.byte(91);
    for (let i = 0; i < layout.key.length; i++) {
      const idx = layout.key[i]!;
      if (idx < 0) return false;
      if (i > 0) sink.byte(44);
      if (values) sink.jsonString(normaliseKeyValue(values[idx]!));
      else if (plainKeyUtf8(src, starts[idx]!, ends[idx]!)) sink.jsonUtf8(src, starts[idx]!, ends[idx]!);
      else sink.jsonString(normaliseKeyValue(src.toString("utf8", starts[idx]!, ends[idx]!)));
    }
    sink.byte(93);
    return true;
  }

  /** This PRF's HMAC key as start states of `lanes`. */
  hmacStates(lanes: Sm3Lanes): HmacStates {
    return lanes.hmacStates(this.key);
  }

  private mac(): Uint8Array {
    this.hmac.macInto(this.scratch.buf, this.scratch.len, this.r, 0);
    return this.r;
  }
}

/** Whether `normaliseKeyValue` keeps the text as it is by its fast path (ASCII letter first, no trailing blank). */
function plainKeyUtf8(src: Uint8Array, s: number, e: number): boolean {
  if (e <= s) return false;
  const c0 = src[s]!;
  const last = src[e - 1]!;
  return ((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122)) && last > 32 && last < 0x80;
}

function word(r: Uint8Array, j: number, off = 0): number {
  return (r[off + 2 * j]! << 8) | r[off + 2 * j + 1]!;
}

// ---------------------------------------------------------------------------------------------
// Embedding

export interface EmbedStats {
  records: number;
  /** Cells that carry a bit (marked and readable). */
  cellsMarked: number;
  /** Cells whose text changed. */
  cellsChanged: number;
  /** Largest |new − old| over number cells, in units of each column's grid step. */
  maxStepsChanged: number;
  /** Records without all key columns: left unmarked. */
  recordsWithoutKey: number;
}

export class WatermarkEmbedder {
  private readonly prf: RecordPrf;
  private readonly selectBelow: number;
  private readonly variantMaps: (Map<string, [number, number]> | undefined)[];
  /** The same maps keyed by the latin1 reading of each form's UTF-8 bytes (byte-level records). */
  private readonly byteVariantMaps: (FormLookup | undefined)[];
  readonly stats: EmbedStats = { records: 0, cellsMarked: 0, cellsChanged: 0, maxStepsChanged: 0, recordsWithoutKey: 0 };

  constructor(watermarkKey: Uint8Array, readonly spec: WatermarkSpec) {
    validateSpec(spec);
    this.prf = new RecordPrf(watermarkKey, spec);
    this.selectBelow = Math.round((spec.fraction ?? 1) * 16384);
    this.variantMaps = spec.columns.map((c) => (c.kind === "variants" ? variantMap(c) : undefined));
    this.byteVariantMaps = this.variantMaps.map((m) => (m ? new FormLookup(m) : undefined));
  }

  /** Marks the row in place; returns the number of cells changed. */
  embed(row: Row): number {
    this.stats.records++;
    const layout = this.prf.layout(row.columns);
    const r = this.prf.computeRow(row, layout);
    if (r === undefined) {
      this.stats.recordsWithoutKey++;
      return 0;
    }
    return this.mark(r, 0, layout, row.values, NO_BYTES, NO_OFFSETS, NO_OFFSETS, row.values);
  }

  /**
   * Marks a record whose value i is the valid UTF-8 text `src[starts[i], ends[i])`, with the same
   * decisions and statistics as `embed` on its decoded row: `replaced[i]` is set to the new text
   * of each changed cell and left as it is elsewhere (the caller clears it between records).
   * Returns the number of cells changed.
   */
  embedUtf8(columns: readonly string[], src: Buffer, starts: Int32Array, ends: Int32Array, replaced: (string | undefined)[]): number {
    return this.embedUtf8With(this.prf.computeUtf8(src, starts, ends, this.prf.layout(columns)), 0, columns, src, starts, ends, replaced);
  }

  /**
   * Writes the PRF input of a record held as UTF-8 field ranges to `sink` (to compute r
   * elsewhere, many records at a time); false when it lacks a key column.
   */
  keyUtf8(columns: readonly string[], src: Buffer, starts: Int32Array, ends: Int32Array, sink: ByteSink): boolean {
    return this.prf.writeKey(this.prf.layout(columns), undefined, src, starts, ends, sink);
  }

  /** The watermark key as start states of `lanes`, for computing r = HMAC-SM3(key, PRF input). */
  hmacStates(lanes: Sm3Lanes): HmacStates {
    return this.prf.hmacStates(lanes);
  }

  /**
   * `embedUtf8` given the record's r at `r[rOff, rOff+32)`, computed from what `keyUtf8` wrote,
   * or undefined when that returned false.
   */
  embedUtf8With(r: Uint8Array | undefined, rOff: number, columns: readonly string[], src: Buffer, starts: Int32Array, ends: Int32Array, replaced: (string | undefined)[]): number {
    this.stats.records++;
    if (r === undefined) {
      this.stats.recordsWithoutKey++;
      return 0;
    }
    return this.mark(r, rOff, this.prf.layout(columns), undefined, src, starts, ends, replaced);
  }

  /** Cells are read from `values` when given, else from the byte ranges; changes go to `out`. */
  private mark(r: Uint8Array, rOff: number, layout: Layout, values: readonly string[] | undefined, src: Buffer, starts: Int32Array, ends: Int32Array, out: (string | undefined)[]): number {
    let changed = 0;
    const cols = this.spec.columns;
    for (let j = 0; j < cols.length; j++) {
      const idx = layout.marks[j]!;
      if (idx < 0) continue;
      const u = word(r, j, rOff);
      if (u >> 2 >= this.selectBelow) continue;
      const bit = u & 1;
      const c = cols[j]!;
      let next: string | undefined;
      if (values) {
        const old = values[idx]!;
        next = c.kind === "number" ? embedNumber(old, c, bit, (u >> 1) & 1, this.stats) : this.variant(c, this.variantMaps[j]!.get(old), bit);
        if (next === old) next = undefined;
      } else if (c.kind === "number") {
        next = embedNumberUtf8(src, starts[idx]!, ends[idx]!, c, bit, (u >> 1) & 1, this.stats);
      } else {
        next = this.variant(c, this.byteVariantMaps[j]!.find(src, starts[idx]!, ends[idx]!), bit);
      }
      if (next !== undefined) {
        out[idx] = next;
        changed++;
      }
    }
    this.stats.cellsChanged += changed;
    return changed;
  }

  /** The form a variants cell takes, or undefined when it carries no bit or already has the right form. */
  private variant(c: VariantsMark, hit: [number, number] | undefined, bit: number): string | undefined {
    if (!hit) return undefined;
    this.stats.cellsMarked++;
    return hit[1] !== bit ? c.variants[hit[0]]![bit] : undefined;
  }
}

/**
 * Which declared form a cell's UTF-8 bytes spell: by comparing bytes when the forms are few, else
 * through a map keyed by the latin1 reading of the bytes. Forms with a lone surrogate are left
 * out: no decoded UTF-8 text equals them, while their UTF-8 encoding (with U+FFFD) could equal a
 * real cell.
 */
class FormLookup {
  private readonly forms: { readonly bytes: Buffer; readonly hit: [number, number] }[] = [];
  private readonly map: Map<string, [number, number]> | undefined;

  constructor(m: Map<string, [number, number]>) {
    for (const [form, hit] of m) if (!hasLoneSurrogate(form)) this.forms.push({ bytes: Buffer.from(form, "utf8"), hit });
    this.map = this.forms.length > 8 ? new Map(this.forms.map((f) => [f.bytes.toString("latin1"), f.hit])) : undefined;
  }

  find(src: Buffer, s: number, e: number): [number, number] | undefined {
    if (this.map) return this.map.get(src.toString("latin1", s, e));
    const len = e - s;
    for (const { bytes, hit } of this.forms) {
      if (bytes.length !== len) continue;
      let i = 0;
      while (i < len && bytes[i] === src[s + i]) i++;
      if (i === len) return hit;
    }
    return undefined;
  }
}

function variantMap(c: VariantsMark): Map<string, [number, number]> {
  const m = new Map<string, [number, number]>();
  c.variants.forEach((pair, i) => {
    m.set(pair[0], [i, 0]);
    m.set(pair[1], [i, 1]);
  });
  return m;
}

function withinBounds(c: NumberMark, n: number | bigint): boolean {
  const v = Number(n) / POW10[c.decimals]!;
  return (c.min === undefined || v >= c.min) && (c.max === undefined || v <= c.max);
}

/**
 * The marked text of a cell that is ±mag on its grid (mag < 10^15, spelt with at most `decimals`
 * decimals), or undefined when its parity is already right or no step stays within bounds.
 */
function markOnGrid(mag: number, negative: boolean, c: NumberMark, bit: number, dir: number, stats: EmbedStats): string | undefined {
  const n = negative ? -mag : mag;
  stats.cellsMarked++;
  if ((mag & 1) === bit) return undefined;
  let next = dir === 1 ? n + 1 : n - 1;
  if (!withinBounds(c, next)) next = dir === 1 ? n - 1 : n + 1;
  if (!withinBounds(c, next)) return undefined;
  if (stats.maxStepsChanged < 1) stats.maxStepsChanged = 1;
  return formatSmall(next, c.decimals);
}

/**
 * `embedNumber` of the valid UTF-8 text `src[s, e)`, or undefined when that returns the text
 * unchanged. The spellings that `FAST` accepts (within the same limits) are read from the bytes.
 */
function embedNumberUtf8(src: Buffer, s: number, e: number, c: NumberMark, bit: number, dir: number, stats: EmbedStats): string | undefined {
  const d = c.decimals;
  let i = s;
  const negative = i < e && src[i] === 45;
  if (negative) i++;
  let mag = 0;
  const intStart = i;
  for (let ch = src[i]!; i < e && ch >= 48 && ch <= 57; ch = src[++i]!) mag = mag * 10 + (ch - 48);
  const intLen = i - intStart;
  let fracLen = 0;
  if (i < e && src[i] === 46) {
    const fracStart = ++i;
    for (let ch = src[i]!; i < e && ch >= 48 && ch <= 57; ch = src[++i]!) mag = mag * 10 + (ch - 48);
    fracLen = i - fracStart;
    if (fracLen === 0) i = -1;
  }
  if (i === e && intLen >= 1 && intLen <= 15 && fracLen <= 12 && fracLen <= d && intLen + d <= 15) {
    return markOnGrid(mag * POW10[d - fracLen]!, negative, c, bit, dir, stats);
  }
  const old = src.toString("utf8", s, e);
  const next = embedNumber(old, c, bit, dir, stats);
  return next === old ? undefined : next;
}

/** The marked text of a number cell, or undefined when the cell is not a number (left as is). */
function embedNumber(text: string, c: NumberMark, bit: number, dir: number, stats: EmbedStats): string | undefined {
  const d = c.decimals;
  const m = FAST.exec(text);
  if (m && (m[3]?.length ?? 0) <= d && (m[2]!.length + d) <= 15) {
    const frac = m[3] ?? "";
    return markOnGrid(Number(m[2]! + frac) * POW10[d - frac.length]!, m[1] === "-", c, bit, dir, stats);
  }
  // General path: other spellings, more decimals than the grid, or very long numbers.
  if (!LENIENT.test(text.trim()) || text.trim() !== text) return undefined;
  const n = scaledInteger(text, d);
  if (n === undefined) return undefined;
  stats.cellsMarked++;
  let next = n;
  if (Number((n < 0n ? -n : n) & 1n) !== bit) {
    next = dir === 1 ? n + 1n : n - 1n;
    if (!withinBounds(c, next)) next = dir === 1 ? n - 1n : n + 1n;
    if (!withinBounds(c, next)) return undefined;
  }
  const out = formatScaled(next, d);
  // Exact change in grid steps, for the tolerance statistics.
  const before = scaledInteger(text, d + 6)!;
  const after = next * 1_000_000n;
  const steps = Number(before > after ? before - after : after - before) / 1e6;
  if (steps > stats.maxStepsChanged) stats.maxStepsChanged = steps;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Binomial tail (fair coin), exact

const EXACT_MAX_N = 4096;

function rationalOf(x: number): [bigint, bigint] {
  // Every finite double is m · 2^e exactly.
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError("alpha must be a positive finite number");
  let e = 0;
  let m = x;
  while (!Number.isInteger(m)) {
    m *= 2;
    e++;
  }
  return [BigInt(m), 1n << BigInt(e)];
}

function bigRatioToNumber(num: bigint, den: bigint): number {
  if (num === 0n) return 0;
  const shift = BigInt(den.toString(2).length - num.toString(2).length + 64);
  const q = shift >= 0n ? (num << shift) / den : num / (den << -shift);
  return Number(q) * 2 ** -Number(shift);
}

/** Cumulative upper tails S[k] = Σ_{i ≥ k} C(n, i), k = 0..n+1. */
function upperTailSums(n: number): bigint[] {
  const c = new Array<bigint>(n + 1);
  c[0] = 1n;
  for (let i = 0; i < n; i++) c[i + 1] = (c[i]! * BigInt(n - i)) / BigInt(i + 1);
  const s = new Array<bigint>(n + 2);
  s[n + 1] = 0n;
  for (let k = n; k >= 0; k--) s[k] = s[k + 1]! + c[k]!;
  return s;
}

const tailCache = new Map<number, bigint[]>();

function sums(n: number): bigint[] {
  let s = tailCache.get(n);
  if (!s) {
    s = upperTailSums(n);
    if (tailCache.size > 256) tailCache.clear();
    tailCache.set(n, s);
  }
  return s;
}

function klBound(n: number, k: number): number {
  // Chernoff: P(X ≥ k) ≤ exp(−n · D(k/n ‖ 1/2)) for k ≥ n/2.
  if (k <= n / 2) return 1;
  if (k > n) return 0;
  const a = k / n;
  const d = a * Math.log(2 * a) + (a < 1 ? (1 - a) * Math.log(2 * (1 - a)) : 0);
  return Math.exp(-n * d);
}

/**
 * P(Bin(n, 1/2) ≥ k). Exact (rational arithmetic, rounded once to a double) for n ≤ 4096; above
 * that the Chernoff–KL upper bound, which is conservative.
 */
export function binomialTailHalf(n: number, k: number): number {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(k)) throw new RangeError("n and k must be integers, n ≥ 0");
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (n > EXACT_MAX_N) return klBound(n, k);
  return bigRatioToNumber(sums(n)[k]!, 1n << BigInt(n));
}

/**
 * The smallest t with P(Bin(n, 1/2) ≥ t) ≤ alpha (decided exactly in rational arithmetic for
 * n ≤ 4096); n + 1 when even t = n is too likely (too few bits to decide at that level).
 */
export function decisionThreshold(n: number, alpha: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError("n must be an integer ≥ 0");
  const [an, ad] = rationalOf(alpha);
  if (n > EXACT_MAX_N) {
    let lo = Math.floor(n / 2);
    let hi = n + 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (klBound(n, mid) <= alpha) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
  const s = sums(n);
  const scaled = an << BigInt(n); // alpha · 2^n · ad
  let t = n + 1;
  for (let k = n; k >= 0; k--) {
    if (s[k]! * ad <= scaled) t = k;
    else break;
  }
  return t;
}

/** The fewest marked cells for which a perfect match can reach `alpha` (2^-n ≤ alpha). */
export function minimumCellsFor(alpha: number): number {
  return Math.ceil(-Math.log2(alpha));
}

// ---------------------------------------------------------------------------------------------
// Detection

export interface DetectOptions {
  /** Bound on the probability of a false attribution over all comparisons; default 1e-9. */
  readonly alpha?: number;
  /** Number of candidate deliveries tested against the same data (Bonferroni); default 1. */
  readonly comparisons?: number;
}

export interface DetectionResult {
  /** Distinct records (by key) read. */
  readonly records: number;
  /** Cells that carry a bit under this key and could be read. */
  readonly total: number;
  /** Cells whose bit matches this key. */
  readonly matched: number;
  /** matched / total (0 when total = 0). */
  readonly score: number;
  /** P(Bin(total, 1/2) ≥ matched): probability that unmarked data scores this well. */
  readonly pValue: number;
  /** Per-comparison level alpha / comparisons. */
  readonly level: number;
  /** Matches needed for a decision at `level`. */
  readonly threshold: number;
  /** Whether the data carries this watermark (matched ≥ threshold). */
  readonly detected: boolean;
  /** Whether pValue and threshold are exact (total ≤ 4096) or from the Chernoff bound. */
  readonly exact: boolean;
}

/** Counts matching bits of one delivery's watermark over a set of rows (any order, any shape). */
export class WatermarkDetector {
  private readonly prf: RecordPrf;
  private readonly selectBelow: number;
  private readonly variantMaps: (Map<string, [number, number]> | undefined)[];
  private readonly seen = new Set<string>();
  private matched = 0;
  private total = 0;

  constructor(watermarkKey: Uint8Array, readonly spec: WatermarkSpec) {
    validateSpec(spec);
    this.prf = new RecordPrf(watermarkKey, spec);
    this.selectBelow = Math.round((spec.fraction ?? 1) * 16384);
    this.variantMaps = spec.columns.map((c) => (c.kind === "variants" ? variantMap(c) : undefined));
  }

  add(row: Row): void {
    const layout = this.prf.layout(row.columns);
    const keyText = this.prf.keyText(row, layout);
    if (keyText === undefined || this.seen.has(keyText)) return;
    this.seen.add(keyText);
    const r = this.prf.compute(keyText);
    const cols = this.spec.columns;
    for (let j = 0; j < cols.length; j++) {
      const idx = layout.marks[j]!;
      if (idx < 0) continue;
      const u = word(r, j);
      if (u >> 2 >= this.selectBelow) continue;
      const bit = u & 1;
      const c = cols[j]!;
      const text = row.values[idx]!;
      let observed: number | undefined;
      if (c.kind === "number") {
        const n = scaledInteger(text, c.decimals);
        if (n !== undefined) observed = Number((n < 0n ? -n : n) & 1n);
      } else {
        observed = this.variantMaps[j]!.get(text.trim())?.[1];
      }
      if (observed === undefined) continue;
      this.total++;
      if (observed === bit) this.matched++;
    }
  }

  result(options: DetectOptions = {}): DetectionResult {
    const level = (options.alpha ?? DEFAULT_ALPHA) / Math.max(1, options.comparisons ?? 1);
    const threshold = decisionThreshold(this.total, level);
    return {
      records: this.seen.size,
      total: this.total,
      matched: this.matched,
      score: this.total === 0 ? 0 : this.matched / this.total,
      pValue: binomialTailHalf(this.total, this.matched),
      level,
      threshold,
      detected: this.total > 0 && this.matched >= threshold,
      exact: this.total <= EXACT_MAX_N,
    };
  }
}

export function detectWatermark(rows: Iterable<Row>, watermarkKey: Uint8Array, spec: WatermarkSpec, options: DetectOptions = {}): DetectionResult {
  const d = new WatermarkDetector(watermarkKey, spec);
  for (const r of rows) d.add(r);
  return d.result(options);
}
