import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { ReportCheck } from "../../core/listing-report.ts";
import type { LineageHop } from "../../core/records/lineage.ts";
import { sealKey, writeKeyFile } from "../../core/keyfile.ts";
import type { DeliverSummary } from "../../ledger-service/src/client/operator/delivery.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { closeTraceRuntime } from "../../ledger-service/src/trace/service/runtime.ts";
import type { WatermarkSpec } from "../../ledger-service/src/trace/watermark-spec.ts";
import { deliverBody, delivery } from "../../scripts/scenarios/fixtures.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { MEMBERS, org, type ActorName } from "../../scripts/scenarios/world.ts";
import { testConfig } from "../service/test-config.ts";
import { SPEC, writeDataset } from "./helpers.ts";
import { runPdl as pdl, type PdlRun as Run } from "../cli/run-pdl.ts";

/**
 * A typo in a watermark spec ships no unwatermarked delivery (issue 15, defect 7): `pdl deliver`
 * refuses a spec naming a column the file lacks, a missing key column, or a delivery marking
 * fewer cells than the spec's minimum, with one line naming the column or the count and the
 * limit, exit 1, and nothing written: no copy, no chain record. The chain records the number of
 * marked cells and refuses fewer than 30; the listing report shows the count of each delivery.
 */
const PASSPHRASE = "refusal test passphrase";
const RECORDS = 300;

type ErrorBody = { error: { code: string; details?: Record<string, unknown> } };

