/**
 * A growable byte buffer with the two text encodings the delivery pipeline writes: UTF-8 (as the
 * WHATWG encoder writes it, a lone surrogate becoming U+FFFD) and JSON string literals (escaped as
 * ECMAScript `JSON.stringify` escapes them, UTF-8 encoded, as RFC 8785 requires).
 *
 * Why not TextEncoder or Buffer.from: the pipeline writes a few short strings per record, and
 * each native call costs more than encoding them here; building strings first to encode them
 * once would keep them alive long enough to make garbage collection the largest cost.
 */
export class ByteSink {
  // A plain Uint8Array (not a Buffer) keeps the SM3 code that reads it monomorphic.
  buf: Uint8Array;
  len = 0;

  constructor(initial = 4096) {
    this.buf = new Uint8Array(initial);
  }

  /** Makes room for `extra` more bytes. */
  ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + extra));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  /** Appends `src[start, end)`. */
  bytes(src: Uint8Array, start: number, end: number): void {
    this.ensure(end - start);
    const b = this.buf;
    let p = this.len;
    for (let i = start; i < end; i++) b[p++] = src[i]!;
    this.len = p;
  }

  /** Appends the UTF-8 encoding of `s`. */
  utf8(s: string): void {
    this.ensure(s.length * 3);
    this.len = this.encode(s, false, this.len);
  }

  /**
   * Appends `s` as a JSON string literal; a lone surrogate has no canonical form (throws, as
   * `records.jsonString` does).
   */
  jsonString(s: string): void {
    this.ensure(s.length * 6 + 2);
    this.buf[this.len] = 34;
    const p = this.encode(s, true, this.len + 1);
    this.buf[p] = 34;
    this.len = p + 1;
  }

  /** Encodes `s` at `p` (room made by the caller), JSON-escaped when `json`; returns the end. */
  private encode(s: string, json: boolean, p: number): number {
    const b = this.buf;
    const n = s.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (!json || (c >= 0x20 && c !== 34 && c !== 92)) b[p++] = c;
        else p = escape(b, p, c);
      } else if (c < 0x800) {
        b[p++] = 0xc0 | (c >> 6);
        b[p++] = 0x80 | (c & 63);
      } else if (c < 0xd800 || c > 0xdfff) {
        b[p++] = 0xe0 | (c >> 12);
        b[p++] = 0x80 | ((c >> 6) & 63);
        b[p++] = 0x80 | (c & 63);
      } else {
        const d = c <= 0xdbff && i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (d >= 0xdc00 && d <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          b[p++] = 0xf0 | (cp >> 18);
          b[p++] = 0x80 | ((cp >> 12) & 63);
          b[p++] = 0x80 | ((cp >> 6) & 63);
          b[p++] = 0x80 | (cp & 63);
          i++;
        } else if (json) {
          throw new TypeError("a value with a lone UTF-16 surrogate has no canonical form");
        } else {
          b[p++] = 0xef;
          b[p++] = 0xbf;
          b[p++] = 0xbd;
        }
      }
    }
    return p;
  }

  /**
   * Appends the valid UTF-8 text `src[start, end)` as a JSON string literal: the same bytes as
   * `jsonString` of its decoded text (valid UTF-8 holds no lone surrogate).
   */
  jsonUtf8(src: Uint8Array, start: number, end: number): void {
    this.ensure((end - start) * 6 + 2);
    const b = this.buf;
    let p = this.len;
    b[p++] = 34;
    for (let i = start; i < end; i++) {
      const c = src[i]!;
      if (c >= 0x20 && c !== 34 && c !== 92) b[p++] = c;
      else p = escape(b, p, c);
    }
    b[p++] = 34;
    this.len = p;
  }

  /** The bytes written so far as a Buffer of their own, leaving the sink empty with a new buffer. */
  take(): Buffer {
    const out = Buffer.from(this.buf.buffer, this.buf.byteOffset, this.len);
    this.buf = new Uint8Array(this.buf.length);
    this.len = 0;
    return out;
  }
}

const HEX = "0123456789abcdef";

/** The letter of JSON.stringify's two-character escape for each ASCII character that has one. */
const SHORT = new Uint8Array(128);
for (const [c, letter] of [
  [8, "b"],
  [9, "t"],
  [10, "n"],
  [12, "f"],
  [13, "r"],
  [34, '"'],
  [92, "\\"],
] as const)
  SHORT[c] = letter.charCodeAt(0);

/** JSON.stringify's escape of an ASCII character: a short form where one exists, else \u00xx. */
function escape(b: Uint8Array, p: number, c: number): number {
  b[p++] = 92;
  const letter = SHORT[c]!;
  if (letter !== 0) {
    b[p++] = letter;
    return p;
  }
  b[p++] = 117;
  b[p++] = 48;
  b[p++] = 48;
  b[p++] = HEX.charCodeAt(c >> 4);
  b[p++] = HEX.charCodeAt(c & 15);
  return p;
}
