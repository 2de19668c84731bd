import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { canonicalBytes, canonicalJson } from "../../core/canonical.ts";
import { hmacSm3, sm3 } from "../../core/crypto/sm3.ts";
import { leafHash, rootFromLeafHashes, verifyInclusion } from "../../ledger-service/src/log/rfc9162.ts";
import {
  binomialTailHalf,
  canonicalRecord,
  decisionThreshold,
  deliverDataset,
  deriveDeliveryKeys,
  deriveIndexKey,
  detectFormat,
  detectWatermark,
  FingerprintStore,
  HmacSm3,
  openDeliveryKeys,
  ProofTree,
  readAllRecords,
  referenceRoot,
  rowToObject,
  sealDeliveryKeys,
  sm3Fast,
  StreamingRoot,
  traceLeak,
  verifyWatermarkCommitment,
  watermarkCommitment,
  writeRecords,
  type DeliveryResult,
  type Row,
  type TraceCandidate,
} from "../../ledger-service/src/trace/index.ts";
import { MASTER, SPEC, STORAGE_KEY, shuffle, writeDataset } from "./helpers.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("trace: SM3 in TypeScript", () => {
  it("matches OpenSSL SM3 and HMAC-SM3 on random inputs", () => {
    for (let len = 0; len < 300; len += 7) {
      const data = randomBytes(len);
      const key = randomBytes(1 + (len % 90));
      expect(hex(sm3Fast(data))).to.equal(hex(sm3(data)));
      expect(hex(new HmacSm3(key).mac(data))).to.equal(hex(hmacSm3(key, data)));
    }
  });

  it("streams the same RFC 9162 root as rfc9162.rootFromLeafHashes at every size", () => {
    const leaves = Array.from({ length: 70 }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
    const s = new StreamingRoot();
    expect(hex(s.root())).to.equal(hex(rootFromLeafHashes([])));
    leaves.forEach((l, i) => {
      s.push(l, 0);
      expect(hex(s.root())).to.equal(hex(rootFromLeafHashes(leaves.slice(0, i + 1))));
    });
  });
});

