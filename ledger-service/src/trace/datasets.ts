import { createHash, type Hash } from "node:crypto";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { open } from "node:fs/promises";
import { extname } from "node:path";
import { canonicalJson } from "../../../core/canonical.ts";
import { ByteSink } from "./byte-sink.ts";
import { parseJsonLine } from "./json-line.ts";

/**
 * Streaming readers and writers for the datasets a delivery carries: CSV (RFC 4180, header row)
 * and JSON lines (one flat object per line).
 *
 * A normalised record is an ordered map column → string value. For speed it is held as a
 * `Row`: the column names (one array shared by every row of the same shape) and the values in
 * the same order. JSON lines values are normalised to strings: a string stays as is, a number or
 * boolean becomes its JSON text (`12.5`, `true`; a number a double cannot hold keeps its digits
 * as written, see json-line.ts), `null` becomes the empty string, and an array or object becomes
 * its RFC 8785 canonical JSON text.
 *
 * Canonical form of a record (what fingerprints hash): the RFC 8785 (JCS) serialisation of the
 * JSON object { column: value } with every value a JSON string, UTF-8 encoded. That is: members
 * sorted by the UTF-16 code units of their names, no whitespace, strings escaped as ECMAScript
 * `JSON.stringify` does. Column order in the file therefore does not matter, cell text does.
 * `canonicalRecord` builds exactly `core/canonical.ts`'s canonicalJson of that object (tested),
 * with the sort order computed once per shape.
 */
export type Format = "csv" | "jsonl";

export interface Row {
  readonly columns: readonly string[];
  values: string[];
}

export function rowToObject(row: Row): Record<string, string> {
  const o: Record<string, string> = {};
  row.columns.forEach((c, i) => (o[c] = row.values[i] ?? ""));
  return o;
}

export function rowFromObject(obj: Record<string, unknown>, columns?: readonly string[]): Row {
  const cols = columns ?? Object.keys(obj);
  return { columns: cols, values: cols.map((c) => normaliseValue(obj[c])) };
}

export function normaliseValue(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "";
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return canonicalJson(v);
}

// ---------------------------------------------------------------------------------------------
// Canonical form

// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

/** A JSON string literal as RFC 8785 writes it; a lone surrogate has no canonical form (throws). */
export function jsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  if (hasLoneSurrogate(s)) throw new TypeError("a value with a lone UTF-16 surrogate has no canonical form");
  return JSON.stringify(s);
}

/** How a column set is canonicalised: its sort order and each member's `{"name":` / `,"name":` text. */
export interface Shape {
  readonly order: number[];
  readonly prefixes: string[];
}

const shapes = new WeakMap<readonly string[], Shape>();

function utf16Compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function shapeOf(columns: readonly string[]): Shape {
  let s = shapes.get(columns);
  if (!s) {
    const order = columns.map((_, i) => i).sort((i, j) => utf16Compare(columns[i]!, columns[j]!));
    const prefixes = order.map((i, k) => (k === 0 ? "{" : ",") + jsonString(columns[i]!) + ":");
    s = { order, prefixes };
    shapes.set(columns, s);
  }
  return s;
}

/** The canonical form of a record as a string (see the module comment). */
export function canonicalRecord(row: Row): string {
  const { order, prefixes } = shapeOf(row.columns);
  if (order.length === 0) return "{}";
  let out = "";
  for (let k = 0; k < order.length; k++) out += prefixes[k]! + jsonString(row.values[order[k]!] ?? "");
  return out + "}";
}

/** Canonical form of the sub-record made of `columns` (which must exist in the row). */
export function canonicalSubset(row: Row, columns: readonly string[]): string {
  const values = columns.map((c) => {
    const i = row.columns.indexOf(c);
    return i < 0 ? "" : row.values[i]!;
  });
  return canonicalRecord({ columns, values });
}

// ---------------------------------------------------------------------------------------------
// Format detection

