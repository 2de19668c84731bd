import { CanonicalWriter } from "./canonical-bytes.ts";
import { CsvByteScanner, NEED_INPUT, ROW } from "./csv-scan.ts";
import type { DeliveryHashes } from "./delivery-hashes.ts";
import { RecordParser, type Format, type Row, type RecordWriter } from "./records.ts";
import type { WatermarkEmbedder } from "./watermark.ts";

/**
 * The per-record work of a delivery, fed with the input file's bytes as they stream in: each
 * record is watermarked, written to the recipient's copy and hashed as written.
 *
 * CSV to CSV, the common case, works on the bytes (`CsvByteScanner`): a record's unchanged cells
 * go from the input buffer to the output and canonical bytes without becoming strings, which is
 * most of the pipeline's cost otherwise (garbage collection of the per-record strings above all).
 * Every other case, and the CSV records the scanner hands back as text, goes through `Row`s.
 * Both give the same bytes for the same records (tested).
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

export function recordMarker(format: Format, outputFormat: Format, stages: Stages): RecordMarker {
  return format === "csv" && outputFormat === "csv" ? new CsvBytesMarker(stages) : new RowMarker(format, stages);
}

function markRow(row: Row, stages: Stages, canonical: CanonicalWriter): void {
  stages.embedder.embed(row);
  stages.writer.add(row);
  canonical.row(row);
  stages.hashes.add(canonical.sink.buf, canonical.sink.len);
}

class RowMarker implements RecordMarker {
  private readonly parser: RecordParser;
  private readonly canonical = new CanonicalWriter();

  constructor(format: Format, private readonly stages: Stages) {
    this.parser = new RecordParser(format);
  }

  push(chunk: Buffer, end: boolean): void {
    for (const row of this.parser.push(end && chunk.length === 0 ? undefined : chunk, end)) markRow(row, this.stages, this.canonical);
  }
}

class CsvBytesMarker implements RecordMarker {
  private readonly scanner = new CsvByteScanner();
  private readonly canonical = new CanonicalWriter();
  /** New text of the cells the watermark changed in the current record, by column. */
  private replaced: (string | undefined)[] = [];

  constructor(private readonly stages: Stages) {}

  push(chunk: Buffer, end: boolean): void {
    const { embedder, writer, hashes } = this.stages;
    const scanner = this.scanner;
    const canonical = this.canonical;
    scanner.push(chunk, end);
    for (let kind = scanner.next(); kind !== NEED_INPUT; kind = scanner.next()) {
      if (kind === ROW) {
        markRow(scanner.row!, this.stages, canonical);
        continue;
      }
      const columns = scanner.columns!;
      if (this.replaced.length !== columns.length) this.replaced = Array.from({ length: columns.length }, () => undefined);
      const replaced = this.replaced;
      const changed = embedder.embedUtf8(columns, scanner.buf, scanner.starts, scanner.ends, replaced);
      writer.addUtf8Fields(columns, scanner.buf, scanner.starts, scanner.ends, replaced);
      canonical.fields(columns, scanner.buf, scanner.starts, scanner.ends, replaced);
      hashes.add(canonical.sink.buf, canonical.sink.len);
      if (changed > 0) replaced.fill(undefined);
    }
  }
}
