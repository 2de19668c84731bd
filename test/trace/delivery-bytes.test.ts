import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { parse as csvParse } from "csv-parse/sync";
import { hmacSm3, sm3 } from "../../core/crypto/sm3.ts";
import { ByteSink } from "../../ledger-service/src/trace/byte-sink.ts";
import { CanonicalWriter } from "../../ledger-service/src/trace/canonical-bytes.ts";
import { CsvByteScanner, FIELDS, NEED_INPUT } from "../../ledger-service/src/trace/csv-scan.ts";
import { DeliveryHashes } from "../../ledger-service/src/trace/delivery/delivery-hashes.ts";
import { recordMarker } from "../../ledger-service/src/trace/delivery/marking.ts";
import { RecordParser } from "../../ledger-service/src/trace/datasets.ts";
import { paddedBlocks, Sm3Lanes } from "../../core/crypto/sm3-lanes.ts";
import {
  canonicalRecord,
  CsvParser,
  deliverDataset,
  deriveDeliveryKeys,
  deriveIndexKey,
  Fingerprinter,
  HandleComputer,
  jsonString,
  readAllRecords,
  RecordWriter,
  referenceRoot,
  WatermarkEmbedder,
  writeRecords,
  type Format,
  type Row,
  type WatermarkSpec,
} from "../../ledger-service/src/trace/index.ts";
import { MASTER, seeded } from "./helpers.ts";

/**
 * The byte-level delivery path (CSV in, CSV out) against the text-level functions it stands in
 * for: the encoders against Buffer/JSON.stringify, the scanner against `CsvParser` and
 * csv-parse, and whole deliveries against a reference built from rows.
 */
const PIECES = [
  "a",
  "Z",
  "7",
  " ",
  ",",
  '"',
  "\\",
  "\n",
  "\r",
  "\t",
  "\u0001",
  "\u001f",
  "\u007f",
  "é",
  "中",
  "😀",
  "\u2028",
  "\ufeff",
  "\ud800",
  "\udc00",
];

function randomString(rnd: () => number, max: number): string {
  let s = "";
  const n = Math.floor(rnd() * max);
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(rnd() * PIECES.length)];
  return s;
}

describe("trace: byte-level encoders", () => {
  it("writes UTF-8 as Buffer.from does and JSON strings as JSON.stringify escapes them", () => {
    const rnd = seeded(3);
    const sink = new ByteSink(8);
    for (let i = 0; i < 3000; i++) {
      const s = randomString(rnd, 12);
      sink.len = 0;
      sink.utf8(s);
      expect(Buffer.from(sink.buf.subarray(0, sink.len)).equals(Buffer.from(s, "utf8")), JSON.stringify(s)).to.equal(
        true,
      );
      sink.len = 0;
      let literal: string | undefined;
      try {
        literal = jsonString(s);
      } catch {
        expect(() => sink.jsonString(s)).to.throw(TypeError);
        continue;
      }
      sink.jsonString(s);
      expect(Buffer.from(sink.buf.subarray(0, sink.len)).toString("utf8")).to.equal(literal);
      expect(literal).to.equal(JSON.stringify(s));
      // From the UTF-8 bytes of the same text.
      const bytes = Buffer.from(s, "utf8");
      sink.len = 0;
      sink.jsonUtf8(bytes, 0, bytes.length);
      expect(Buffer.from(sink.buf.subarray(0, sink.len)).toString("utf8")).to.equal(literal);
    }
  });

  it("writes a row's canonical bytes as the UTF-8 of canonicalRecord", () => {
    const rnd = seeded(5);
    const w = new CanonicalWriter();
    for (let i = 0; i < 500; i++) {
      const columns = Array.from(
        { length: 1 + Math.floor(rnd() * 5) },
        (_, k) => `${randomString(rnd, 4).replace(/[\ud800-\udfff]/g, "")}#${k}`,
      );
      const values = columns.map(() => randomString(rnd, 8).replace(/[\ud800-\udfff]/g, ""));
      const row: Row = { columns, values };
      w.row(row);
      expect(
        Buffer.from(w.sink.buf.subarray(0, w.sink.len)).equals(Buffer.from(canonicalRecord(row), "utf8")),
      ).to.equal(true);
    }
    w.row({ columns: [], values: [] });
    expect(Buffer.from(w.sink.buf.subarray(0, w.sink.len)).toString()).to.equal("{}");
  });
});

