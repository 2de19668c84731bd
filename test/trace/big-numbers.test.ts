import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { deliverAndRegister } from "../../ledger-service/src/client/operator/delivery.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { traceFile } from "../../ledger-service/src/client/supervisor/leak-trace.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import type { TraceReport } from "../../core/trace-report.ts";
import { TRACE_PATHS } from "../../ledger-service/src/trace/api.ts";
import { readAllRecords, rowToObject } from "../../ledger-service/src/trace/datasets.ts";
import { closeTraceRuntime } from "../../ledger-service/src/trace/service/runtime.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { org, type ActorName } from "../../scripts/scenarios/world.ts";
import { testConfig } from "../service/test-config.ts";
import { DISTRICTS, SPEC, seeded, shuffle } from "./helpers.ts";

/**
 * Numbers beyond 2^53 keep the watermark on (issue 15, defect 2): records keyed by 18-digit ID
 * numbers, written as JSON numbers, are read with their digits both when they are delivered and
 * when a leak of them is traced, so the leak is attributed to its recipient. `JSON.parse` alone
 * rounds every such id (110101199003071234 → 110101199003071230): each record's key, hence its
 * watermark bits and fingerprint, changed, and nobody was attributed.
 */
const RECORDS = 300;
const LEAKED = 60;

/** An 18-digit citizen ID number per record, all distinct; odd, so no double holds it (their step there is 64). */
function idNumber(i: number): string {
  return `440306${19_800_101 + i * 7}${String(((i * 37) % 5_000) * 2 + 1).padStart(4, "0")}`;
}

/** The records as JSON lines with the id, amount and count as JSON numbers. */
function typedJsonLines(rows: readonly Record<string, string>[]): string {
  return rows
    .map((r) => `{"id":${r.id},"district":${JSON.stringify(r.district)},"amount":${r.amount},"count":${r.count}}`)
    .join("\n");
}

describe("leak tracing with 18-digit numeric IDs in JSON (numbers beyond 2^53)", function () {
  this.timeout(300_000);
  let dir: string;
  let service: RunningService;
  let c: Record<ActorName, LedgerClient>;
  const url = () => `http://127.0.0.1:${service.address().port}`;
  let source: Record<string, string>[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-trace-big-"));
    service = await startService(testConfig(join(dir, "data")), { env: { LEDGER_AGENCY_PASSPHRASE: "trace test" } });
    c = clientsFor(service, url());
    await playStory(service, c);
    const rnd = seeded(15);
    source = Array.from({ length: RECORDS }, (_, i) => ({
      id: idNumber(i),
      district: DISTRICTS[i % 4]!,
      amount: (Math.floor(rnd() * 10_000_000) / 100).toFixed(2),
      count: String(Math.floor(rnd() * 50)),
    }));
    for (const r of source) expect(String(Number(r.id)), "a double holds the id").to.not.equal(r.id);
    // One delivery from a CSV file; the other from JSON lines with typed numbers, whose ids
    // delivering must not round.
    const columns = ["id", "district", "amount", "count"] as const;
    writeFileSync(
      join(dir, "source.csv"),
      [columns.join(","), ...source.map((r) => columns.map((k) => r[k]).join(","))].join("\n"),
    );
    writeFileSync(join(dir, "source.jsonl"), typedJsonLines(source));
    for (const [id, recipient, ext] of [
      ["D-BIG-CON", "con", "csv"],
      ["D-BIG-OP2", "op2", "jsonl"],
    ] as const) {
      const summary = await deliverAndRegister(c.op, {
        input: join(dir, `source.${ext}`),
        output: join(dir, `${id}.${ext}`),
        outputFormat: ext,
        deliveryId: id,
        productId: "P1",
        recipient: org(recipient),
        watermark: SPEC,
        fromHops: ["H1"],
      });
      expect(summary.fingerprints.indexed).to.equal(true);
    }
  });
  after(async () => {
    await service?.stop();
    await closeTraceRuntime(join(dir, "data"));
    rmSync(dir, { recursive: true, force: true });
  });

  it("delivers JSON lines with 18-digit numeric ids keeping every id's digits", async () => {
    for (const copy of ["D-BIG-CON.csv", "D-BIG-OP2.jsonl"]) {
      const delivered = (await readAllRecords(join(dir, copy))).map(rowToObject);
      expect(delivered.map((r) => r.id)).to.deep.equal(source.map((r) => r.id));
    }
  });

  it("attributes a JSON leak with 18-digit numeric ids to its recipient, through POST /v1/trace and pdl trace's reader", async () => {
    const copy = (await readAllRecords(join(dir, "D-BIG-CON.csv"))).map(rowToObject);
    const leaked = typedJsonLines(shuffle(copy, 5).slice(0, LEAKED));
    expect(leaked).to.match(/^\{"id":440306\d{12},/);

    const response = await c.sup.raw("POST", TRACE_PATHS.trace, { records: leaked, format: "jsonl" });
    expect(response.status, JSON.stringify(response.json)).to.equal(200);
    const report = response.json as TraceReport;
    expect(report.records).to.equal(LEAKED);
    expect(report.verdict).to.equal("attributed");
    expect(report.attributedTo).to.deep.equal(["D-BIG-CON"]);
    const found = report.deliveries[0]!;
    expect(found.recipient.orgId).to.equal(org("con"));
    expect(found.watermark!.detected).to.equal(true);
    // Every leaked cell carries D-BIG-CON's bit: the keys are the delivered ones.
    expect(found.watermark!.matched).to.equal(found.watermark!.total);
    const other = report.watermark.find((w) => w.deliveryId === "D-BIG-OP2")!;
    expect(other.detected).to.equal(false);

    // The same leak as a file, read by the supervisor's tool (what `pdl trace` sends).
    const file = join(dir, "leak.json");
    writeFileSync(file, leaked);
    const viaFile = await traceFile(c.sup, file);
    expect(viaFile.sent).to.equal(LEAKED);
    expect(viaFile.report.attributedTo).to.deep.equal(["D-BIG-CON"]);
    expect(readFileSync(file, "utf8")).to.equal(leaked);
  });

  it("attributes a leak of the JSON lines copy, re-typed as numbers, to the other recipient", async () => {
    const copy = (await readAllRecords(join(dir, "D-BIG-OP2.jsonl"))).map(rowToObject);
    const report = await c.sup.request<TraceReport>("POST", TRACE_PATHS.trace, {
      records: typedJsonLines(shuffle(copy, 6).slice(0, LEAKED)),
    });
    expect(report.attributedTo).to.deep.equal(["D-BIG-OP2"]);
    expect(report.deliveries[0]!.recipient.orgId).to.equal(org("op2"));
  });
});