describe("pdl deliver refuses a watermark spec that would ship an unwatermarked delivery", function () {
  this.timeout(300_000);
  let dir: string;
  let service: RunningService;
  let c: Record<ActorName, LedgerClient>;
  let asOp: Record<string, string>;
  const url = () => `http://127.0.0.1:${service.address().port}`;
  const source = () => join(dir, "source.csv");
  const out = () => join(dir, "out", "to-con.csv");

  /** Writes `spec` and runs `pdl deliver` of the source as delivery `id` with it. */
  function deliver(id: string, spec: unknown, extra: string[] = []): Promise<Run> {
    const file = join(dir, `${id}.spec.json`);
    writeFileSync(file, JSON.stringify(spec));
    return pdl(
      [
        ...extra,
        "deliver",
        source(),
        "--out",
        out(),
        "--id",
        id,
        "--product",
        "P1",
        "--recipient",
        org("con"),
        "--watermark",
        file,
        "--from-hop",
        "H1",
        "--no-progress",
      ],
      asOp,
    );
  }

  /** Exit 1 with one line, no copy and no draft written, and no hop on chain. */
  async function expectRefused(run: Run, id: string, pattern: RegExp): Promise<void> {
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stdout).to.equal("");
    expect(run.stderr.trimEnd().split("\n"), run.stderr).to.have.length(1);
    expect(run.stderr).to.match(pattern);
    expect(readdirSync(join(dir, "out")), "files written").to.deep.equal(["earlier.txt"]);
    expect(((await c.sup.raw("GET", `/v1/hops/${id}`)).json as ErrorBody).error.code).to.equal("NOT_FOUND");
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-deliver-refusals-"));
    service = await startService(testConfig(join(dir, "data")), { env: { LEDGER_AGENCY_PASSPHRASE: "trace test" } });
    c = clientsFor(service, url());
    await playStory(service, c);
    writeDataset(source(), RECORDS);
    const key = join(dir, "op.key.json");
    await writeKeyFile(
      key,
      sealKey(
        { purpose: "actor", algorithm: "sm2", orgId: org("op"), privateKey: MEMBERS.op.sm2PrivateKey },
        PASSPHRASE,
      ),
    );
    asOp = { PDL_URL: url(), PDL_KEY: key, PDL_KEY_PASSPHRASE: PASSPHRASE };
    rmSync(join(dir, "out"), { recursive: true, force: true });
    await import("node:fs/promises").then((fs) => fs.mkdir(join(dir, "out")));
    writeFileSync(join(dir, "out", "earlier.txt"), "a file of the operator's, left alone\n");
  });
  after(async () => {
    await service?.stop();
    await closeTraceRuntime(join(dir, "data"));
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a misspelt marked column, naming it, in English and in Chinese", async () => {
    const typo: WatermarkSpec = {
      ...SPEC,
      columns: [SPEC.columns[0]!, { column: "amout", kind: "number", decimals: 0, min: 0 }],
    };
    const run = await deliver("D-TYPO", typo);
    await expectRefused(
      run,
      "D-TYPO",
      /^pdl: WATERMARK_COLUMN_MISSING: .*\(marked column "amout" is not among the dataset's columns \(id, name,/,
    );
    expect(run.stderr)
      .to.match(/names a column the dataset does not have/)
      .and.not.match(/\n\s+at /);
    const zh = await deliver("D-TYPO", typo, ["--lang", "zh"]);
    await expectRefused(
      zh,
      "D-TYPO",
      /^pdl：WATERMARK_COLUMN_MISSING: 水印规则所列的列在数据文件中不存在.*列：amout；用途：marked/,
    );
  });

  it("refuses a key column the file lacks", async () => {
    const run = await deliver("D-NOKEY", { ...SPEC, keyColumns: ["record_id"] });
    await expectRefused(run, "D-NOKEY", /WATERMARK_COLUMN_MISSING: .*key column "record_id" is not among/);
  });

  it("refuses a delivery marking fewer cells than the spec's minimum, naming the count and the limit; delivers at exactly the minimum", async () => {
    // Only the count column: one cell per record, so 300 readable cells.
    const countOnly: WatermarkSpec = { keyColumns: ["id"], columns: [SPEC.columns[1]!] };
    const below = await deliver("D-FEW", { ...countOnly, minMarkedCells: RECORDS + 1 });
    await expectRefused(
      below,
      "D-FEW",
      /WATERMARK_TOO_FEW_CELLS: .*readable in 300 cells, fewer than the spec's minimum of 301/,
    );
    const belowZh = await deliver("D-FEW", { ...countOnly, minMarkedCells: RECORDS + 1 }, ["--lang", "zh"]);
    await expectRefused(belowZh, "D-FEW", /水印单元格数：300；最少数量：301/);
    // The default minimum (100) also holds a spec that marks a sliver of the cells.
    const sliver = await deliver("D-FEW", { ...countOnly, fraction: 0.1 });
    await expectRefused(sliver, "D-FEW", /WATERMARK_TOO_FEW_CELLS: .*fewer than the spec's minimum of 100 /);
    // A spec whose minimum is below the chain's floor is itself refused.
    const floor = await deliver("D-FEW", { ...countOnly, minMarkedCells: 29 });
    await expectRefused(floor, "D-FEW", /minMarkedCells must be a whole number of at least 30/);

    const at = await deliver("D-AT-MIN", { ...countOnly, minMarkedCells: RECORDS });
    expect(at.code, at.stderr).to.equal(0);
    const summary = JSON.parse(at.stdout) as DeliverSummary;
    expect(summary.embed.cellsMarked).to.equal(RECORDS);
    expect(existsSync(out())).to.equal(true);
    expect(readdirSync(join(dir, "out")).sort()).to.deep.equal(["earlier.txt", "to-con.csv"]);
    // The chain's delivery record carries the count.
    const hop = (await c.sup.get<{ created: LineageHop }>("/v1/hops/D-AT-MIN")).created;
    expect(hop.delivery!.markedCells).to.equal(RECORDS);

    // A later refusal leaves the delivered copy as it was.
    const copy = readFileSync(out());
    await expectRefusedKeeping(await deliver("D-TYPO2", { ...SPEC, keyColumns: ["ID"] }), copy);
  });

  async function expectRefusedKeeping(run: Run, copy: Buffer): Promise<void> {
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stderr).to.match(/WATERMARK_COLUMN_MISSING/);
    expect(readFileSync(out()).equals(copy)).to.equal(true);
    expect(readdirSync(join(dir, "out")).sort()).to.deep.equal(["earlier.txt", "to-con.csv"]);
  }

  it("the chain refuses a delivery readable in fewer than 30 cells (29), accepts 30, and the listing report names each delivery's count", async () => {
    for (const markedCells of [0, 29]) {
      const refused = await c.op.raw(
        "POST",
        "/v1/deliveries",
        c.op.sign("lineage.hop", deliverBody("D-LOW", { delivery: delivery({ markedCells }) }) as never),
      );
      expect(refused.status).to.equal(422);
      expect((refused.json as ErrorBody).error).to.deep.include({
        code: "DELIVERY_UNMARKED",
        details: { markedCells, minimum: 30 },
      });
    }
    await c.op.submitSigned(
      c.op.sign("lineage.hop", deliverBody("D-LOW", { delivery: delivery({ markedCells: 30 }) }) as never),
      "/v1/deliveries",
    );
    const signed = await c.ex.issueListingReport("P1");
    const check = signed.report.checks.find((x: ReportCheck) => x.id === "delivery-mode")!;
    expect(check.result).to.equal("pass");
    expect(check.detail).to.include(`D-AT-MIN ${RECORDS}`).and.include("D-LOW 30").and.include("D1 120");
  });
});
