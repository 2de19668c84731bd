import { ByteSink } from "./byte-sink.ts";
import { jsonString, type Row } from "./datasets.ts";
import { HmacSm3 } from "../../../core/crypto/sm3-fast.ts";
import type { HmacStates, Sm3Lanes } from "../../../core/crypto/sm3-lanes.ts";
import { LedgerError } from "../../../core/errors.ts";
import { MIN_MARKED_CELLS } from "../../../core/records/lineage.ts";

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
  /**
   * The fewest cells of the delivery that must carry a bit (marked and readable); a delivery
   * marking fewer is refused before anything is written. At least MIN_MARKED_CELLS (the chain's
   * own floor); default DEFAULT_MIN_MARKED_CELLS.
   */
  readonly minMarkedCells?: number;
}

export const MAX_MARK_COLUMNS = 16;
export const DEFAULT_ALPHA = 1e-9;
/**
 * 50 records with 2 marked columns: the smallest leak the watermark is documented to survive
 * (docs/WATERMARK.md §5), and 50 is the fewest records a trace accepts.
 */
export const DEFAULT_MIN_MARKED_CELLS = 100;

/** A spec error in English (its message) and Chinese (`words`, which `pdl` shows in Chinese). */
const invalid = (en: string, zh: string) => Object.assign(new RangeError(en), { words: { en, zh } });

export function validateSpec(spec: WatermarkSpec): void {
  if (!spec || !Array.isArray(spec.keyColumns) || spec.keyColumns.length === 0)
    throw invalid("a watermark needs at least one key column", "水印须至少有一个键列");
  if (!Array.isArray(spec.columns) || spec.columns.length === 0 || spec.columns.length > MAX_MARK_COLUMNS) {
    throw invalid(`a watermark marks 1 to ${MAX_MARK_COLUMNS} columns`, `水印标记 1 至 ${MAX_MARK_COLUMNS} 列`);
  }
  const names = new Set<string>();
  for (const c of spec.columns) {
    if (spec.keyColumns.includes(c.column))
      throw invalid(`column ${c.column} cannot be both key and marked`, `列 ${c.column} 不能既是键列又是标记列`);
    if (names.has(c.column)) throw invalid(`column ${c.column} is marked twice`, `列 ${c.column} 被标记了两次`);
    names.add(c.column);
    if (c.kind === "number") {
      if (!Number.isInteger(c.decimals) || c.decimals < 0 || c.decimals > 12)
        throw invalid(
          `decimals of ${c.column} must be an integer 0..12`,
          `列 ${c.column} 的小数位数须为 0 至 12 的整数`,
        );
    } else if (c.kind === "variants") {
      const seen = new Set<string>();
      for (const pair of c.variants) {
        if (pair.length !== 2 || pair[0] === pair[1])
          throw invalid(
            `variants of ${c.column} must be pairs of distinct forms`,
            `列 ${c.column} 的变体须为两两不同的成对写法`,
          );
        for (const f of pair) {
          if (seen.has(f))
            throw invalid(
              `form ${JSON.stringify(f)} appears twice in ${c.column}`,
              `写法 ${JSON.stringify(f)} 在列 ${c.column} 中出现了两次`,
            );
          seen.add(f);
        }
      }
    } else {
      const column = (c as MarkColumn).column;
      throw invalid(`unknown mark kind for ${column}`, `列 ${column} 的标记类型未知`);
    }
  }
  const f = spec.fraction ?? 1;
  if (!(f > 0 && f <= 1)) throw invalid("fraction must be in (0, 1]", "fraction 须在 (0, 1] 之内");
  const min = spec.minMarkedCells ?? DEFAULT_MIN_MARKED_CELLS;
  if (!Number.isSafeInteger(min) || min < MIN_MARKED_CELLS)
    throw invalid(
      `minMarkedCells must be a whole number of at least ${MIN_MARKED_CELLS}`,
      `minMarkedCells 须为不小于 ${MIN_MARKED_CELLS} 的整数`,
    );
}

/**
 * Refuses a spec naming a key or marked column that the dataset's `columns` lack: a misspelt
 * column would otherwise mark nothing (or, for a key column, no record) and ship unwatermarked.
 */