/** By extension (.csv; .jsonl, .ndjson, .json), else by the first non-blank byte ('{' means JSON lines). */
export async function detectFormat(path: string): Promise<Format> {
  const ext = extname(path).toLowerCase();
  if (ext === ".csv") return "csv";
  if (ext === ".jsonl" || ext === ".ndjson" || ext === ".json") return "jsonl";
  const fh = await open(path, "r");
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(4096), 0, 4096, 0);
    const head = buffer
      .subarray(0, bytesRead)
      .toString("utf8")
      .replace(/^\ufeff/, "")
      .trimStart();
    return head.startsWith("{") ? "jsonl" : "csv";
  } finally {
    await fh.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Readers

export interface ReadOptions {
  readonly format?: Format | "auto";
  /** Called with the number of bytes consumed so far. */
  readonly onBytes?: (bytes: number) => void;
  readonly highWaterMark?: number;
}

/**
 * Reads records in batches (arrays of rows), streaming: memory stays bounded by one chunk.
 * Blank lines are skipped. A CSV file must start with a header row.
 */
export async function* readRecordBatches(path: string, options: ReadOptions = {}): AsyncGenerator<Row[]> {
  const format = !options.format || options.format === "auto" ? await detectFormat(path) : options.format;
  const stream = createReadStream(path, { highWaterMark: options.highWaterMark ?? 1 << 20 });
  let bytes = 0;
  const parser = new RecordParser(format);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    const rows = parser.push(chunk, false);
    options.onBytes?.(bytes);
    if (rows.length > 0) yield rows;
  }
  const rows = parser.push(undefined, true);
  if (rows.length > 0) yield rows;
}

/** Parses a file's bytes pushed in chunks: strict UTF-8, a leading byte order mark dropped. */
export class RecordParser {
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  private readonly parser: CsvParser | JsonlParser;
  private first = true;

  constructor(format: Format) {
    this.parser = format === "csv" ? new CsvParser() : new JsonlParser();
  }

  push(chunk: Uint8Array | undefined, end: boolean): Row[] {
    let text = chunk ? this.decoder.decode(chunk, { stream: !end }) : this.decoder.decode();
    // The mark is looked for in the first text decoded: a first chunk may end inside it.
    if (this.first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.first = false;
    }
    return this.parser.push(text, end);
  }
}

/**
 * The columns of a dataset, read from its start: a CSV file's header, or the members of the
 * first JSON line (none for a file without records).
 */
export async function readColumns(path: string, options: ReadOptions = {}): Promise<readonly string[]> {
  const format = !options.format || options.format === "auto" ? await detectFormat(path) : options.format;
  if (format === "jsonl") {
    for await (const batch of readRecordBatches(path, { ...options, format })) return batch[0]!.columns;
    return [];
  }
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const parser = new CsvParser();
  let first = true;
  for await (const chunk of createReadStream(path, { highWaterMark: 64 << 10 }) as AsyncIterable<Buffer>) {
    let text = decoder.decode(chunk, { stream: true });
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    first = first && text.length === 0;
    parser.push(text, false);
    if (parser.columns) return parser.columns;
  }
  parser.push(decoder.decode(), true);
  return parser.columns ?? [];
}

export async function* readRecords(path: string, options: ReadOptions = {}): AsyncGenerator<Row> {
  for await (const batch of readRecordBatches(path, options)) yield* batch;
}

export async function readAllRecords(path: string, options: ReadOptions = {}): Promise<Row[]> {
  const out: Row[] = [];
  for await (const batch of readRecordBatches(path, options)) for (const r of batch) out.push(r);
  return out;
}

/** Parses CSV text pushed in pieces. */
export class CsvParser {
  private carry = "";
  private header: string[] | undefined;

  get columns(): readonly string[] | undefined {
    return this.header;
  }