describe("trace: records", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "pdl-trace-rec-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reads CSV with quotes, commas, newlines, CRLF, BOM and Unicode, and writes it back identically", async () => {
    const csv = '\ufeffid,text,n\r\n1,"a, ""quoted"" one",3\r\n2,"two\nlines",4\r\n3,简体中文,\r\n';
    writeFileSync(join(dir, "a.csv"), csv);
    const rows = await readAllRecords(join(dir, "a.csv"));
    expect(rows.map(rowToObject)).to.deep.equal([
      { id: "1", text: 'a, "quoted" one', n: "3" },
      { id: "2", text: "two\nlines", n: "4" },
      { id: "3", text: "简体中文", n: "" },
    ]);
    await writeRecords(join(dir, "b.csv"), "csv", rows);
    const again = await readAllRecords(join(dir, "b.csv"));
    expect(again.map(rowToObject)).to.deep.equal(rows.map(rowToObject));
    await writeRecords(join(dir, "c.jsonl"), "jsonl", rows);
    expect(await detectFormat(join(dir, "c.jsonl"))).to.equal("jsonl");
    const fromJson = await readAllRecords(join(dir, "c.jsonl"));
    expect(fromJson.map(rowToObject)).to.deep.equal(rows.map(rowToObject));
    expect(fromJson.map(canonicalRecord)).to.deep.equal(rows.map(canonicalRecord));
  });

  it("round-trips a larger dataset through CSV and JSON lines, chunk boundaries included", async () => {
    writeDataset(join(dir, "big.csv"), 5000);
    const rows = await readAllRecords(join(dir, "big.csv"), { highWaterMark: 1000 });
    expect(rows).to.have.length(5000);
    await writeRecords(join(dir, "big.jsonl"), "jsonl", rows);
    await writeRecords(
      join(dir, "big2.csv"),
      "csv",
      await readAllRecords(join(dir, "big.jsonl"), { highWaterMark: 777 }),
    );
    expect(readFileSync(join(dir, "big2.csv"), "utf8")).to.equal(readFileSync(join(dir, "big.csv"), "utf8"));
  });

  it("normalises JSON values and defines the canonical form as RFC 8785 JSON of string values", async () => {
    writeFileSync(
      join(dir, "t.jsonl"),
      '{"b":1.5,"a":"x\\u0001","c":null,"d":true,"e":{"z":1,"y":[2]},"é":"😀"}\n{"a":"\\ud800"}\n',
    );
    const [row, lone] = await readAllRecords(join(dir, "t.jsonl"));
    expect(rowToObject(row!)).to.deep.equal({
      b: "1.5",
      a: "x\u0001",
      c: "",
      d: "true",
      e: '{"y":[2],"z":1}',
      é: "😀",
    });
    expect(canonicalRecord(row!)).to.equal(canonicalJson(rowToObject(row!)));
    // Like RFC 8785 implementations, a lone surrogate has no canonical form.
    expect(() => canonicalRecord(lone!)).to.throw();
    const cols = ["z", "a", "€", "A", "ä", "aa"];
    const r: Row = { columns: cols, values: cols.map((c) => `v"${c}\\`) };
    expect(canonicalRecord(r)).to.equal(canonicalJson(rowToObject(r)));
  });

  it("keeps the digits of JSON numbers a double cannot hold (18-digit ID numbers), and reads other numbers as before", async () => {
    writeFileSync(
      join(dir, "big.jsonl"),
      [
        '{"id":110101199003071234,"amount":12.50,"n":7,"x":1e400,"f":0.10000000000000001,"e":1.5e3,"a":[110101199003071234]}',
        '{"id":-440300198812319999,"amount":123456789012.25,"n":9007199254740993,"z":-0}',
      ].join("\n"),
    );
    const rows = (await readAllRecords(join(dir, "big.jsonl"))).map(rowToObject);
    expect(rows).to.deep.equal([
      {
        id: "110101199003071234",
        amount: "12.5",
        n: "7",
        x: "1e400",
        f: "0.10000000000000001",
        e: "1500",
        // Inside an array a number is what its RFC 8785 form holds: a double.
        a: "[110101199003071230]",
      },
      { id: "-440300198812319999", amount: "123456789012.25", n: "9007199254740993", z: "0" },
    ]);
    // JSON.parse alone changes them: this is what the key and the fingerprint used to see.
    expect(String(JSON.parse("110101199003071234"))).to.equal("110101199003071230");
  });
});

describe("trace: keys", () => {
  it("derives separated per-delivery keys, commits to the watermark key, seals keys at rest", () => {
    const a = deriveDeliveryKeys(MASTER, "d-1");
    const b = deriveDeliveryKeys(MASTER, "d-2");
    expect(hex(a.watermarkKey)).to.equal(hex(hmacSm3(MASTER, Buffer.from("PDL-TRACE-v1/watermark-key\u0000d-1"))));
    expect(hex(a.fingerprintKey)).to.equal(hex(hmacSm3(MASTER, Buffer.from("PDL-TRACE-v1/fingerprint-key\u0000d-1"))));
    expect(hex(a.watermarkKey)).to.not.equal(hex(b.watermarkKey));
    expect(hex(a.watermarkKey)).to.not.equal(hex(a.fingerprintKey));
    expect(hex(deriveIndexKey(MASTER))).to.equal(hex(hmacSm3(MASTER, Buffer.from("PDL-TRACE-v1/index-key"))));
    const c = watermarkCommitment(a.watermarkKey);
    expect(c).to.equal(
      hex(sm3(Buffer.concat([Buffer.from("PDL-TRACE-v1/watermark-commitment\u0000"), a.watermarkKey]))),
    );
    expect(verifyWatermarkCommitment(a.watermarkKey, c)).to.equal(true);
    expect(verifyWatermarkCommitment(b.watermarkKey, c)).to.equal(false);
    const sealed = sealDeliveryKeys(STORAGE_KEY, a);
    expect(sealed.includes(a.watermarkKey)).to.equal(false);
    const opened = openDeliveryKeys(STORAGE_KEY, "d-1", sealed);
    expect(hex(opened.watermarkKey)).to.equal(hex(a.watermarkKey));
    expect(() => openDeliveryKeys(STORAGE_KEY, "d-2", sealed)).to.throw();
    expect(() => deriveDeliveryKeys(Buffer.alloc(16), "d-1")).to.throw(RangeError);
  });
});