/** Every record the scanner reads from `bytes` pushed in pieces of `piece` bytes, as string arrays. */
function scanAll(bytes: Buffer, piece: number): string[][] {
  const s = new CsvByteScanner();
  const out: string[][] = [];
  const drain = () => {
    for (let k = s.next(); k !== NEED_INPUT; k = s.next()) {
      if (k === FIELDS) out.push(s.columns!.map((_, i) => s.buf.toString("utf8", s.starts[i]!, s.ends[i]!)));
      else out.push([...s.row!.values]);
    }
  };
  for (let o = 0; o < bytes.length; o += piece) {
    s.push(bytes.subarray(o, Math.min(bytes.length, o + piece)), false);
    drain();
  }
  s.push(Buffer.alloc(0), true);
  drain();
  return [s.columns ?? [], ...out];
}

function parseText(bytes: Buffer): string[][] {
  const p = new CsvParser();
  let text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = p.push(text, true);
  return [[...(p.columns ?? [])], ...rows.map((r) => [...r.values])];
}

/** A CSV text with quoted and unquoted fields, CRLF and LF, blank lines, Unicode and escapes. */
function trickyCsv(rnd: () => number, records: number, options: { loneCr: boolean }): string {
  const field = (): string => {
    const r = rnd();
    if (r < 0.1) return "";
    if (r < 0.2) return '"a, ""quoted"" one"';
    if (r < 0.28) return '"two\nlines"';
    if (r < 0.34) return '"crlf\r\ninside"';
    if (r < 0.4) return '""';
    if (r < 0.46) return "中文😀";
    if (r < 0.5) return "back\\slash\ttab\u0001";
    if (r < 0.55) return '"plain quoted"';
    return `v${Math.floor(rnd() * 1000)}`;
  };
  let s = rnd() < 0.5 ? "\ufeff" : "";
  s += "id,a,b,c\n";
  for (let i = 0; i < records; i++) {
    const fields = [`k${i}`, field(), field(), field()];
    if (options.loneCr && rnd() < 0.1) fields[2] = "lone\rcr";
    if (options.loneCr && fields[2] === "lone\rcr")
      for (let k = 1; k < 4; k++) if (fields[k]!.includes('"')) fields[k] = "x";
    s += fields.join(",") + (rnd() < 0.5 ? "\r\n" : "\n");
    if (rnd() < 0.05) s += rnd() < 0.5 ? "\n" : "\r\n";
  }
  return rnd() < 0.5 ? s.replace(/\r?\n$/, "") : s;
}