  push(text: string, end: boolean): Row[] {
    const s = this.carry + text;
    const rows: Row[] = [];
    let pos = 0;
    const n = s.length;
    // Position of the next quote at or after pos (n when none): searched again only once passed.
    let q = s.indexOf('"');
    if (q < 0) q = n;
    while (pos < n) {
      const nl = s.indexOf("\n", pos);
      if (q < pos) {
        q = s.indexOf('"', pos);
        if (q < 0) q = n;
      }
      let fields: string[];
      if (q === n || (nl >= 0 && q > nl)) {
        // Fast path: no quote in this line.
        if (nl < 0 && !end) break;
        let lineEnd = nl < 0 ? n : nl;
        const next = nl < 0 ? n : nl + 1;
        if (lineEnd > pos && s.charCodeAt(lineEnd - 1) === 13) lineEnd--;
        const line = s.slice(pos, lineEnd);
        pos = next;
        if (line.length === 0) continue;
        fields = line.split(",");
      } else {
        const parsed = parseQuotedRecord(s, pos, end);
        if (!parsed) break;
        fields = parsed.fields;
        pos = parsed.next;
        if (fields.length === 1 && fields[0] === "" && !parsed.quoted) continue;
      }
      if (!this.header) {
        this.header = fields;
        continue;
      }
      if (fields.length !== this.header.length) {
        throw new Error(`CSV record with ${fields.length} fields where the header has ${this.header.length}`);
      }
      rows.push({ columns: this.header, values: fields });
    }
    this.carry = s.slice(pos);
    if (end && this.carry.length > 0) throw new Error("CSV ends inside a quoted field");
    return rows;
  }
}

