import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { sm3 } from "../../core/crypto/sm3.ts";
import type { DestructionCertificate } from "../../core/records/destruction.ts";
import type { LineageHop } from "../../core/records/lineage.ts";
import { checkProofs } from "../../ledger-service/src/client/cli/commands/trace-command.ts";
import { DEFAULTS, type Config } from "../../ledger-service/src/config.ts";
import { sealKey, writeKeyFile } from "../../core/keyfile.ts";
import { verifyReceiptOffline } from "../../ledger-service/src/log/receipt.ts";
import { verifyInclusion } from "../../ledger-service/src/log/rfc9162.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import type { TraceReport } from "../../core/trace-report.ts";
import { TRACE_PATHS, type DeliveryKeysResponse, type IntakeStatus } from "../../ledger-service/src/trace/api.ts";
import {
  readAllRecords,
  rowFromObject,
  rowToObject,
  writeRecords,
  type Format,
  type Row,
} from "../../ledger-service/src/trace/datasets.ts";
import { deliverAndRegister, type DeliverSummary } from "../../ledger-service/src/client/operator/delivery.ts";
import { closeTraceRuntime } from "../../ledger-service/src/trace/service/runtime.ts";
import { traceFile } from "../../ledger-service/src/client/supervisor/leak-trace.ts";
import { delivery, deliverBody, h } from "../../scripts/scenarios/fixtures.ts";
import { MEMBERS, org, type ActorName } from "../../scripts/scenarios/world.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { SPEC, shuffle, writeDataset } from "./helpers.ts";
import { runPdl as pdl } from "../cli/run-pdl.ts";

/**
 * Leak tracing end to end on the running service (embedded chain): the operator delivers one
 * product to two recipients with `deliverAndRegister` (what `pdl deliver` runs), the supervisor
 * traces leaked files with `traceFile` (what `pdl trace` runs), and the CLI does both.
 */
