import { ByteSink } from "../byte-sink.ts";
import { CanonicalWriter } from "../canonical-bytes.ts";
import { CsvByteScanner, NEED_INPUT, ROW } from "../csv-scan.ts";
import type { DeliveryHashes } from "./delivery-hashes.ts";
import { RecordParser, type Format, type Row, type RecordWriter } from "../datasets.ts";
import { paddedBlocks, Sm3Lanes, type HmacStates } from "../../../../core/crypto/sm3-lanes.ts";
import type { WatermarkEmbedder } from "../watermark-embed.ts";

/**
 * The per-record work of a delivery, fed with the input file's bytes as they stream in: each
 * record is watermarked, written to the recipient's copy and hashed as written.
 *
 * CSV to CSV, the common case, works on the bytes (`CsvByteScanner`): a record's unchanged cells
 * go from the input buffer to the output and canonical bytes without becoming strings, which is
 * most of the pipeline's cost otherwise (garbage collection of the per-record strings above all).
 * Every other case, and the CSV records the scanner hands back as text, goes through `Row`s.
 * Both give the same bytes for the same records (tested).
 *
 * On the bytes path the watermark PRF of all the records of a chunk is computed first, four at
 * a time (`Sm3Lanes`), then the records are marked in order; rows compute theirs one by one.
 */
export interface RecordMarker {
  /** Marks every complete record of the input so far (`end` with the last chunk, possibly empty). */
  push(chunk: Buffer, end: boolean): void;
}

interface Stages {
  readonly embedder: WatermarkEmbedder;
  readonly writer: RecordWriter;
  readonly hashes: DeliveryHashes;
}

/** `lanes: false` computes the watermark PRF record by record even where SIMD is available. */
export function recordMarker(format: Format, outputFormat: Format, stages: Stages, lanes = true): RecordMarker {
  return format === "csv" && outputFormat === "csv" ? new CsvBytesMarker(stages, lanes) : new RowMarker(format, stages);
}

function markRow(row: Row, stages: Stages, canonical: CanonicalWriter): void {
  const changed = stages.embedder.embed(row);
  stages.writer.add(row);
  canonical.row(row);
  stages.hashes.add(canonical.sink.buf, canonical.sink.len, changed);
}

class RowMarker implements RecordMarker {
  private readonly parser: RecordParser;
  private readonly canonical = new CanonicalWriter();

  constructor(
    format: Format,
    private readonly stages: Stages,
  ) {
    this.parser = new RecordParser(format);
  }

  push(chunk: Buffer, end: boolean): void {
    for (const row of this.parser.push(end && chunk.length === 0 ? undefined : chunk, end))
      markRow(row, this.stages, this.canonical);
  }
}

/**
 * The records of one pushed chunk, kept until they are marked: FIELDS records as the field
 * ranges (n starts, then n ends, per record), ROW records as rows.
 */
class ChunkRecords {
  count = 0;
  rows: (Row | undefined)[] = [];
  offsets: Int32Array = new Int32Array(1 << 16);
  /** Where each record's r is in the PRF lanes' memory; −1 when it has no key (or is a ROW). */
  prfAt: Int32Array = new Int32Array(1 << 12);

  clear(): void {
    this.count = 0;
    this.rows.length = 0;
  }

  add(row: Row | undefined, starts: Int32Array, ends: Int32Array, n: number): void {
    const k = this.count++;
    if (this.prfAt.length < this.count) this.prfAt = grown(this.prfAt, this.count);
    this.prfAt[k] = -1;
    this.rows[k] = row;
    if (row) return;
    if (this.offsets.length < this.count * 2 * n) this.offsets = grown(this.offsets, this.count * 2 * n);
    const o = this.offsets;
    const base = 2 * n * k;
    for (let i = 0; i < n; i++) {
      o[base + i] = starts[i]!;
      o[base + n + i] = ends[i]!;
    }
  }

  /** Loads record k's field ranges into `starts` and `ends`. */
  load(k: number, n: number, starts: Int32Array, ends: Int32Array): void {
    const o = this.offsets;
    const base = 2 * n * k;
    for (let i = 0; i < n; i++) {
      starts[i] = o[base + i]!;
      ends[i] = o[base + n + i]!;
    }
  }
}

function grown(a: Int32Array, atLeast: number): Int32Array {
  const next = new Int32Array(Math.max(a.length * 2, atLeast));
  next.set(a);
  return next;
}