describe("trace: CSV read from bytes", () => {
  it("reads the records CsvParser reads, whatever the chunking, and those csv-parse reads", () => {
    const rnd = seeded(11);
    for (let round = 0; round < 40; round++) {
      const text = trickyCsv(rnd, 30, { loneCr: round % 2 === 1 });
      const bytes = Buffer.from(text, "utf8");
      const expected = parseText(bytes);
      for (const piece of [1, 2, 3, 5, 17, 64, bytes.length])
        expect(scanAll(bytes, piece), `round ${round}, pieces of ${piece}`).to.deep.equal(expected);
      if (round % 2 === 0) {
        const reference = csvParse(text, {
          bom: true,
          skip_empty_lines: true,
          record_delimiter: ["\r\n", "\n"],
        }) as string[][];
        expect(expected).to.deep.equal(reference);
      }
    }
  });

  it("drops up to two byte order marks and rejects invalid UTF-8, unterminated quotes and ragged records", () => {
    expect(scanAll(Buffer.from("\ufeff\ufeffa,b\n1,2\n"), 1)).to.deep.equal([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(parseText(Buffer.from("\ufeff\ufeffa,b\n1,2\n"))).to.deep.equal([
      ["a", "b"],
      ["1", "2"],
    ]);
    // The text parser too, fed the marks a byte at a time (a first chunk ending inside a mark).
    for (const piece of [1, 2, 3, 4]) {
      const bytes = Buffer.from("\ufeff\ufeffa,b\n1,2\n");
      const parser = new RecordParser("csv");
      const rows: Row[] = [];
      for (let at = 0; at < bytes.length; at += piece) rows.push(...parser.push(bytes.subarray(at, at + piece), false));
      rows.push(...parser.push(new Uint8Array(0), true));
      expect(
        rows.map((r) => [[...r.columns], [...r.values]]),
        `pieces of ${piece}`,
      ).to.deep.equal([
        [
          ["a", "b"],
          ["1", "2"],
        ],
      ]);
    }
    expect(() =>
      scanAll(Buffer.concat([Buffer.from("a,b\n1,"), Buffer.of(0xc3, 0x28), Buffer.from("\n")]), 4),
    ).to.throw(TypeError);
    expect(() => scanAll(Buffer.from("a,b\n1,\xff\n", "latin1"), 100)).to.throw(TypeError);
    expect(() => scanAll(Buffer.from('a,b\n1,"open\n'), 3)).to.throw(/ends inside a quoted field/);
    expect(() => scanAll(Buffer.from("a,b\n1,2,3\n"), 3)).to.throw(/3 fields where the header has 2/);
    expect(() => scanAll(Buffer.from('a,b\n1,x"y\n'), 3)).to.throw(/quote inside an unquoted field/);
  });
});

const TRICKY_SPEC: WatermarkSpec = {
  keyColumns: ["id", "k2"],
  columns: [
    { column: "amount", kind: "number", decimals: 2, min: 0 },
    { column: "count", kind: "number", decimals: 0, max: 40 },
    // A form that no decoded text can equal (a lone surrogate) must not match U+FFFD's bytes.
    {
      column: "district",
      kind: "variants",
      variants: [
        ["龙华区", "深圳市龙华区"],
        ["a,b", 'a"b'],
        ["x", "X"],
        ["\ud800", "\udc00"],
      ],
    },
  ],
};

/** More forms than the byte-by-byte comparison handles (looked up through a map instead). */
const MANY_FORMS_SPEC: WatermarkSpec = {
  keyColumns: ["id"],
  columns: [
    {
      column: "district",
      kind: "variants",
      variants: [
        ["龙华区", "深圳市龙华区"],
        ["a,b", 'a"b'],
        ["x", "X"],
        ["观澜街道", "观澜"],
        ["p1", "p2"],
        ["\ud800", "\udc00"],
      ],
    },
    { column: "amount", kind: "number", decimals: 1 },
  ],
};

const NUMBERS = [
  "12.34",
  "12.3",
  "12",
  "0",
  "-0",
  "-3.5",
  "007",
  "1e3",
  " 12",
  "12 ",
  "12.345",
  "1234567890123456",
  "123456789012.5",
  "",
  "N/A",
  "+5",
  ".5",
  "5.",
  "0.01",
  "99999999999999.9",
  "-",
  "1.",
  "٣",
];
const DISTRICT = ["龙华区", "深圳市龙华区", "a,b", 'a"b', "x", "X", "观澜街道", "", "\ufffd"];
const KEYS = ["R0001", "007", " 7", "7.0", "x\\y", "", "键1", "Ab ", "e5", "A\u3000", "-0", "1.50"];

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function trickyDeliveryCsv(rnd: () => number, records: number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const lines = ["id,k2,amount,count,district,note"];
  for (let i = 0; i < records; i++) {
    const note = rnd() < 0.2 ? pick(['"say ""hi"""', '"two\nlines"', "tab\there", "lone\rcr", "中文😀"]) : `n${i}`;
    const row = [
      pick(KEYS) + (rnd() < 0.5 ? String(i) : ""),
      pick(KEYS),
      pick(NUMBERS),
      pick(NUMBERS),
      pick(DISTRICT),
    ].map((v) => (rnd() < 0.1 ? `"${v.replace(/"/g, '""')}"` : csvField(v)));
    // A lone CR ends a record when the line also has a quote, so keep it to quote-free lines.
    lines.push([...row, note === "lone\rcr" && row.some((v) => v.includes('"')) ? "plain" : note].join(","));
  }
  return lines.join(rnd() < 0.5 ? "\n" : "\r\n") + "\n";
}

interface Outcome {
  output: Buffer;
  root: string;
  leaves: Buffer;
  handles: Buffer;
  stats: unknown;
}

/** The delivery computed from rows with the text-level functions, the way it is specified. */
async function reference(
  dir: string,
  input: string,
  deliveryId: string,
  spec: WatermarkSpec,
  outputFormat: Format,
): Promise<Outcome> {
  const keys = deriveDeliveryKeys(MASTER, deliveryId);
  const rows = await readAllRecords(input, { format: "csv" });
  const embedder = new WatermarkEmbedder(keys.watermarkKey, spec);
  for (const r of rows) embedder.embed(r);
  const out = join(dir, `reference.${outputFormat}`);
  await writeRecords(out, outputFormat, rows);
  const fp = new Fingerprinter(keys.fingerprintKey);
  const hc = new HandleComputer(deriveIndexKey(MASTER));
  const leaves = Buffer.concat(rows.map((r) => fp.leafHash(r)));
  return {
    output: readFileSync(out),
    root: referenceRoot(leaves).toString("hex"),
    leaves,
    handles: Buffer.concat(rows.map((r) => hc.handle(r))),
    stats: embedder.stats,
  };
}

/**
 * The delivery computed by the marker the pipeline uses, fed in pieces of `piece` bytes, with
 * each batch hashed as it ends; `lanes: false` uses only the record-by-record SM3.
 */
async function marked(
  dir: string,
  input: string,
  deliveryId: string,
  spec: WatermarkSpec,
  outputFormat: Format,
  piece: number,
  lanes = true,
): Promise<Outcome> {
  const keys = deriveDeliveryKeys(MASTER, deliveryId);
  const out = join(dir, `marked-${piece}-${lanes}.${outputFormat}`);
  const embedder = new WatermarkEmbedder(keys.watermarkKey, spec);
  const writer = new RecordWriter(out, outputFormat);
  const hashes = new DeliveryHashes({
    fingerprintKey: keys.fingerprintKey,
    indexKey: deriveIndexKey(MASTER),
    keep: true,
    lanes,
  });
  const marker = recordMarker("csv", outputFormat, { embedder, writer, hashes }, lanes);
  const bytes = readFileSync(input);
  for (let o = 0; o < bytes.length; o += piece) {
    marker.push(bytes.subarray(o, o + piece), false);
    await hashes.endBatch();
  }
  marker.push(Buffer.alloc(0), true);
  await hashes.close();
  await writer.close();
  const kept = hashes.kept()!;
  return {
    output: readFileSync(out),
    root: hashes.root().toString("hex"),
    leaves: kept.leafHashes,
    handles: kept.handles!,
    stats: embedder.stats,
  };
}

describe("trace: delivery on bytes", function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "pdl-trace-bytes-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("marks, writes and hashes tricky CSV exactly as the row-level functions do, whatever the chunking", async () => {
    const rnd = seeded(23);
    for (let round = 0; round < 6; round++) {
      const input = join(dir, `tricky-${round}.csv`);
      writeFileSync(input, (round === 0 ? "\ufeff" : "") + trickyDeliveryCsv(rnd, 400));
      const ref = await reference(dir, input, `d-${round}`, TRICKY_SPEC, "csv");
      expect((ref.stats as { cellsChanged: number }).cellsChanged).to.be.greaterThan(100);
      for (const [piece, lanes] of [
        [7, true],
        [100, true],
        [1 << 20, true],
        [100, false],
        [1 << 20, false],
      ] as const) {
        const got = await marked(dir, input, `d-${round}`, TRICKY_SPEC, "csv", piece, lanes);
        expect(got.output.equals(ref.output), `round ${round}, pieces of ${piece}, lanes ${lanes}: output`).to.equal(
          true,
        );
        expect(got.root).to.equal(ref.root);
        expect(got.leaves.equals(ref.leaves)).to.equal(true);
        expect(got.handles.equals(ref.handles)).to.equal(true);
        expect(got.stats).to.deep.equal(ref.stats);
      }
      // The text path (CSV to JSON lines) agrees with the same reference.
      const json = await marked(dir, input, `d-${round}`, TRICKY_SPEC, "jsonl", 100);
      const jsonRef = await reference(dir, input, `d-${round}`, TRICKY_SPEC, "jsonl");
      expect(json.output.equals(jsonRef.output)).to.equal(true);
      expect(json.root).to.equal(jsonRef.root);
      expect(json.handles.equals(jsonRef.handles)).to.equal(true);
    }
  });

  it("looks variant forms up by map when there are many, with the same result", async () => {
    const input = join(dir, "many.csv");
    writeFileSync(
      input,
      "id,district,amount\n" +
        Array.from(
          { length: 500 },
          (_, i) => `k${i},${["龙华区", "观澜", "p2", '"a,b"', "\ufffd", "x", "other"][i % 7]},${i / 10}`,
        ).join("\n") +
        "\n",
    );
    const ref = await reference(dir, input, "many", MANY_FORMS_SPEC, "csv");
    expect((ref.stats as { cellsChanged: number }).cellsChanged).to.be.greaterThan(100);
    for (const lanes of [true, false]) {
      const got = await marked(dir, input, "many", MANY_FORMS_SPEC, "csv", 1000, lanes);
      expect(got.output.equals(ref.output)).to.equal(true);
      expect(got.root).to.equal(ref.root);
      expect(got.stats).to.deep.equal(ref.stats);
    }
  });

  it("gives deliverDataset the same result as the reference, and the same root for the same records in JSON lines", async () => {
    const input = join(dir, "d.csv");
    writeFileSync(input, trickyDeliveryCsv(seeded(31), 3000));
    const ref = await reference(dir, input, "d-full", TRICKY_SPEC, "csv");
    const got = await deliverDataset({
      input,
      output: join(dir, "d-out.csv"),
      deliveryId: "d-full",
      masterSecret: MASTER,
      watermark: TRICKY_SPEC,
    });
    expect(readFileSync(join(dir, "d-out.csv")).equals(ref.output)).to.equal(true);
    expect(got.fingerprintRoot).to.equal(ref.root);
    expect(got.handles!.equals(ref.handles)).to.equal(true);
    expect(got.embed).to.deep.equal(ref.stats);
    expect(got.outputBytes).to.equal(ref.output.length);
    expect(got.outputHash).to.equal(sm3(ref.output).toString("hex"));
    const scalar = await deliverDataset({
      input,
      output: join(dir, "d-scalar.csv"),
      deliveryId: "d-full",
      masterSecret: MASTER,
      watermark: TRICKY_SPEC,
      simd: false,
    });
    expect(readFileSync(join(dir, "d-scalar.csv")).equals(ref.output)).to.equal(true);
    expect(scalar.fingerprintRoot).to.equal(ref.root);
    expect(scalar.handles!.equals(ref.handles)).to.equal(true);
    // Each record's mark byte is the number of its cells the watermark changed, on both paths.
    const before = await readAllRecords(input);
    const after = await readAllRecords(join(dir, "d-out.csv"));
    const changedCells = before.map((r, i) => r.values.filter((v, j) => v !== after[i]!.values[j]).length);
    expect(changedCells.some((n) => n > 1)).to.equal(true);
    expect([...got.marks!]).to.deep.equal(changedCells);
    expect([...scalar.marks!]).to.deep.equal(changedCells);
    // Delivering the marked copy's records again from JSON lines leaves them unchanged: the root is
    // that of the same canonical records.
    const unmarked: WatermarkSpec = {
      keyColumns: ["id"],
      columns: [{ column: "nothing", kind: "number", decimals: 0 }],
    };
    await writeRecords(join(dir, "d-out.jsonl"), "jsonl", await readAllRecords(join(dir, "d-out.csv")));
    const fromCsv = await deliverDataset({
      input: join(dir, "d-out.csv"),
      output: join(dir, "again.csv"),
      deliveryId: "again",
      masterSecret: MASTER,
      watermark: unmarked,
    });
    const fromJson = await deliverDataset({
      input: join(dir, "d-out.jsonl"),
      output: join(dir, "again.jsonl"),
      deliveryId: "again",
      masterSecret: MASTER,
      watermark: unmarked,
    });
    expect(fromCsv.fingerprintRoot).to.equal(fromJson.fingerprintRoot);
    expect(readFileSync(join(dir, "again.csv")).equals(readFileSync(join(dir, "d-out.csv")))).to.equal(true);
  });
});

