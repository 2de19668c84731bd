import type { ByteSink } from "./byte-sink.ts";
import { hasLoneSurrogate, type Row } from "./datasets.ts";
import type { HmacStates, Sm3Lanes } from "../../../core/crypto/sm3-lanes.ts";
import {
  FAST,
  formatScaled,
  formatSmall,
  LENIENT,
  NO_BYTES,
  NO_OFFSETS,
  POW10,
  RecordPrf,
  scaledInteger,
  validateSpec,
  variantMap,
  word,
  type Layout,
  type NumberMark,
  type VariantsMark,
  type WatermarkSpec,
} from "./watermark-spec.ts";

/** Embedding the keyed watermark of watermark-spec.ts into a delivery's records. */
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
  readonly stats: EmbedStats = {
    records: 0,
    cellsMarked: 0,
    cellsChanged: 0,
    maxStepsChanged: 0,
    recordsWithoutKey: 0,
  };

  constructor(
    watermarkKey: Uint8Array,
    readonly spec: WatermarkSpec,
  ) {
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
  embedUtf8(
    columns: readonly string[],
    src: Buffer,
    starts: Int32Array,
    ends: Int32Array,
    replaced: (string | undefined)[],
  ): number {
    return this.embedUtf8With(
      this.prf.computeUtf8(src, starts, ends, this.prf.layout(columns)),
      0,
      columns,
      src,
      starts,
      ends,
      replaced,
    );
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
  embedUtf8With(
    r: Uint8Array | undefined,
    rOff: number,
    columns: readonly string[],
    src: Buffer,
    starts: Int32Array,
    ends: Int32Array,
    replaced: (string | undefined)[],
  ): number {
    this.stats.records++;
    if (r === undefined) {
      this.stats.recordsWithoutKey++;
      return 0;
    }
    return this.mark(r, rOff, this.prf.layout(columns), undefined, src, starts, ends, replaced);
  }

  /** Cells are read from `values` when given, else from the byte ranges; changes go to `out`. */
  private mark(
    r: Uint8Array,
    rOff: number,
    layout: Layout,
    values: readonly string[] | undefined,
    src: Buffer,
    starts: Int32Array,
    ends: Int32Array,
    out: (string | undefined)[],
  ): number {
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
        next =
          c.kind === "number"
            ? embedNumber(old, c, bit, (u >> 1) & 1, this.stats)
            : this.variant(c, this.variantMaps[j]!.get(old), bit);
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
    for (const [form, hit] of m)
      if (!hasLoneSurrogate(form)) this.forms.push({ bytes: Buffer.from(form, "utf8"), hit });
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

function withinBounds(c: NumberMark, n: number | bigint): boolean {
  const v = Number(n) / POW10[c.decimals]!;
  return (c.min === undefined || v >= c.min) && (c.max === undefined || v <= c.max);
}

/**
 * The marked text of a cell that is ±mag on its grid (mag < 10^15, spelt with at most `decimals`
 * decimals), or undefined when its parity is already right or no step stays within bounds.
 */
function markOnGrid(
  mag: number,
  negative: boolean,
  c: NumberMark,
  bit: number,
  dir: number,
  stats: EmbedStats,
): string | undefined {
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
function embedNumberUtf8(
  src: Buffer,
  s: number,
  e: number,
  c: NumberMark,
  bit: number,
  dir: number,
  stats: EmbedStats,
): string | undefined {
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
  if (m && (m[3]?.length ?? 0) <= d && m[2]!.length + d <= 15) {
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