describe("trace: false-attribution bound", () => {
  it("computes the binomial tail exactly", () => {
    const c = (n: number, k: number) => {
      let r = 1n;
      for (let i = 0; i < k; i++) r = (r * BigInt(n - i)) / BigInt(i + 1);
      return r;
    };
    expect(binomialTailHalf(50, 47)).to.equal(Number(c(50, 47) + c(50, 48) + c(50, 49) + 1n) / 2 ** 50);
    expect(binomialTailHalf(10, 0)).to.equal(1);
    expect(binomialTailHalf(10, 10)).to.equal(2 ** -10);
    expect(binomialTailHalf(10, 11)).to.equal(0);
    expect(binomialTailHalf(100, 50)).to.be.closeTo(0.5397946186935894, 1e-15);
  });

  it("chooses the smallest threshold whose tail is at most alpha", () => {
    for (const [n, alpha] of [
      [30, 1e-9],
      [50, 5e-11],
      [100, 5e-11],
      [150, 1e-9],
      [4000, 1e-9],
    ] as const) {
      const t = decisionThreshold(n, alpha);
      expect(binomialTailHalf(n, t)).to.be.at.most(alpha);
      expect(binomialTailHalf(n, t - 1)).to.be.above(alpha);
    }
    expect(decisionThreshold(29, 1e-9)).to.equal(30); // 2^-29 > 1e-9: 29 cells can never decide
    expect(decisionThreshold(30, 1e-9)).to.equal(30); // 2^-30 ≈ 9.3e-10
    expect(decisionThreshold(50, 5e-11)).to.equal(47);
    expect(decisionThreshold(100, 5e-11)).to.equal(82);
    expect(decisionThreshold(150, 5e-11)).to.equal(115);
    // Above 4096 cells a Chernoff bound is used: it must be conservative.
    const big = decisionThreshold(5000, 1e-9);
    expect(binomialTailHalf(5000, big)).to.be.at.most(1e-9);
    expect(big).to.be.at.least(decisionThreshold(4096, 1e-9));
  });
});