/** RFC 4180 record starting at `pos`; undefined when more input is needed. */
export function parseQuotedRecord(
  s: string,
  pos: number,
  end: boolean,
): { fields: string[]; next: number; quoted: boolean } | undefined {
  const fields: string[] = [];
  let i = pos;
  const n = s.length;
  let quoted = false;
  for (;;) {
    if (i < n && s.charCodeAt(i) === 34) {
      quoted = true;
      let value = "";
      i++;
      for (;;) {
        const q = s.indexOf('"', i);
        if (q < 0) return undefined;
        value += s.slice(i, q);
        if (q + 1 >= n && !end) return undefined;
        if (s.charCodeAt(q + 1) === 34) {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value);
    } else {
      let j = i;
      while (j < n) {
        const c = s.charCodeAt(j);
        if (c === 44 || c === 10 || c === 13) break;
        if (c === 34) throw new Error("CSV quote inside an unquoted field");
        j++;
      }
      if (j >= n && !end) return undefined;
      fields.push(s.slice(i, j));
      i = j;
    }
    if (i >= n) {
      if (!end) return undefined;
      return { fields, next: n, quoted };
    }
    const c = s.charCodeAt(i);
    if (c === 44) {
      i++;
      continue;
    }
    if (c === 13) {
      if (i + 1 >= n && !end) return undefined;
      if (s.charCodeAt(i + 1) === 10) i++;
      return { fields, next: i + 1, quoted };
    }
    if (c === 10) return { fields, next: i + 1, quoted };
    throw new Error("CSV garbage after a quoted field");
  }
}

/** Parses JSON lines pushed in pieces; one shared column array per distinct key sequence. */
export class JsonlParser {
  private carry = "";
  private readonly shapes = new Map<string, readonly string[]>();

  push(text: string, end: boolean): Row[] {
    const s = this.carry + text;
    const rows: Row[] = [];
    let pos = 0;
    for (;;) {
      const nl = s.indexOf("\n", pos);
      if (nl < 0 && !end) break;
      const line = s.slice(pos, nl < 0 ? s.length : nl).trim();
      pos = nl < 0 ? s.length : nl + 1;
      if (line.length > 0) rows.push(this.row(line));
      if (nl < 0) break;
    }
    this.carry = s.slice(pos);
    return rows;
  }

  private row(line: string): Row {
    const obj = parseJsonLine(line);
    if (typeof obj !== "object" || obj === null || Array.isArray(obj))
      throw new Error("a JSON line must hold an object");
    const keys = Object.keys(obj);
    const sig = keys.join("\u0000");
    let columns = this.shapes.get(sig);
    if (!columns) {
      columns = keys;
      this.shapes.set(sig, columns);
    }
    const o = obj as Record<string, unknown>;
    const values = new Array<string>(columns.length);
    for (let i = 0; i < columns.length; i++) values[i] = normaliseValue(o[columns[i]!]);
    return { columns, values };
  }
}

// ---------------------------------------------------------------------------------------------
// Writers

const CSV_NEEDS_QUOTES = /[",\r\n]/;

export function csvField(v: string): string {
  return CSV_NEEDS_QUOTES.test(v) || v.length === 0 ? (v.length === 0 ? "" : `"${v.replace(/"/g, '""')}"`) : v;
}

export function csvLine(values: readonly string[]): string {
  // A lone empty field would make a blank line, which readers skip.
  if (values.length === 1 && values[0] === "") return '""\n';
  let out = "";
  for (let i = 0; i < values.length; i++) out += (i === 0 ? "" : ",") + csvField(values[i]!);
  return out + "\n";
}

export function jsonLine(row: Row): string {
  let out = "{";
  for (let i = 0; i < row.columns.length; i++)
    out += (i === 0 ? "" : ",") + jsonString(row.columns[i]!) + ":" + jsonString(row.values[i] ?? "");
  return out + "}\n";
}

const FLUSH_BYTES = 1 << 20;

/**
 * Writes records as CSV (header from the first row; every row must have the same columns) or as
 * JSON lines with every value a string, in column order. Records are encoded as they are added
 * (so no text stays alive until the write) and written in pieces of ~1 MiB.
 */
export class RecordWriter {
  private readonly out: WriteStream;
  private readonly sink = new ByteSink(FLUSH_BYTES + (64 << 10));
  private header: readonly string[] | undefined;
  /** SM3 of the bytes written, with `{ sm3: true }`: hashing them as they go saves reading the file again. */
  private readonly hash: Hash | undefined;
  bytes = 0;

  constructor(
    path: string,
    readonly format: Format,
    options: { readonly sm3?: boolean } = {},
  ) {
    this.out = createWriteStream(path);
    this.hash = options.sm3 ? createHash("sm3") : undefined;
  }

  /** The SM3 of the file (lowercase hex), once closed; with `{ sm3: true }` only. */
  sm3(): string {
    if (!this.hash) throw new Error("this writer does not hash what it writes");
    return this.hash.copy().digest("hex");
  }

  async write(row: Row): Promise<void> {
    this.add(row);
    if (this.full) await this.flush();
  }

  /** Whether enough is buffered that the caller should `await flush()`. */
  get full(): boolean {
    return this.sink.len >= FLUSH_BYTES;
  }

  /** Buffers one row (synchronous); call `flush()` when `full`. */
  add(row: Row): void {
    if (this.format === "csv") {
      this.csvHeader(row.columns);
      this.sink.utf8(csvLine(row.values));
    } else {
      this.sink.utf8(jsonLine(row));
    }
  }

  /**
   * Buffers one CSV record whose value i is the UTF-8 text `src[starts[i], ends[i])`, or
   * `replaced[i]` where that is defined: the same bytes as `add` of the decoded row.
   */
  addUtf8Fields(
    columns: readonly string[],
    src: Uint8Array,
    starts: Int32Array,
    ends: Int32Array,
    replaced: readonly (string | undefined)[],
  ): void {
    this.csvHeader(columns);
    const sink = this.sink;
    const n = columns.length;
    for (let i = 0; i < n; i++) {
      if (i > 0) sink.byte(44);
      const r = replaced[i];
      if (r !== undefined) sink.utf8(n === 1 && r === "" ? '""' : csvField(r));
      else sink.bytes(src, starts[i]!, ends[i]!);
    }
    sink.byte(10);
  }

  private csvHeader(columns: readonly string[]): void {
    if (!this.header) {
      this.header = columns;
      this.sink.utf8(csvLine(columns));
    } else if (columns !== this.header && columns.join("\u0000") !== this.header.join("\u0000")) {
      throw new Error("CSV output needs every record to have the same columns");
    }
  }

  async flush(): Promise<void> {
    if (this.sink.len === 0) return;
    const buf = this.sink.take();
    this.bytes += buf.length;
    this.hash?.update(buf);
    if (!this.out.write(buf))
      await new Promise<void>((resolve, reject) => {
        const onError = (e: Error) => reject(e);
        this.out.once("error", onError);
        this.out.once("drain", () => {
          this.out.off("error", onError);
          resolve();
        });
      });
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.out.once("error", reject);
      this.out.end(() => resolve());
    });
  }
}

/** Writes all rows to `path` in `format`. */
export async function writeRecords(
  path: string,
  format: Format,
  rows: Iterable<Row> | AsyncIterable<Row>,
): Promise<void> {
  const w = new RecordWriter(path, format);
  for await (const r of rows) await w.write(r);
  await w.close();
}
