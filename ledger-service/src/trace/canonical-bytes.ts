import { ByteSink } from "./byte-sink.ts";
import { shapeOf, type Row } from "./datasets.ts";

/**
 * The canonical form of a record (datasets.ts) written straight to UTF-8 bytes, which is what the
 * fingerprints hash: the same bytes as encoding `canonicalRecord(row)` (tested), without building
 * the string. Records held as byte ranges of the input (the CSV delivery path) are written from
 * those bytes.
 */
interface ByteShape {
  readonly order: readonly number[];
  /** The members' prefixes (`{"name":`, `,"name":`) in canonical order, UTF-8, concatenated. */
  readonly prefixes: Uint8Array;
  /** End of prefix k in `prefixes`. */
  readonly ends: readonly number[];
}

const NO_OFFSETS = new Int32Array(0);
const byteShapes = new WeakMap<readonly string[], ByteShape>();
const encoder = new TextEncoder();

function byteShapeOf(columns: readonly string[]): ByteShape {
  let s = byteShapes.get(columns);
  if (!s) {
    const { order, prefixes } = shapeOf(columns);
    const parts = prefixes.map((p) => encoder.encode(p));
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    const ends: number[] = [];
    let o = 0;
    for (const p of parts) {
      all.set(p, o);
      o += p.length;
      ends.push(o);
    }
    s = { order, prefixes: all, ends };
    byteShapes.set(columns, s);
  }
  return s;
}

export class CanonicalWriter {
  /** The last record's canonical bytes: `sink.buf[0, sink.len)`. */
  readonly sink = new ByteSink();

  row(row: Row): void {
    this.write(row.columns, row.values, undefined, NO_OFFSETS, NO_OFFSETS);
  }

  /**
   * A record whose value i is the valid UTF-8 text `src[starts[i], ends[i])`, or `replaced[i]`
   * where that is defined.
   */
  fields(
    columns: readonly string[],
    src: Uint8Array,
    starts: Int32Array,
    ends: Int32Array,
    replaced: readonly (string | undefined)[],
  ): void {
    this.write(columns, replaced, src, starts, ends);
  }

  /** Value i is `values[i]` where defined, else the bytes of field i of `src`, else empty. */
  private write(
    columns: readonly string[],
    values: readonly (string | undefined)[],
    src: Uint8Array | undefined,
    starts: Int32Array,
    fieldEnds: Int32Array,
  ): void {
    const { order, prefixes, ends } = byteShapeOf(columns);
    const sink = this.sink;
    sink.len = 0;
    if (order.length === 0) return sink.utf8("{}");
    let from = 0;
    for (let k = 0; k < order.length; k++) {
      sink.bytes(prefixes, from, ends[k]!);
      from = ends[k]!;
      const i = order[k]!;
      const v = values[i];
      if (v !== undefined) sink.jsonString(v);
      else if (src) sink.jsonUtf8(src, starts[i]!, fieldEnds[i]!);
      else sink.jsonString("");
    }
    sink.byte(125);
  }
}
