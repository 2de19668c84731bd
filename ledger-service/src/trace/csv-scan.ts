import { isUtf8 } from "node:buffer";
import { parseQuotedRecord, type Row } from "./datasets.ts";

/**
 * CSV records read from the file's bytes, for the delivery path: most records come back as field
 * ranges of the input buffer, so a record costs no string and no object. They are the records
 * `CsvParser` reads from the decoded text, with the same errors (tested side by side):
 *
 * - a line without a quote and without a carriage return except its last character comes back as
 *   FIELDS: value i is the UTF-8 text `buf[starts[i], ends[i])`, which holds no `"`, `,`, CR or LF;
 * - any other record (quoted fields, a CR inside a field, the header) is decoded and parsed as
 *   text by `datasets.ts` and comes back as ROW.
 *
 * The bytes are checked to be UTF-8 up to each line end before anything is read from them, and
 * up to two leading byte order marks are dropped, as the text reader does (TextDecoder drops
 * one and the reader a second).
 */
export const NEED_INPUT = 0;
export const FIELDS = 1;
export const ROW = 2;
const SKIP = 3;

const EMPTY = Buffer.alloc(0);

export class CsvByteScanner {
  /** The header, once read. */
  columns: string[] | undefined;
  /** The buffer that FIELDS ranges point into (valid until the next `push`). */
  buf: Buffer = EMPTY;
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  /** The last ROW record. */
  row: Row | undefined;
  private pos = 0;
  /** Bytes of `buf` checked to be UTF-8. */
  private validated = 0;
  /** Index of the next quote at or after `pos` (`buf.length` when none; −1 before searching). */
  private quote = -1;
  private end = false;
  private started = false;

  /** Adds the next chunk of the file (`end` with the last one, which may be empty). */
  push(chunk: Buffer, end: boolean): void {
    if (this.pos < this.buf.length) {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
      this.validated -= this.pos;
    } else {
      this.buf = chunk;
      this.validated = 0;
    }
    this.pos = 0;
    this.quote = -1;
    this.end = end;
    const b = this.buf;
    const upTo = end ? b.length : b.lastIndexOf(10) + 1;
    if (upTo > this.validated) {
      if (!isUtf8(b.subarray(this.validated, upTo)))
        throw new TypeError("The encoded data was not valid for encoding utf-8");
      this.validated = upTo;
    }
    if (!this.started && (b.length >= 6 || end)) {
      for (let k = 0; k < 2 && b[this.pos] === 0xef && b[this.pos + 1] === 0xbb && b[this.pos + 2] === 0xbf; k++)
        this.pos += 3;
      this.started = true;
    }
  }

  /** The kind of the next record (FIELDS or ROW), or NEED_INPUT when the buffer holds no complete one. */
  next(): number {
    if (!this.started) return NEED_INPUT;
    const b = this.buf;
    const n = b.length;
    for (;;) {
      const pos = this.pos;
      if (pos >= n) return NEED_INPUT;
      let nl = b.indexOf(10, pos);
      if (nl < 0) {
        if (!this.end) return NEED_INPUT;
        nl = n;
      }
      if (this.quote < pos) {
        const q = b.indexOf(34, pos);
        this.quote = q < 0 ? n : q;
      }
      if (this.quote < nl) {
        const kind = this.quoted(pos);
        if (kind === SKIP) continue;
        return kind;
      }
      let lineEnd = nl;
      if (lineEnd > pos && b[lineEnd - 1] === 13) lineEnd--;
      this.pos = nl < n ? nl + 1 : n;
      if (lineEnd === pos) continue;
      if (lineEnd - pos + 1 > this.starts.length) {
        this.starts = new Int32Array(lineEnd - pos + 1);
        this.ends = new Int32Array(lineEnd - pos + 1);
      }
      const starts = this.starts;
      const ends = this.ends;
      let k = 0;
      let start = pos;
      let cr = false;
      for (let i = pos; i < lineEnd; i++) {
        const c = b[i]!;
        if (c === 44) {
          starts[k] = start;
          ends[k++] = i;
          start = i + 1;
        } else if (c === 13) cr = true;
      }
      starts[k] = start;
      ends[k++] = lineEnd;
      if (cr || !this.columns) {
        const kind = this.record(b.toString("utf8", pos, lineEnd).split(","));
        if (kind === SKIP) continue;
        return kind;
      }
      if (k !== this.columns.length) throw fieldCountError(k, this.columns.length);
      return FIELDS;
    }
  }

  /** A record with a quote in its first line, parsed as text. */
  private quoted(pos: number): number {
    const b = this.buf;
    const n = b.length;
    let inQuotes = false;
    let i = pos;
    for (; i < n; i++) {
      const c = b[i]!;
      if (c === 34) inQuotes = !inQuotes;
      else if (c === 10 && !inQuotes) break;
    }
    if (i >= n && !this.end) return NEED_INPUT;
    const stop = i < n ? i + 1 : n;
    const text = b.toString("utf8", pos, stop);
    // The text ends where the record must end (or at the end of the file), so it can be parsed as final.
    const parsed = parseQuotedRecord(text, 0, true);
    if (!parsed) {
      if (this.end) throw new Error("CSV ends inside a quoted field");
      return NEED_INPUT;
    }
    // A lone CR after a field also ends a record.
    this.pos = parsed.next === text.length ? stop : pos + Buffer.byteLength(text.slice(0, parsed.next));
    if (parsed.fields.length === 1 && parsed.fields[0] === "" && !parsed.quoted) return SKIP;
    return this.record(parsed.fields);
  }

  private record(fields: string[]): number {
    if (!this.columns) {
      this.columns = fields;
      return SKIP;
    }
    if (fields.length !== this.columns.length) throw fieldCountError(fields.length, this.columns.length);
    this.row = { columns: this.columns, values: fields };
    return ROW;
  }
}

function fieldCountError(fields: number, header: number): Error {
  return new Error(`CSV record with ${fields} fields where the header has ${header}`);
}