describe("trace: SM3 four lanes at a time", function () {
  this.timeout(60_000);

  it("matches OpenSSL SM3 and HMAC-SM3 on random messages of mixed lengths, idle lanes, memory growth and reuse included", () => {
    const lanes = Sm3Lanes.create();
    expect(lanes, "WebAssembly SIMD").to.not.equal(undefined);
    const key = randomBytes(32);
    const { inner, outer } = lanes!.hmacStates(key);
    const rnd = seeded(41);
    // Mixed lengths make groups of every size; the first round grows the memory past its start,
    // the second reuses it.
    for (const count of [30_000, 5000]) {
      const messages = Array.from({ length: count }, (_, i) =>
        randomBytes(i < count - 10 ? Math.floor(rnd() * 300) : 5000),
      );
      const jobs = messages.map((m) => {
        const at = lanes!.message(m.length, 0);
        lanes!.bytes.set(m, at);
        const out = lanes!.scratch(32);
        lanes!.job(lanes!.iv, at, paddedBlocks(m.length), out);
        const macAt = lanes!.message(m.length, 1);
        lanes!.bytes.set(m, macAt);
        const outerAt = lanes!.message(32, 1);
        lanes!.job(inner, macAt, paddedBlocks(m.length), outerAt);
        return { out, outerAt, mac: lanes!.scratch(32) };
      });
      lanes!.run();
      for (const j of jobs) lanes!.job(outer, j.outerAt, 1, j.mac);
      lanes!.run();
      jobs.forEach((j, i) => {
        expect(hex(lanes!.bytes.subarray(j.out, j.out + 32)), `SM3 of ${messages[i]!.length} bytes`).to.equal(
          hex(sm3(messages[i]!)),
        );
        expect(hex(lanes!.bytes.subarray(j.mac, j.mac + 32)), `HMAC of ${messages[i]!.length} bytes`).to.equal(
          hex(hmacSm3(key, messages[i]!)),
        );
      });
      lanes!.reset();
    }
  });

  it("hashes records into the same leaves, handles and root as the record-by-record path, for every count and batching", async () => {
    const rnd = seeded(43);
    const fingerprintKey = randomBytes(32);
    const indexKey = randomBytes(32);
    for (const count of [0, 1, 2, 7, 8, 9, 31, 64, 1000, 20_000]) {
      const records = Array.from({ length: count }, () => randomBytes(Math.floor(rnd() * 250)));
      const results = [];
      for (const lanes of [false, true]) {
        const h = new DeliveryHashes({
          fingerprintKey,
          indexKey: count % 2 === 0 ? indexKey : undefined,
          keep: true,
          lanes,
        });
        for (const r of records) {
          h.add(Uint8Array.from(r), r.length);
          if (rnd() < 0.01) await h.endBatch();
        }
        await h.close();
        results.push({ root: h.root().toString("hex"), count: h.count, ...h.kept()! });
      }
      const [scalar, lanes] = results;
      expect(lanes!.count).to.equal(count);
      expect(lanes!.root, `root of ${count}`).to.equal(scalar!.root);
      expect(lanes!.leafHashes.equals(scalar!.leafHashes)).to.equal(true);
      // Handles only under an index key (every other count runs without one).
      if (count % 2 === 0) expect(lanes!.handles!.equals(scalar!.handles!)).to.equal(true);
      else expect([lanes!.handles?.length ?? 0, scalar!.handles?.length ?? 0]).to.deep.equal([0, 0]);
      expect(lanes!.root).to.equal(referenceRoot(scalar!.leafHashes).toString("hex"));
    }
  });
});

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}
