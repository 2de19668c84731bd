import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { h, hopBody } from "../../scripts/scenarios/fixtures.ts";
import { org, type ActorName } from "../../scripts/scenarios/world.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { OpenLineageValidator } from "./openlineage-validator.ts";
import { ResponseCheck } from "./openapi-check.ts";
import { playPartnerHops } from "./lineage-story.ts";
import { testConfig } from "./test-config.ts";

/**
 * The OpenLineage export as Marquez expects it, checked with the official 2-0-2 schema and facet
 * files: NDJSON of single run events; custom facets `pdl_hop` and `pdl_artifact` whose
 * `_schemaURL` the service answers; column lineage in the standard facet, named columns only;
 * UUIDv7 run ids; artifacts named by the hop that generated them. The lineage: P1's hop H1
 * (operator, R1 fields a and b), H2 (the partner, aggregating H1's artifact with R1's field a),
 * deliveries D1 (from H1) and D2 (from H2) to `con`; T1 trains a model on H1's artifact.
 */
interface OlEvent {
  eventType: string;
  eventTime: string;
  run: { runId: string; facets: Record<string, Record<string, unknown>> };
  job: { namespace: string; name: string };
  inputs: { namespace: string; name: string; facets: Record<string, Record<string, unknown>> }[];
  outputs: { namespace: string; name: string; facets: Record<string, Record<string, unknown>> }[];
}
interface InputField {
  namespace: string;
  name: string;
  field: string;
  transformations: { type: string; subtype?: string; masking?: boolean }[];
}
interface ColumnLineage {
  fields: Record<string, { inputFields: InputField[] }>;
  dataset?: InputField[];
}

const parseNdjson = (text: string) =>
  text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as OlEvent);