describe("trace: watermark, fingerprints, store and trace", function () {
  this.timeout(60_000);
  let dir: string;
  const N = 2000;
  const deliveries: DeliveryResult[] = [];
  let source: Row[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-trace-"));
    writeDataset(join(dir, "source.csv"), N);
    source = await readAllRecords(join(dir, "source.csv"));
    for (let i = 0; i < 21; i++) {
      const ext = i % 2 === 0 ? "csv" : "jsonl";
      deliveries.push(
        await deliverDataset({
          input: join(dir, "source.csv"),
          output: join(dir, `d${i}.${ext}`),
          outputFormat: ext,
          deliveryId: `delivery-${i}`,
          masterSecret: MASTER,
          watermark: SPEC,
          leafHashesPath: join(dir, `d${i}.leaves`),
        }),
      );
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  // Deliveries 0..19 are the candidates; delivery 20 is marked with a key nobody tests.
  const candidates = (): TraceCandidate[] =>
    deliveries.slice(0, 20).map((d) => ({
      deliveryId: d.deliveryId,
      keys: deriveDeliveryKeys(MASTER, d.deliveryId),
      watermark: d.watermark,
      fingerprintRoot: d.fingerprintRoot,
      leafHashes: d.leafHashes!,
    }));

  it("changes values only within the declared tolerance and only among declared forms", async () => {
    const marked = await readAllRecords(join(dir, "d4.csv"));
    expect(marked).to.have.length(N);
    let changed = 0;
    marked.forEach((row, i) => {
      const a = rowToObject(source[i]!);
      const b = rowToObject(row);
      expect(b.id).to.equal(a.id);
      expect(b.name).to.equal(a.name);
      expect(b.note).to.equal(a.note);
      expect(Math.abs(Number(b.amount) - Number(a.amount))).to.be.at.most(0.01 + 1e-9);
      expect(Math.abs(Number(b.count) - Number(a.count))).to.be.at.most(1);
      expect(Number(b.count)).to.be.at.least(0);
      if (a.district !== b.district) expect([a.district, b.district].sort()).to.deep.equal(["深圳市龙华区", "龙华区"]);
      if (a.amount !== b.amount || a.count !== b.count || a.district !== b.district) changed++;
    });
    expect(changed).to.be.greaterThan(N / 2);
    expect(deliveries[4]!.embed.maxStepsChanged).to.equal(1);
  });

  it("picks the right delivery out of 20 from 50 leaked records after shuffling, CSV→JSON with typed numbers and dropping unused columns", async () => {
    const marked = await readAllRecords(join(dir, "d8.csv"));
    const leaked = shuffle(marked, 99).slice(0, 50);
    // The leaker converts to JSON, types the numbers and keeps only some columns.
    const lines = leaked.map((r) => {
      const o = rowToObject(r);
      return JSON.stringify({ amount: Number(o.amount), district: o.district, id: o.id, count: Number(o.count) });
    });
    writeFileSync(join(dir, "leak.json"), lines.join("\n") + "\n");
    const result = await traceLeak(join(dir, "leak.json"), { candidates: candidates() });
    expect(result.verdict).to.equal("watermark detected");
    expect(result.watermarkAttributed).to.deep.equal(["delivery-8"]);
    const top = result.watermark[0]!;
    expect(top.deliveryId).to.equal("delivery-8");
    expect(top.total).to.be.at.least(100);
    expect(top.matched).to.equal(top.total);
    expect(top.pValue).to.be.below(1e-9 / 20);
    for (const w of result.watermark.slice(1)) expect(w.detected).to.equal(false);
  });

  it("answers 'no watermark' on unmarked data and on data marked with another key", async () => {
    const unmarked = await traceLeak(join(dir, "source.csv"), { candidates: candidates() });
    expect(unmarked.verdict).to.equal("no watermark");
    expect(unmarked.watermark.every((w) => w.total > 1000 && w.score > 0.4 && w.score < 0.6)).to.equal(true);
    const other = await traceLeak(join(dir, "d20.csv"), { candidates: candidates() });
    expect(other.verdict).to.equal("no watermark");
    // The same 50-record subset, from the unlisted delivery.
    const rows = shuffle(await readAllRecords(join(dir, "d20.csv")), 5).slice(0, 50);
    for (const c of candidates())
      expect(detectWatermark(rows, c.keys!.watermarkKey, SPEC, { comparisons: 20 }).detected).to.equal(false);
  });

  it("builds the fingerprint root as the RFC 9162 root of SM3(0x00 ‖ HMAC-SM3(fpKey, canonical record as delivered))", async () => {
    const d = deliveries[1]!;
    const keys = deriveDeliveryKeys(MASTER, d.deliveryId);
    const delivered = await readAllRecords(join(dir, "d1.jsonl"));
    const leaves = delivered.map((r) => leafHash(hmacSm3(keys.fingerprintKey, canonicalBytes(rowToObject(r)))));
    expect(hex(rootFromLeafHashes(leaves))).to.equal(d.fingerprintRoot);
    expect(referenceRoot(d.leafHashes!).toString("hex")).to.equal(d.fingerprintRoot);
    expect(readFileSync(join(dir, "d1.leaves")).equals(d.leafHashes!)).to.equal(true);
    expect(d.recordCount).to.equal(N);
    expect(d.watermarkCommitment).to.equal(watermarkCommitment(keys.watermarkKey));
    const t = new ProofTree(d.leafHashes!);
    for (const i of [0, 1, 777, N - 1])
      expect(verifyInclusion(i, N, leaves[i]!, await t.proof(i), Buffer.from(d.fingerprintRoot, "hex"))).to.equal(true);
  });

  it("stores no raw values, finds a leaked record's delivery and index, and proves it under the delivery root", async () => {
    const storeDir = join(dir, "store");
    let store = await FingerprintStore.open(storeDir, { storageKey: STORAGE_KEY, indexKey: deriveIndexKey(MASTER) });
    for (const d of deliveries.slice(0, 20)) {
      await store.registerDelivery(
        {
          deliveryId: d.deliveryId,
          recordCount: d.recordCount,
          fingerprintRoot: d.fingerprintRoot,
          watermarkCommitment: d.watermarkCommitment,
          watermark: d.watermark,
        },
        deriveDeliveryKeys(MASTER, d.deliveryId),
      );
      await store.addHandles(d.deliveryId, d.handles!);
      await store.putLeafHashes(d.deliveryId, d.leafHashes!);
    }
    await store.close();
    // No cell value and no key appears anywhere in the LevelDB files.
    const files = readdirSync(storeDir).map((f) => readFileSync(join(storeDir, f)));
    const needles = [
      "张三1234",
      "R001234",
      "cat-5",
      deriveDeliveryKeys(MASTER, "delivery-4").watermarkKey.toString("hex"),
    ];
    for (const needle of needles)
      for (const f of files) expect(f.includes(Buffer.from(needle, "utf8")), needle).to.equal(false);
    for (const f of files) expect(f.includes(deriveDeliveryKeys(MASTER, "delivery-4").fingerprintKey)).to.equal(false);
    for (const f of files) expect(f.includes(deriveIndexKey(MASTER))).to.equal(false);

    store = await FingerprintStore.open(storeDir, { storageKey: STORAGE_KEY });
    try {
      const marked = await readAllRecords(join(dir, "d12.csv"));
      const picks = [5, 1500, 42];
      await writeRecords(
        join(dir, "leak12.csv"),
        "csv",
        picks.map((i) => marked[i]!),
      );
      // Candidates come from the store (keys deposited there, sealed).
      const result = await traceLeak(join(dir, "leak12.csv"), { store });
      expect(result.unmatchedRecords).to.equal(0);
      const hit = result.exact.find((e) => e.deliveryId === "delivery-12")!;
      expect(hit.matches.map((m) => m.index)).to.deep.equal(picks);
      expect(hit.verified).to.equal(true);
      expect(hit.fingerprintRoot).to.equal(deliveries[12]!.fingerprintRoot);
      for (const p of hit.proofs) {
        expect(
          verifyInclusion(
            p.index,
            N,
            Buffer.from(p.leafHash, "hex"),
            p.proof.map((x) => Buffer.from(x, "hex")),
            Buffer.from(deliveries[12]!.fingerprintRoot, "hex"),
          ),
        ).to.equal(true);
      }
      // An unmarked source record that the mark left identical in several deliveries hits all of them.
      const single = await store.lookup(Buffer.alloc(16));
      expect(single).to.deep.equal([]);
      // The unmarked source file matches nothing exactly unless the mark left a record unchanged.
      const srcResult = await traceLeak(join(dir, "source.csv"), { store, candidates: [] });
      expect(srcResult.exact.every((e) => e.proofs.every((p) => p.verified))).to.equal(true);
    } finally {
      await store.close();
    }
  });
});