const PASSPHRASE = "trace test passphrase";
const RECORDS = 9000;
const LEAKED = 50;

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe("leak tracing on the running service: deliver to two recipients, trace leaks", function () {
  this.timeout(240_000);
  let dir: string;
  let service: RunningService;
  let c: Record<ActorName, LedgerClient>;
  const url = () => `http://127.0.0.1:${service.address().port}`;
  const source = () => join(dir, "source.csv");
  const toCon = () => join(dir, "to-con.csv");
  const toOp2 = () => join(dir, "to-op2.jsonl");
  let con: DeliverSummary;
  let op2: DeliverSummary;

  /** Writes `rows` as a leaked file and traces it as the supervisor. */
  async function traceLeak(
    name: string,
    rows: readonly Row[],
    format: Format,
    options: { at?: number } = {},
  ): Promise<TraceReport> {
    const path = join(dir, name);
    await writeRecords(path, format, rows);
    const result = await traceFile(c.sup, path, options);
    expect(result.sent).to.equal(rows.length);
    return result.report;
  }

  /** `LEAKED` records of a delivered copy, shuffled. */
  async function leakOf(copy: string, seed: number): Promise<Row[]> {
    return shuffle(await readAllRecords(copy), seed).slice(0, LEAKED);
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-trace-svc-"));
    const config: Config = {
      ...DEFAULTS,
      port: 0,
      dataDir: join(dir, "data"),
      logLevel: "silent",
      log: { ...DEFAULTS.log, anchorEverySeconds: 3600, anchorEveryLeaves: 100_000 },
    };
    service = await startService(config, { env: { LEDGER_AGENCY_PASSPHRASE: "trace test" } });
    c = clientsFor(service, url());
    await playStory(service, c);
    writeDataset(source(), RECORDS);
    const common = { input: source(), productId: "P1", watermark: SPEC, fromHops: ["H1"] };
    con = await deliverAndRegister(c.op, { ...common, output: toCon(), deliveryId: "D-CON", recipient: org("con") });
    op2 = await deliverAndRegister(c.op, {
      ...common,
      output: toOp2(),
      outputFormat: "jsonl",
      deliveryId: "D-OP2",
      recipient: org("op2"),
    });
  });
  after(async () => {
    await service?.stop();
    await closeTraceRuntime(join(dir, "data"));
    rmSync(dir, { recursive: true, force: true });
  });

  it("delivers one product to two recipients: distinct marked copies, root and commitment on chain, fingerprints indexed, no raw value at the service", async () => {
    for (const [s, recipient] of [
      [con, "con"],
      [op2, "op2"],
    ] as const) {
      expect(s.recordCount).to.equal(RECORDS);
      expect(s.fingerprints).to.deep.include({
        deliveryId: s.deliveryId,
        recordCount: RECORDS,
        staged: RECORDS,
        indexed: true,
        fingerprintRoot: s.fingerprintRoot,
      });
      expect(s.fingerprints.chunkRecords, "deposited in several chunks").to.be.below(RECORDS / 2);
      const hop = (await c.sup.get<{ created: LineageHop }>(`/v1/hops/${s.deliveryId}`)).created;
      expect(hop).to.deep.include({
        operation: "deliver",
        productId: "P1",
        grantId: "G1",
        recordCount: RECORDS,
        outputHash: s.outputHash,
      });
      expect(hop.delivery).to.deep.include({
        recipient: org(recipient),
        fingerprintRoot: s.fingerprintRoot,
        watermarkCommitment: s.watermarkCommitment,
      });
      expect(hop.inputs).to.deep.equal([
        {
          kind: "artifact",
          hopId: "H1",
          hash: (await c.sup.get<{ created: LineageHop }>("/v1/hops/H1")).created.outputHash,
        },
      ]);
      expect((await c.sup.get<IntakeStatus>(TRACE_PATHS.delivery(s.deliveryId))).indexed).to.equal(true);
    }
    expect(con.fingerprintRoot).to.not.equal(op2.fingerprintRoot);
    expect(con.watermarkCommitment).to.not.equal(op2.watermarkCommitment);
    // The hop's output hash is the SM3 of the file the recipient got.
    expect(con.outputHash).to.equal(sm3(readFileSync(toCon())).toString("hex"));
    expect(op2.outputHash).to.equal(sm3(readFileSync(toOp2())).toString("hex"));
    // The two copies differ from the source and from each other, cell by cell, within tolerance.
    const src = (await readAllRecords(source())).map(rowToObject);
    const a = (await readAllRecords(toCon())).map(rowToObject);
    const b = (await readAllRecords(toOp2())).map(rowToObject);
    expect(a.map((r) => r.id)).to.deep.equal(src.map((r) => r.id));
    const differ = (x: Record<string, string>[], y: Record<string, string>[]) =>
      x.filter((r, i) => JSON.stringify(r) !== JSON.stringify(y[i])).length;
    expect(differ(a, src)).to.be.greaterThan(RECORDS / 2);
    expect(differ(a, b)).to.be.greaterThan(RECORDS / 2);
    for (let i = 0; i < RECORDS; i++)
      expect(Math.abs(Number(a[i]!.amount) - Number(src[i]!.amount))).to.be.at.most(0.0100001);

    // Only the author, the agency and supervisors see the intake; the recipient does not.
    expect((await c.con.raw("GET", TRACE_PATHS.delivery("D-CON"))).status).to.equal(403);
    // Keys are for operators and partners; a second deposit of an indexed delivery is refused.
    expect((await c.sup.raw("POST", TRACE_PATHS.keys, { deliveryId: "D-X" })).status).to.equal(403);
    expect(
      ((await c.op.raw("POST", TRACE_PATHS.delivery("D-CON"), { watermark: SPEC })).json as { error: { code: string } })
        .error.code,
    ).to.equal("DUPLICATE_ID");

    // No record value anywhere in the service's data directory: every name cell holds 张三.
    const marker = Buffer.from("张三", "utf8");
    const hits = filesUnder(join(dir, "data")).filter((f) => statSync(f).size > 0 && readFileSync(f).includes(marker));
    expect(hits, "files holding a record value").to.deep.equal([]);
  });

  it("traces a leaked subset from one recipient to that recipient and not the other, with proofs, lineage, grant and receipts", async () => {
    await service.checkpointer.checkpoint();
    await service.anchorNow();
    const report = await traceLeak("leak-con.csv", await leakOf(toCon(), 3), "csv");
    expect(report.verdict).to.equal("attributed");
    expect(report.attributedTo).to.deep.equal(["D-CON"]);
    expect(report.violations).to.deep.equal([]);
    expect(report.comparisons).to.equal(2);
    expect(report.alpha).to.equal(1e-9);
    expect(report.unmatchedRecords).to.equal(0);

    const found = report.deliveries[0]!;
    expect(found.deliveryId).to.equal("D-CON");
    expect(found.attributed).to.equal(true);
    expect(found.recipient).to.deep.include({ orgId: org("con") });
    expect(found.deliveredBy).to.deep.include({ orgId: org("op") });
    expect(found.product).to.deep.include({ id: "P1" });
    expect(found.grant).to.deep.include({
      id: "G1",
      statusAtDelivery: "active",
      inTermAtDelivery: true,
      activeAtDelivery: true,
      statusNow: "active",
    });
    expect(found.lineage.hops.map((h) => h.id)).to.deep.equal(["H1", "D-CON"]);
    expect(found.lineage.resources.map((r) => r.id)).to.deep.equal(["R1"]);
    expect(found.destruction).to.deep.include({ violation: false, coveredAtLeak: false });
    // The receipts of the delivery, grant and product verify offline with the log key alone.
    for (const receipt of [found.receipts.delivery, found.receipts.grant, found.receipts.product]) {
      expect(verifyReceiptOffline(receipt, service.keyring.log.publicKey)).to.deep.include({
        ok: true,
        state: "anchored",
      });
    }
    // Every leaked record is in D-CON as delivered; each inclusion proof verifies against the root on chain.
    expect(found.exact!.matchedRecords).to.equal(LEAKED);
    expect(found.exact!.uniqueRecords).to.be.greaterThan(LEAKED / 2);
    expect(found.exact!.proofsVerified).to.equal(true);
    expect(found.exact!.fingerprintRoot).to.equal(con.fingerprintRoot);
    const hex = (s: string) => Buffer.from(s, "hex");
    for (const p of found.exact!.proofs)
      expect(verifyInclusion(p.index, RECORDS, hex(p.leafHash), p.proof.map(hex), hex(con.fingerprintRoot))).to.equal(
        true,
      );
    // The watermark of D-CON is detected far beyond the bound; D-OP2's scores like a coin.
    const wm = found.watermark!;
    expect(wm.detected).to.equal(true);
    expect(wm.pValue).to.be.below(1e-20);
    // Two deliveries tested, two tests each: level = alpha / 4.
    expect(wm.level).to.equal(2.5e-10);
    expect(found.evidence[0]).to.deep.include({ kind: "watermark", matched: wm.matched, total: wm.total });
    // Most leaked records are D-CON's as delivered and changed by its mark; with 50 records that
    // test is weaker than the watermark's (each record counts once, each cell in the watermark).
    expect(found.exact!.markedRecords).to.be.greaterThan(LEAKED / 2);
    const markedTest = report.markedExact.find((m) => m.deliveryId === "D-CON")!;
    expect(markedTest).to.deep.include({ records: LEAKED, marked: found.exact!.markedRecords, level: 2.5e-10 });
    const other = report.watermark.find((w) => w.deliveryId === "D-OP2")!;
    expect(other.detected).to.equal(false);
    expect(other.score).to.be.within(0.25, 0.75);
    // D-OP2 is not named; it holds, if any, only records the marks left identical in both copies.
    expect(report.deliveries.map((d) => d.deliveryId)).to.deep.equal(["D-CON"]);
    for (const u of report.unattributed) expect(u).to.deep.include({ deliveryId: "D-OP2", uniqueRecords: 0 });

    // And the other way round: a leak of D-OP2's copy goes to D-OP2 only.
    const back = await traceLeak("leak-op2.jsonl", await leakOf(toOp2(), 4), "jsonl");
    expect(back.attributedTo).to.deep.equal(["D-OP2"]);
    expect(back.deliveries[0]!.recipient.orgId).to.equal(org("op2"));
  });

  it("still traces through the watermark when records were changed, converted to JSON and cut to a few columns", async () => {
    // Every leaked record has a changed field, so none matches as delivered.
    const changed = (await leakOf(toCon(), 5)).map((r) =>
      rowFromObject({ ...rowToObject(r), name: `${rowToObject(r).name}先生` }),
    );
    const report = await traceLeak("leak-changed.csv", changed, "csv");
    expect(report.unmatchedRecords).to.equal(LEAKED);
    expect(report.attributedTo).to.deep.equal(["D-CON"]);
    const found = report.deliveries.find((d) => d.deliveryId === "D-CON")!;
    expect(found.exact).to.equal(null);
    expect(found.watermark!.detected).to.equal(true);
    expect(found.recipient.orgId).to.equal(org("con"));

    // Reordered, JSON with typed numbers, only the key and marked columns kept.
    const cut = (await leakOf(toCon(), 6)).map((r) => {
      const o = rowToObject(r);
      return rowFromObject({ id: o.id, amount: Number(o.amount), count: Number(o.count), district: o.district });
    });
    const converted = await traceLeak("leak-cut.jsonl", cut, "jsonl");
    expect(converted.attributedTo).to.deep.equal(["D-CON"]);
    expect(converted.unmatchedRecords).to.equal(LEAKED);
  });

  it("finds no watermark and no delivery in unmarked data", async () => {
    // Data of the same shape and ids, never delivered.
    writeDataset(join(dir, "other.csv"), 200, 99);
    const unmarked = shuffle(await readAllRecords(join(dir, "other.csv")), 8).slice(0, LEAKED);
    const report = await traceLeak("leak-unmarked.csv", unmarked, "csv");
    expect(report.verdict).to.equal("no match");
    expect(report.attributedTo).to.deep.equal([]);
    expect(report.alerts).to.deep.equal([]);
    expect(report.deliveries).to.deep.equal([]);
    expect(report.unmatchedRecords).to.equal(LEAKED);
    expect(report.watermark.map((w) => w.detected)).to.deep.equal([false, false]);

    // The operator's own unmarked source is not attributed to a recipient either (records the
    // marks happened to leave unchanged are still found as delivered, in both copies).
    const fromSource = await traceLeak(
      "leak-source.csv",
      shuffle(await readAllRecords(source()), 9).slice(0, LEAKED),
      "csv",
    );
    expect(fromSource.attributedTo).to.deep.equal([]);
    expect(fromSource.verdict).to.be.oneOf(["no match", "exact match only"]);
  });

  it("raises a leak-attributed alert for each attributed delivery and leaked sample, once; none for a trace that attributes nothing", async () => {
    const leakAlerts = async () =>
      (
        await c.sup.get<{
          alerts: {
            view: { id: string; grantId: string; signal: string };
            created: { evidence: { kind: string; id: string }[] };
          }[];
        }>("/v1/alerts")
      ).alerts.filter((a) => a.view.signal === "leak-attributed");
    // So far: three samples attributed to D-CON, one to D-OP2; the unmarked and source samples to none.
    const before = await leakAlerts();
    expect(before.map((a) => a.created.evidence.map((e) => `${e.kind}:${e.id}`)).sort()).to.deep.equal([
      ["hop:D-CON"],
      ["hop:D-CON"],
      ["hop:D-CON"],
      ["hop:D-OP2"],
    ]);
    for (const a of before) expect(a.view.grantId).to.equal("G1");
    const again = await traceLeak("leak-con-again.csv", await leakOf(toCon(), 3), "csv");
    expect(again.attributedTo).to.deep.equal(["D-CON"]);
    expect(await leakAlerts(), "the same sample traced again").to.have.length(4);
    expect(again.alerts).to.have.length(1);
    expect(before.map((a) => a.view.id)).to.include(again.alerts![0]);
    const fresh = await traceLeak("leak-con-new.csv", await leakOf(toCon(), 13), "csv");
    const after = await leakAlerts();
    expect(after, "another sample from the same delivery").to.have.length(5);
    expect(before.map((a) => a.view.id)).to.not.include(fresh.alerts![0]);
    expect(after.map((a) => a.view.id)).to.include(fresh.alerts![0]);
  });

  it("pdl deliver and pdl trace: exit codes and JSON output", async () => {
    const opKey = join(dir, "op.key.json");
    const supKey = join(dir, "sup.key.json");
    await writeKeyFile(
      opKey,
      sealKey(
        { purpose: "actor", algorithm: "sm2", orgId: org("op"), privateKey: MEMBERS.op.sm2PrivateKey },
        PASSPHRASE,
      ),
    );
    await writeKeyFile(
      supKey,
      sealKey(
        { purpose: "actor", algorithm: "sm2", orgId: org("sup"), privateKey: MEMBERS.sup.sm2PrivateKey },
        PASSPHRASE,
      ),
    );
    const asOp = { PDL_URL: url(), PDL_KEY: opKey, PDL_KEY_PASSPHRASE: PASSPHRASE };
    const asSup = { ...asOp, PDL_KEY: supKey };
    const spec = join(dir, "spec.json");
    writeFileSync(spec, JSON.stringify(SPEC));
    const out = join(dir, "to-ex.csv");
    const args = [
      "deliver",
      source(),
      "--out",
      out,
      "--id",
      "D-CLI",
      "--product",
      "P1",
      "--recipient",
      org("ex"),
      "--watermark",
      spec,
      "--from-hop",
      "H1",
    ];

    // Local errors exit 1, refusals by the service 3.
    writeFileSync(join(dir, "bad-spec.json"), JSON.stringify({ keyColumns: [], columns: [] }));
    const badSpec = await pdl(
      args.map((a) => (a === spec ? join(dir, "bad-spec.json") : a)),
      asOp,
    );
    expect(badSpec.code, badSpec.stderr).to.equal(1);
    const missing = await pdl(["deliver", join(dir, "nope.csv"), ...args.slice(2)], asOp);
    expect(missing.code, missing.stderr).to.equal(1);
    expect(missing.stderr).to.match(/cannot read/);
    const noSpec = await pdl(
      args.map((a) => (a === spec ? join(dir, "nope.json") : a)),
      asOp,
    );
    expect(noSpec.code, noSpec.stderr).to.equal(1);
    expect(noSpec.stderr)
      .to.match(/no such file/)
      .and.not.match(/\n\s+at /);
    const noProduct = await pdl(
      args.map((a) => (a === "P1" ? "P404" : a)),
      asOp,
    );
    expect(noProduct.code, noProduct.stderr).to.equal(3);
    expect(noProduct.stderr).to.match(/the service refused/);

    const run = await pdl(args, asOp);
    expect(run.code, run.stderr).to.equal(0);
    const summary = JSON.parse(run.stdout) as DeliverSummary;
    expect(summary).to.deep.include({ deliveryId: "D-CLI", recordCount: RECORDS, outputFormat: "csv" });
    expect(summary.fingerprints).to.deep.include({ indexed: true, staged: RECORDS });
    expect(summary.hop!.recordHash).to.match(/^[0-9a-f]{64}$/);
    // Re-running the same delivery keeps the hop and the index: same copy, same root.
    const again = await pdl(args, asOp);
    expect(again.code, again.stderr).to.equal(0);
    expect(JSON.parse(again.stdout)).to.deep.include({
      fingerprintRoot: summary.fingerprintRoot,
      outputHash: summary.outputHash,
    });
    expect(JSON.parse(again.stdout)).to.not.have.property("hop");

    const leak = join(dir, "leak-cli.csv");
    await writeRecords(leak, "csv", shuffle(await readAllRecords(out), 10).slice(0, LEAKED));
    const traced = await pdl(["trace", leak, "--out", join(dir, "answer.json")], asSup);
    expect(traced.code, traced.stderr).to.equal(0);
    const answer = JSON.parse(traced.stdout) as TraceReport & { sent: number; total: number };
    expect(answer).to.deep.include({ sent: LEAKED, total: LEAKED, verdict: "attributed" });
    expect(answer.attributedTo).to.deep.equal(["D-CLI"]);
    expect(answer.deliveries[0]!.recipient.orgId).to.equal(org("ex"));
    expect(JSON.parse(readFileSync(join(dir, "answer.json"), "utf8"))).to.deep.equal(answer);
    // What decides exit code 2: every proof re-checked against the root in the signed hop.
    expect(checkProofs(answer)).to.deep.equal([]);
    const tampered = structuredClone(answer) as unknown as {
      deliveries: { exact: { proofs: { proof: string[]; index: number }[] } }[];
    };
    const proof = tampered.deliveries[0]!.exact.proofs[0]!;
    proof.index = proof.index === 0 ? 1 : proof.index - 1;
    expect(checkProofs(tampered as unknown as TraceReport)).to.have.length(1);
    const text = await pdl(["trace", leak, "--summary"], asSup);
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.match(/verdict: attributed → D-CLI/);
    expect(text.stdout).to.match(/grant at delivery: active/);

    // Unmarked data: exit 0 with the verdict; an operator may not trace (3); no file (1).
    const none = await pdl(["trace", join(dir, "leak-unmarked.csv")], asSup);
    expect(none.code, none.stderr).to.equal(0);
    expect((JSON.parse(none.stdout) as TraceReport).verdict).to.equal("no match");
    const refused = await pdl(["trace", leak], asOp);
    expect(refused.code).to.equal(3);
    expect(refused.stderr).to.match(/FORBIDDEN/);
    const noFile = await pdl(["trace", join(dir, "nope.csv")], asSup);
    expect(noFile.code).to.equal(1);
  });

  it("indexes only fingerprints that hash to the root on chain, under the keys the service issued", async () => {
    type ErrorBody = { error: { code: string; message: string; detail?: string } };
    const keys = await c.op.request<DeliveryKeysResponse>("POST", TRACE_PATHS.keys, { deliveryId: "D-BAD" });
    expect(keys).to.deep.include({ deliveryId: "D-BAD", orgId: org("op") });
    // Another organisation asking for the keys of an existing delivery id is refused.
    expect(
      ((await c.op2.raw("POST", TRACE_PATHS.keys, { deliveryId: "D-CON" })).json as ErrorBody).error.code,
    ).to.equal("DUPLICATE_ID");
    const leaves = Buffer.alloc(3 * 32, 7);
    const handles = Buffer.alloc(3 * 16, 9);
    await c.op.submit(
      "lineage.hop",
      deliverBody("D-BAD", {
        recordCount: 3,
        delivery: delivery({ fingerprintRoot: h("not these leaves"), watermarkCommitment: keys.watermarkCommitment }),
      }) as never,
    );
    await c.op.submit(
      "lineage.hop",
      deliverBody("D-ALIEN", { delivery: delivery({ watermarkCommitment: h("someone else's key") }) }) as never,
    );

    // A commitment to a key the service did not issue: the service could never detect the mark.
    const alien = await c.op.raw("POST", TRACE_PATHS.delivery("D-ALIEN"), { watermark: SPEC });
    expect(alien.status).to.equal(400);
    expect((alien.json as ErrorBody).error.detail).to.match(/commitment/);
    // Only the delivery's author deposits.
    expect((await c.op2.raw("POST", TRACE_PATHS.delivery("D-BAD"), { watermark: SPEC })).status).to.equal(403);

    const begun = await c.op.request<IntakeStatus>("POST", TRACE_PATHS.delivery("D-BAD"), { watermark: SPEC });
    expect(begun).to.deep.include({ staged: 0, recordCount: 3, indexed: false });
    const chunk = (start: number, n: number, final: boolean) => ({
      start,
      handles: handles.subarray(start * 16, (start + n) * 16).toString("base64"),
      leafHashes: leaves.subarray(start * 32, (start + n) * 32).toString("base64"),
      final,
    });
    expect(
      (await c.op.request<IntakeStatus>("POST", TRACE_PATHS.fingerprints("D-BAD"), chunk(0, 2, false))).staged,
    ).to.equal(2);
    // Chunks arrive in order; a resumed upload learns where to continue.
    expect(
      ((await c.op.raw("POST", TRACE_PATHS.fingerprints("D-BAD"), chunk(0, 1, false))).json as ErrorBody).error.detail,
    ).to.match(/starts at record 2/);
    expect(
      (await c.op.request<IntakeStatus>("POST", TRACE_PATHS.delivery("D-BAD"), { watermark: SPEC })).staged,
    ).to.equal(2);
    // The last chunk: these leaves do not hash to the registered root, so nothing is indexed.
    const last = await c.op.raw("POST", TRACE_PATHS.fingerprints("D-BAD"), chunk(2, 1, true));
    expect(last.status).to.equal(400);
    expect((last.json as ErrorBody).error.detail).to.match(/fingerprint root registered on chain/);
    expect(await c.sup.get<IntakeStatus>(TRACE_PATHS.delivery("D-BAD"))).to.deep.include({ staged: 0, indexed: false });
  });

  it("refuses a trace below the minimum of distinct records, and an unknown product, with the limit and the id", async () => {
    type ErrorBody = { error: { code: string; details?: Record<string, unknown> } };
    const copy = await leakOf(toCon(), 13);
    const text = async (rows: readonly Row[]) => {
      const path = join(dir, "minimum.jsonl");
      await writeRecords(path, "jsonl", rows);
      return readFileSync(path, "utf8");
    };
    // Exactly the minimum is traced (and attributed); one fewer is refused, naming both numbers.
    const atMinimum = await c.sup.raw("POST", TRACE_PATHS.trace, { records: await text(copy.slice(0, 50)) });
    expect(atMinimum.status).to.equal(200);
    expect((atMinimum.json as TraceReport).attributedTo).to.deep.equal(["D-CON"]);
    const below = await c.sup.raw("POST", TRACE_PATHS.trace, { records: await text(copy.slice(0, 49)) });
    expect(below.status).to.equal(422);
    const refusal = (below.json as ErrorBody).error;
    expect(refusal.code).to.equal("TRACE_TOO_FEW_RECORDS");
    expect(refusal.details).to.deep.include({ field: "records", limit: 50, count: 49 });
    // Repeating records does not reach the minimum: they are counted once.
    const repeated = await c.sup.raw("POST", TRACE_PATHS.trace, {
      records: await text([...copy.slice(0, 49), copy[0]!, copy[1]!]),
    });
    expect((repeated.json as ErrorBody).error.code).to.equal("TRACE_TOO_FEW_RECORDS");
    // An unknown product is not "no match": NOT_FOUND, naming the id.
    const unknown = await c.sup.raw("POST", TRACE_PATHS.trace, {
      records: await text(copy.slice(0, 50)),
      productId: "P-NOPE",
    });
    expect(unknown.status).to.equal(404);
    const notFound = (unknown.json as ErrorBody).error;
    expect(notFound.code).to.equal("NOT_FOUND");
    expect(notFound.details).to.deep.include({ id: "P-NOPE" });
  });

  it("flags a leak found after the grant's destruction certificate covered the data as a violation", async () => {
    await c.agency.request(
      "POST",
      "/v1/grants/G1/revocation",
      c.agency.sign("grant.revoke", { grantId: "G1", reason: "trace test" }),
    );
    const destroyedAt = await service.backend.now();
    const certificate: DestructionCertificate = {
      id: "C-CON",
      grantId: "G1",
      assetClass: "raw-data",
      assets: [{ hash: con.outputHash, description: "the copy delivered as D-CON" }],
      method: "crypto-shredding",
      destroyedAt,
      witness: "Longhua notary",
    };
    await c.op.request("POST", "/v1/grants/G1/destruction-certificates", c.op.sign("destruction.certify", certificate));
    const leaked = await leakOf(toCon(), 11);

    const after = await traceLeak("leak-late.csv", leaked, "csv", { at: destroyedAt + 3600 });
    expect(after.attributedTo).to.deep.equal(["D-CON"]);
    expect(after.violations).to.deep.equal(["D-CON"]);
    const found = after.deliveries[0]!;
    expect(found.destruction).to.deep.include({ coveredAtLeak: true, violation: true });
    expect(found.destruction.certificates.map((x) => [x.id, x.covers])).to.deep.equal([["C-CON", true]]);
    expect(found.receipts.certificates).to.have.property("C-CON");
    // The grant was active when the data was delivered; it is revoked now.
    expect(found.grant).to.deep.include({ activeAtDelivery: true, statusNow: "revoked" });
    expect(found.grant.endedAt).to.be.greaterThan(0);

    // The same leak found before the certificate covered the data is no violation; D-OP2's data is not covered.
    const before = await traceLeak("leak-early.csv", leaked, "csv", {
      at: found.destruction.certificates[0]!.coveredSince - 1,
    });
    expect(before.violations).to.deep.equal([]);
    const other = await traceLeak("leak-op2-late.jsonl", await leakOf(toOp2(), 12), "jsonl", {
      at: destroyedAt + 3600,
    });
    expect(other.attributedTo).to.deep.equal(["D-OP2"]);
    expect(other.violations).to.deep.equal([]);
    // Records the marks left identical in both copies are also found in D-CON, whose data was
    // covered; they do not say which copy leaked, so D-CON is neither named nor flagged.
    expect(other.deliveries.map((d) => d.deliveryId)).to.deep.equal(["D-OP2"]);
  });
});