export function requireSpecColumns(spec: WatermarkSpec, columns: readonly string[]): void {
  const present = new Set(columns);
  const named = [
    ...spec.keyColumns.map((column) => ({ column, use: "key" })),
    ...spec.columns.map((c) => ({ column: c.column, use: "marked" })),
  ];
  for (const { column, use } of named) {
    if (present.has(column)) continue;
    throw new LedgerError(
      "WATERMARK_COLUMN_MISSING",
      `${use} column ${JSON.stringify(column)} is not among the dataset's columns (${columns.join(", ") || "none"})`,
      { column, use },
    );
  }
}

/** Refuses a delivery whose watermark is readable in fewer cells than the spec's minimum. */
export function requireMarkedCells(spec: WatermarkSpec, markedCells: number): void {
  const limit = spec.minMarkedCells ?? DEFAULT_MIN_MARKED_CELLS;
  if (markedCells >= limit) return;
  throw new LedgerError(
    "WATERMARK_TOO_FEW_CELLS",
    `the watermark is readable in ${markedCells} cells, fewer than the spec's minimum of ${limit} (minMarkedCells)`,
    { markedCells, minimum: limit },
  );
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

export const LENIENT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

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

export function formatScaled(n: bigint, d: number): string {
  const neg = n < 0n;
  let s = (neg ? -n : n).toString();
  if (d > 0) {
    s = s.padStart(d + 1, "0");
    s = `${s.slice(0, s.length - d)}.${s.slice(s.length - d)}`;
  }
  return neg && n !== 0n ? `-${s}` : s;
}

/** formatScaled for |n| < 10^15. */
export function formatSmall(n: number, d: number): string {
  let s = String(n < 0 ? -n : n);
  if (d > 0) {
    if (s.length <= d) s = "0".repeat(d + 1 - s.length) + s;
    s = `${s.slice(0, s.length - d)}.${s.slice(s.length - d)}`;
  }
  return n < 0 ? `-${s}` : s;
}

export const FAST = /^(-?)(\d{1,15})(?:\.(\d{1,12}))?$/;
export const POW10 = Array.from({ length: 28 }, (_, i) => 10 ** i);

// ---------------------------------------------------------------------------------------------
// Keyed per-record randomness

export interface Layout {
  readonly key: number[];
  readonly marks: number[];
}

export const NO_BYTES = Buffer.alloc(0);
export const NO_OFFSETS = new Int32Array(0);

export class RecordPrf {
  private readonly hmac: HmacSm3;
  private readonly layouts = new WeakMap<readonly string[], Layout>();
  private readonly scratch = new ByteSink(256);
  readonly r = new Uint8Array(32);

  constructor(
    private readonly key: Uint8Array,
    private readonly spec: WatermarkSpec,
  ) {
    this.hmac = new HmacSm3(key);
  }

  layout(columns: readonly string[]): Layout {
    let l = this.layouts.get(columns);
    if (!l) {
      l = {
        key: this.spec.keyColumns.map((c) => columns.indexOf(c)),
        marks: this.spec.columns.map((c) => columns.indexOf(c.column)),
      };
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

  private computeKey(
    layout: Layout,
    values: readonly string[] | undefined,
    src: Buffer,
    starts: Int32Array,
    ends: Int32Array,
  ): Uint8Array | undefined {
    this.scratch.len = 0;
    return this.writeKey(layout, values, src, starts, ends, this.scratch) ? this.mac() : undefined;
  }

  /**
   * Appends the PRF input of a record to `sink`, its key values from `values` when given, else
   * from the byte ranges; false when a key column is missing.
   */
  writeKey(
    layout: Layout,
    values: readonly string[] | undefined,
    src: Buffer,
    starts: Int32Array,
    ends: Int32Array,
    sink: ByteSink,
  ): boolean {
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
export function plainKeyUtf8(src: Uint8Array, s: number, e: number): boolean {
  if (e <= s) return false;
  const c0 = src[s]!;
  const last = src[e - 1]!;
  return ((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122)) && last > 32 && last < 0x80;
}

export function word(r: Uint8Array, j: number, off = 0): number {
  return (r[off + 2 * j]! << 8) | r[off + 2 * j + 1]!;
}

/** The [form for bit 0, form for bit 1] of each declared text form of a variants column. */
export function variantMap(c: VariantsMark): Map<string, [number, number]> {
  const m = new Map<string, [number, number]>();
  c.variants.forEach((pair, i) => {
    m.set(pair[0], [i, 0]);
    m.set(pair[1], [i, 1]);
  });
  return m;
}