describe("OpenLineage export as Marquez expects it", function () {
  this.timeout(180_000);
  let dir: string;
  let service: RunningService;
  let c: Record<ActorName, LedgerClient>;
  let check: ResponseCheck;
  const base = () => `http://127.0.0.1:${service.address().port}`;
  const exportOf = async (who: ActorName, productId = "P1") =>
    parseNdjson(await c[who].getText(`/v1/products/${productId}/lineage?format=openlineage`, "application/x-ndjson"));
  const completed = (events: OlEvent[], hopId: string) =>
    events.find((e) => e.eventType === "COMPLETE" && e.job.name === `P1.${hopId}`)!;
  const columnLineage = (events: OlEvent[], hopId: string) =>
    completed(events, hopId).outputs[0]!.facets.columnLineage as unknown as ColumnLineage;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-openlineage-"));
    service = await startService(testConfig(dir), { env: { LEDGER_AGENCY_PASSPHRASE: "openlineage test" } });
    c = clientsFor(service, base());
    check = await ResponseCheck.install(base());
    await playStory(service, c);
    await playPartnerHops(c);
    await c.op.submit("lineage.hop", {
      ...hopBody("T1", { operation: "train" }),
      inputs: [{ kind: "artifact", hopId: "H1", hash: h("H1-out") }],
    } as never);
  });
  after(async () => {
    check?.restore();
    await service?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("answers NDJSON of single run events, each valid against the official schema with every facet", async () => {
    const text = await c.ex.getText("/v1/products/P1/lineage?format=openlineage", "application/x-ndjson");
    expect(text.endsWith("\n")).to.equal(true);
    const events = parseNdjson(text);
    // START and COMPLETE for each of H1, D1, H2, D2, T1, in the order they were recorded.
    expect(events.map((e) => `${e.eventType} ${e.job.name}`)).to.deep.equal(
      ["H1", "D1", "H2", "D2", "T1"].flatMap((id) => [`START P1.${id}`, `COMPLETE P1.${id}`]),
    );
    const validator = new OpenLineageValidator();
    for (const [i, event] of events.entries()) await validator.validate(event, `line ${i + 1}`);
    expect(validator.failures).to.deep.equal([]);
    // The event schema, then per event its run facet and its datasets' facets, each counted.
    expect(validator.checks).to.be.greaterThan(events.length * 3);
    console.log(`      ${validator.checks} checks of ${events.length} events, ${validator.failures.length} failed`);
  });

  it("finds a broken event or facet invalid (the validation can fail)", async () => {
    const event = completed(await exportOf("ex"), "H2");
    const validator = new OpenLineageValidator();
    const broken = structuredClone(event);
    broken.run.runId = "not-a-uuid";
    expect(await validator.validate(broken)).to.have.length.greaterThan(0);
    const badFacet = structuredClone(event);
    delete badFacet.run.facets.pdl_hop!._producer;
    expect((await validator.validate(badFacet)).join()).to.include("pdl_hop");
    const wrongShape = structuredClone(event);
    wrongShape.outputs[0]!.facets.pdl_artifact!.recordCount = "many";
    expect((await validator.validate(wrongShape)).join()).to.include("pdl_artifact");
    const badColumns = structuredClone(event);
    const lineage = badColumns.outputs[0]!.facets.columnLineage as unknown as ColumnLineage;
    delete (lineage.fields.a!.inputFields[0] as Partial<InputField>).field;
    expect((await validator.validate(badColumns)).join()).to.include("columnLineage");
    const unnamed = structuredClone(event);
    unnamed.run.facets.hop = unnamed.run.facets.pdl_hop!;
    expect((await validator.validate(unnamed)).join()).to.include("{prefix}_{name}");
    const unresolvable = structuredClone(event);
    unresolvable.run.facets.pdl_hop!._schemaURL = `${base()}/v1/public/openlineage/facets/1-0-0/Nothing.json#/$defs/X`;
    expect((await validator.validate(unresolvable)).join()).to.include("does not resolve");
  });

  it("names custom facets {prefix}_{name} and serves the JSON Schema each _schemaURL points to", async () => {
    const event = completed(await exportOf("ex"), "D1");
    const hop = event.run.facets.pdl_hop!;
    const artifact = event.outputs[0]!.facets.pdl_artifact!;
    expect(hop).to.include({ grantId: "G1", operation: "deliver", actor: org("op") });
    expect(artifact).to.include({ productId: "P1", sm3: h("D1-out"), recipient: org("con") });
    expect(artifact).to.not.have.property("grade");
    for (const [facet, definition] of [
      [hop, "PdlHopRunFacet"],
      [artifact, "PdlArtifactDatasetFacet"],
    ] as const) {
      const url = String(facet._schemaURL);
      expect(url).to.equal(`${base()}/v1/public/openlineage/facets/1-0-0/${definition}.json#/$defs/${definition}`);
      // Unsigned, as any reader of the event fetches it.
      const response = await fetch(url.split("#")[0]!);
      expect(response.status).to.equal(200);
      const schema = (await response.json()) as { $id: string; $defs: Record<string, { allOf: unknown[] }> };
      expect(schema.$id).to.equal(url.split("#")[0]);
      expect(schema.$defs[definition]!.allOf[0]).to.deep.equal({
        $ref: `https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/${definition.endsWith("RunFacet") ? "RunFacet" : "DatasetFacet"}`,
      });
    }
    expect(completed(await exportOf("ex"), "H2").outputs[0]!.facets.pdl_artifact).to.include({ grade: 1 });
    const missing = await fetch(`${base()}/v1/public/openlineage/facets/1-0-0/Nothing.json`);
    expect(missing.status).to.equal(404);
  });

  it("puts column lineage in the standard facet, named columns only, each back to its resource field", async () => {
    const events = await exportOf("ex");
    const resources = "pdl://longhua/resources";
    const artifacts = "pdl://longhua/artifacts";
    for (const e of events)
      for (const d of e.outputs) {
        const lineage = d.facets.columnLineage as unknown as ColumnLineage | undefined;
        expect(Object.keys(lineage?.fields ?? {}), `${d.name}'s columns`).to.not.include("*");
      }
    const h1 = columnLineage(events, "H1");
    expect(Object.keys(h1.fields)).to.deep.equal(["a", "b"]);
    expect(h1.fields.a!.inputFields).to.deep.equal([
      {
        namespace: resources,
        name: "R1",
        field: "a",
        transformations: [{ type: "DIRECT", subtype: "TRANSFORMATION", description: "cleaned" }],
      },
    ]);
    // H2 aggregates H1's artifact with R1's field a: column a comes from both, b from H1 only.
    const h2 = columnLineage(events, "H2");
    expect(h2.fields.a!.inputFields.map((f) => `${f.name}.${f.field}`)).to.deep.equal(["H1.a", "R1.a"]);
    expect(h2.fields.b!.inputFields.map((f) => `${f.name}.${f.field}`)).to.deep.equal(["H1.b"]);
    expect(h2.fields.a!.inputFields[0]!.transformations[0]).to.include({ type: "DIRECT", subtype: "AGGREGATION" });
    expect(columnLineage(events, "D2").fields.a!.inputFields[0]).to.include({ namespace: artifacts, name: "H2" });
    // A trained model has no columns: H1's fields bear on the whole output.
    const t1 = columnLineage(events, "T1");
    expect(t1.fields).to.deep.equal({});
    expect(t1.dataset!.map((f) => `${f.name}.${f.field}:${f.transformations[0]!.type}`)).to.deep.equal([
      "H1.a:INDIRECT",
      "H1.b:INDIRECT",
    ]);
  });

  it("gives every run a UUIDv7 at its block time, the same in every export", async () => {
    const events = await exportOf("ex");
    const runs = new Map<string, string>();
    for (const e of events) {
      expect(e.run.runId).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const ms = parseInt(e.run.runId.replace(/-/g, "").slice(0, 12), 16);
      expect(new Date(ms).toISOString()).to.equal(e.eventTime);
      const seen = runs.get(e.job.name);
      if (seen) expect(e.run.runId, `${e.job.name}'s START and COMPLETE`).to.equal(seen);
      runs.set(e.job.name, e.run.runId);
    }
    expect(new Set(runs.values()).size).to.equal(5);
    expect((await exportOf("ex")).map((e) => e.run.runId)).to.deep.equal(events.map((e) => e.run.runId));
  });

  it("names artifacts by the hop that generated them, their SM3 hash as the dataset version", async () => {
    const events = await exportOf("ex");
    const datasets = events.flatMap((e) => [...e.inputs, ...e.outputs]);
    for (const d of datasets) expect(d.name, "a readable name, not a hash").to.not.match(/^[0-9a-f]{64}$/);
    const d1 = completed(events, "D1");
    expect(d1.inputs.map((d) => d.name)).to.deep.equal(["H1"]);
    expect(d1.inputs[0]!.facets.version).to.include({ datasetVersion: h("H1-out") });
    expect(d1.outputs[0]).to.include({ namespace: "pdl://longhua/artifacts", name: "D1" });
    expect(d1.outputs[0]!.facets.version).to.include({ datasetVersion: h("D1-out") });
    const h1 = completed(events, "H1");
    expect(h1.inputs[0]).to.include({ namespace: "pdl://longhua/resources", name: "R1" });
    expect(h1.inputs[0]!.facets.version).to.include({ datasetVersion: "1" });
  });

  it("shows a recipient only its own deliveries, and answers every request as /openapi.json documents it", async () => {
    const events = await exportOf("con");
    expect([...new Set(events.map((e) => e.job.name))]).to.deep.equal(["P1.D1", "P1.D2"]);
    // Upstream of its delivery it sees the artifact used, not the fields that made it.
    expect(columnLineage(events, "D1")).to.equal(undefined);
    const validator = new OpenLineageValidator();
    for (const event of events) await validator.validate(event);
    expect(validator.failures).to.deep.equal([]);
    expect(check.failures).to.deep.equal([]);
    expect([...check.answered.keys()]).to.include.members([
      "GET /v1/products/{productId}/lineage",
      "GET /v1/public/openlineage/facets/1-0-0/{file}",
    ]);
  });
});
