import type { DetectionResult } from "../../../core/trace-report.ts";
import type { Row } from "./datasets.ts";
import {
  RecordPrf,
  scaledInteger,
  validateSpec,
  variantMap,
  word,
  DEFAULT_ALPHA,
  type WatermarkSpec,
} from "./watermark-spec.ts";

/** Detecting the keyed watermark of watermark-spec.ts in records, with an exact binomial test. */
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

/** Counts matching bits of one delivery's watermark over a set of rows (any order, any shape). */
export class WatermarkDetector {
  private readonly prf: RecordPrf;
  private readonly selectBelow: number;
  private readonly variantMaps: (Map<string, [number, number]> | undefined)[];
  private readonly seen = new Set<string>();
  private matched = 0;
  private total = 0;

  constructor(
    watermarkKey: Uint8Array,
    readonly spec: WatermarkSpec,
  ) {
    validateSpec(spec);
    this.prf = new RecordPrf(watermarkKey, spec);
    this.selectBelow = Math.round((spec.fraction ?? 1) * 16384);
    this.variantMaps = spec.columns.map((c) => (c.kind === "variants" ? variantMap(c) : undefined));
  }

  /**
   * Reads the row's bits; returns how many cells of it carry a readable bit under this key, or
   * −1 for a row without its key columns or whose key was already read (each key counts once).
   */
  add(row: Row): number {
    const layout = this.prf.layout(row.columns);
    const keyText = this.prf.keyText(row, layout);
    if (keyText === undefined || this.seen.has(keyText)) return -1;
    this.seen.add(keyText);
    let read = 0;
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
      read++;
      this.total++;
      if (observed === bit) this.matched++;
    }
    return read;
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

export function detectWatermark(
  rows: Iterable<Row>,
  watermarkKey: Uint8Array,
  spec: WatermarkSpec,
  options: DetectOptions = {},
): DetectionResult {
  const d = new WatermarkDetector(watermarkKey, spec);
  for (const r of rows) d.add(r);
  return d.result(options);
}
