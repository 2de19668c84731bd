import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { memberKeyFile } from "../console/browser.ts";
import { OpenLineageValidator } from "../service/openlineage-validator.ts";
import { testConfig } from "../service/test-config.ts";
import { runPdl } from "./run-pdl.ts";

/**
 * `pdl lineage --format openlineage --post <url>` against a small OpenLineage endpoint started
 * here: it takes one event per POST as Marquez's /api/v1/lineage does, validates each with the
 * official 2-0-2 schema and facet files (custom facets through their _schemaURL), and answers
 * 201, or 400 with what failed. The exchange signs the export.
 */
const PASSPHRASE = "lineage post test";
const pdl = runPdl;

/** An OpenLineage endpoint: validates each event it is sent; after `reset(n)` it answers the n-th with 400. */
class Receiver {
  readonly events: unknown[] = [];
  readonly failures: string[] = [];
  validator = new OpenLineageValidator();
  refuseAt = 0;
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const n = this.events.length + 1;
        let event: unknown;
        try {
          event = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
          return void res.writeHead(400).end("not JSON");
        }
        const found =
          req.method !== "POST" || req.url !== "/api/v1/lineage" || req.headers["content-type"] !== "application/json"
            ? [`${req.method} ${req.url} ${req.headers["content-type"]}`]
            : await this.validator.validate(event, `event ${n}`);
        this.failures.push(...found);
        if (found.length > 0 || n === this.refuseAt) return void res.writeHead(400).end(found.join("; ") || "refused");
        this.events.push(event);
        res.writeHead(201).end();
      })();
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((ok) => this.server.listen(0, "127.0.0.1", ok));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v1/lineage`;
  }

  reset(refuseAt = 0): void {
    this.events.length = 0;
    this.failures.length = 0;
    this.validator = new OpenLineageValidator();
    this.refuseAt = refuseAt;
  }

  stop(): Promise<void> {
    return new Promise((ok) => this.server.close(() => ok()));
  }
}

describe("pdl lineage --format openlineage --post: events sent to an OpenLineage endpoint", function () {
  this.timeout(240_000);
  let dir: string;
  let service: RunningService;
  let receiver: Receiver;
  let endpoint: string;
  let env: Record<string, string>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-lineage-post-"));
    service = await startService(testConfig(join(dir, "data")), { env: { LEDGER_AGENCY_PASSPHRASE: "agency" } });
    const url = `http://127.0.0.1:${service.address().port}`;
    await playStory(service, clientsFor(service, url));
    const keyFile = join(dir, "exchange.key.json");
    writeFileSync(keyFile, memberKeyFile("ex", PASSPHRASE), { mode: 0o600 });
    env = { PDL_URL: url, PDL_KEY: keyFile, PDL_KEY_PASSPHRASE: PASSPHRASE };
    receiver = new Receiver();
    endpoint = await receiver.start();
  });
  after(async () => {
    await receiver?.stop();
    await service?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("sends every event, one POST each, in export order, each valid against the official schema", async () => {
    receiver.reset();
    const run = await pdl(["lineage", "P1", "--format", "openlineage", "--post", endpoint], env);
    expect(run.code, run.stderr).to.equal(0);
    expect(receiver.failures).to.deep.equal([]);
    const sent = receiver.events as { eventType: string; job: { name: string } }[];
    expect(sent.map((e) => `${e.eventType} ${e.job.name}`)).to.deep.equal([
      "START P1.H1",
      "COMPLETE P1.H1",
      "START P1.D1",
      "COMPLETE P1.D1",
    ]);
    expect(receiver.validator.checks).to.be.greaterThan(sent.length * 2);
    expect(run.stderr).to.include(`sent 4 OpenLineage events to ${endpoint}`);
    receiver.reset();
    const asJson = await pdl(["lineage", "P1", "--format", "openlineage", "--post", endpoint, "--json"], env);
    expect(asJson.code, asJson.stderr).to.equal(0);
    expect(JSON.parse(asJson.stdout)).to.deep.equal({ sent: 4, endpoint });
    // Without --post the same events come as NDJSON, one a line.
    const printed = await pdl(["lineage", "P1", "--format", "openlineage"], env);
    expect(printed.code, printed.stderr).to.equal(0);
    expect(
      printed.stdout
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as unknown),
    ).to.deep.equal(sent);
  });

  it("stops at the event the endpoint refuses and says which, exit code 1", async () => {
    receiver.reset(3);
    const run = await pdl(["lineage", "P1", "--format", "openlineage", "--post", endpoint], env);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include(`${endpoint} refused event 3 of 4 (400)`);
    expect(receiver.events).to.have.length(2);
  });

  it("posts OpenLineage events only", async () => {
    const run = await pdl(["lineage", "P1", "--format", "prov", "--post", endpoint], env);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include("--format openlineage");
  });
});
