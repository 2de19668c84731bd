import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { h, productBody } from "../../scripts/scenarios/fixtures.ts";
import { org, type ActorName } from "../../scripts/scenarios/world.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { PYTHON_PROV, needTool, run } from "../external-tools.ts";
import { playPartnerHops } from "./lineage-story.ts";
import { testConfig } from "./test-config.ts";

/**
 * The service's PROV-JSON as the W3C reference library (python `prov`) reads it: every entity
 * reachable from the product, QNames read as qualified names, no null attribute, and a round trip
 * through the library equal to what it first read. The lineage: P1's hop H1 (operator, from R1),
 * H2 (the admitted partner, from H1's artifact and R1, with an output grade), deliveries D1 (to
 * `con`, from H1) and D2 (from H2); P2 registered under the same grant with no hop yet.
 */
const CHECKER = fileURLToPath(new URL("./prov-check.py", import.meta.url));

interface ProvReading {
  product: string;
  entities: string[];
  unreachable: string[];
  relations: string[];
  typeValues: string[];
  qualifiedNameTypes: boolean;
  provn: string;
  jsonRoundTrip: boolean;
  xmlRoundTrip: boolean;
}

function readWithProv(productId: string, document: unknown): ProvReading {
  const r = run(PYTHON_PROV, [CHECKER, productId], JSON.stringify(document));
  expect(r.status, r.stderr).to.equal(0);
  return JSON.parse(r.stdout) as ProvReading;
}

/** Every path to a null inside a JSON value. */
function nullsIn(value: unknown, path = "$"): string[] {
  if (value === null) return [path];
  if (typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => nullsIn(v, `${path}.${k}`));
}

describe("PROV-JSON export as the W3C prov library reads it", function () {
  this.timeout(180_000);
  let dir: string;
  let service: RunningService;
  let c: Record<ActorName, LedgerClient>;
  const prov = (who: ActorName, productId: string) =>
    c[who].get<Record<string, Record<string, unknown>>>(`/v1/products/${productId}/lineage?format=prov`);

  before(async function () {
    needTool(this, PYTHON_PROV);
    dir = mkdtempSync(join(tmpdir(), "pdl-prov-"));
    service = await startService(testConfig(dir), { env: { LEDGER_AGENCY_PASSPHRASE: "prov test" } });
    c = clientsFor(service, `http://127.0.0.1:${service.address().port}`);
    await playStory(service, c);
    await playPartnerHops(c);
    await c.op.submit("product.register", productBody({ id: "P2", name: "Credit score file" }) as never);
  });
  after(async () => {
    await service?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("reaches every entity from the product: artifacts, through hops, to resources and the grant", async () => {
    const doc = await prov("ex", "P1");
    const read = readWithProv("P1", doc);
    expect(read.entities).to.include.members([
      "pdl:product/P1",
      "pdl:grant/G1",
      "pdl:resource/R1@1",
      ...["H1", "H2", "D1", "D2"].map((id) => `pdl:artifact/${h(`${id}-out`)}`),
    ]);
    expect(read.unreachable).to.deep.equal([]);
    expect(read.relations).to.include.members([
      "ProvSpecialization",
      "ProvDerivation",
      "ProvGeneration",
      "ProvUsage",
      "ProvAssociation",
      "ProvDelegation",
      "ProvAttribution",
    ]);
    // The partner acted for the operator, each hop under the grant as its plan.
    expect(read.provn).to.include(`actedOnBehalfOf(pdl:org/${org("pa")}, pdl:org/${org("op")}, -)`);
    expect(read.provn).to.include(`wasAssociatedWith(pdl:hop/H2, pdl:org/${org("pa")}, pdl:grant/G1)`);
    expect(read.provn).to.include(`specializationOf(pdl:artifact/${h("D2-out")}, pdl:product/P1)`);
  });

  it("finds the lineage cut off when the product's specializations are taken out (the check can fail)", async () => {
    const { specializationOf: _cut, ...doc } = await prov("ex", "P1");
    const read = readWithProv("P1", doc);
    expect(read.unreachable).to.include.members([`pdl:artifact/${h("D1-out")}`, "pdl:resource/R1@1"]);
  });

  it("types every prov:type as a qualified name and leaves absent attributes out", async () => {
    const doc = await prov("ex", "P1");
    expect(nullsIn(doc)).to.deep.equal([]);
    const read = readWithProv("P1", doc);
    expect(read.qualifiedNameTypes).to.equal(true);
    expect(read.typeValues).to.deep.equal(["QualifiedName"]);
    // Read as QNames, PROV-N writes them unquoted-typed ('…'), not as strings ("…").
    expect(read.provn).to.include("prov:type='pdl:aggregate'");
    expect(read.provn).to.include("prov:type='prov:Plan'");
    expect(read.provn).to.match(/pdl:validFrom="[^"]+" %% xsd:dateTime/);
    // H2's output has a grade, H1's has none: the attribute is there or absent, never null.
    expect(read.provn).to.include(`entity(pdl:artifact/${h("H2-out")}, [pdl:sm3="${h("H2-out")}", pdl:grade=1])`);
    expect(read.provn).to.include(`entity(pdl:artifact/${h("H1-out")}, [pdl:sm3="${h("H1-out")}"])`);
  });

  it("survives a round trip through the library (PROV-JSON and PROV-XML) equal to what it first read", async () => {
    const read = readWithProv("P1", await prov("ex", "P1"));
    expect(read.jsonRoundTrip).to.equal(true);
    expect(read.xmlRoundTrip).to.equal(true);
  });

  it("connects a recipient's own deliveries to the product, and nothing of the grant", async () => {
    const doc = await prov("con", "P1");
    const read = readWithProv("P1", doc);
    expect(read.unreachable).to.deep.equal([]);
    expect(read.entities).to.not.include("pdl:grant/G1");
    expect(read.provn).to.include(`specializationOf(pdl:artifact/${h("D1-out")}, pdl:product/P1)`);
    // Its deliveries D1 and D2, not the hops upstream of them.
    expect(read.provn).to.include(`specializationOf(pdl:artifact/${h("D2-out")}, pdl:product/P1)`);
    expect(read.provn).to.not.match(/activity\(pdl:hop\/H[12],/);
    expect(read.jsonRoundTrip).to.equal(true);
  });

  it("connects a product with no hop yet to its grant", async () => {
    const read = readWithProv("P2", await prov("ex", "P2"));
    expect(read.entities).to.deep.equal(["pdl:grant/G1", "pdl:product/P2"]);
    expect(read.unreachable).to.deep.equal([]);
  });
});