class CsvBytesMarker implements RecordMarker {
  private readonly scanner = new CsvByteScanner();
  private readonly canonical = new CanonicalWriter();
  /** New text of the cells the watermark changed in the current record, by column. */
  private replaced: (string | undefined)[] = [];
  /** The watermark PRF of a chunk's records, four at a time (absent without WebAssembly SIMD). */
  private readonly lanes: Sm3Lanes | undefined;
  private readonly prfStates: HmacStates | undefined;
  private readonly records = new ChunkRecords();
  private readonly key = new ByteSink(256);
  private starts = new Int32Array(0);
  private ends = new Int32Array(0);

  constructor(
    private readonly stages: Stages,
    lanes: boolean,
  ) {
    this.lanes = lanes ? Sm3Lanes.create() : undefined;
    this.prfStates = this.lanes ? stages.embedder.hmacStates(this.lanes) : undefined;
  }

  push(chunk: Buffer, end: boolean): void {
    this.scanner.push(chunk, end);
    if (this.lanes) this.markChunk(this.lanes);
    else this.markEach();
  }

  /** Marks the records one by one, each with its own PRF. */
  private markEach(): void {
    const scanner = this.scanner;
    for (let kind = scanner.next(); kind !== NEED_INPUT; kind = scanner.next()) {
      if (kind === ROW) {
        markRow(scanner.row!, this.stages, this.canonical);
        continue;
      }
      const columns = scanner.columns!;
      const changed = this.stages.embedder.embedUtf8(
        columns,
        scanner.buf,
        scanner.starts,
        scanner.ends,
        this.replacedFor(columns),
      );
      this.writeFields(columns, scanner.starts, scanner.ends, changed);
    }
  }

  /** Reads every record of the chunk, computes their PRFs together, then marks them in order. */
  private markChunk(lanes: Sm3Lanes): void {
    const scanner = this.scanner;
    const records = this.records;
    records.clear();
    for (let kind = scanner.next(); kind !== NEED_INPUT; kind = scanner.next()) {
      records.add(kind === ROW ? scanner.row : undefined, scanner.starts, scanner.ends, scanner.columns!.length);
    }
    if (records.count === 0) return;
    const columns = scanner.columns!;
    const n = columns.length;
    if (this.starts.length < n) {
      this.starts = new Int32Array(n);
      this.ends = new Int32Array(n);
    }
    const { starts, ends, key } = this;
    const states = this.prfStates!;
    const outer = new Int32Array(records.count);
    for (let k = 0; k < records.count; k++) {
      if (records.rows[k]) continue;
      records.load(k, n, starts, ends);
      key.len = 0;
      if (!this.stages.embedder.keyUtf8(columns, scanner.buf, starts, ends, key)) continue;
      const at = lanes.message(key.len, 1);
      const b = lanes.bytes;
      for (let i = 0; i < key.len; i++) b[at + i] = key.buf[i]!;
      outer[k] = lanes.message(32, 1);
      lanes.job(states.inner, at, paddedBlocks(key.len), outer[k]!);
      records.prfAt[k] = lanes.scratch(32);
    }
    lanes.run();
    for (let k = 0; k < records.count; k++)
      if (records.prfAt[k]! >= 0) lanes.job(states.outer, outer[k]!, 1, records.prfAt[k]!);
    lanes.run();
    const r = lanes.bytes;
    for (let k = 0; k < records.count; k++) {
      const row = records.rows[k];
      if (row) {
        markRow(row, this.stages, this.canonical);
        continue;
      }
      records.load(k, n, starts, ends);
      const at = records.prfAt[k]!;
      const changed = this.stages.embedder.embedUtf8With(
        at >= 0 ? r : undefined,
        at,
        columns,
        scanner.buf,
        starts,
        ends,
        this.replacedFor(columns),
      );
      this.writeFields(columns, starts, ends, changed);
    }
    lanes.reset();
  }

  private replacedFor(columns: readonly string[]): (string | undefined)[] {
    if (this.replaced.length !== columns.length)
      this.replaced = Array.from({ length: columns.length }, () => undefined);
    return this.replaced;
  }

  /** Writes and hashes a FIELDS record once marked (`changed` cells in `replaced`). */
  private writeFields(columns: readonly string[], starts: Int32Array, ends: Int32Array, changed: number): void {
    const src = this.scanner.buf;
    const replaced = this.replaced;
    this.stages.writer.addUtf8Fields(columns, src, starts, ends, replaced);
    this.canonical.fields(columns, src, starts, ends, replaced);
    this.stages.hashes.add(this.canonical.sink.buf, this.canonical.sink.len, changed);
    if (changed > 0) replaced.fill(undefined);
  }
}
