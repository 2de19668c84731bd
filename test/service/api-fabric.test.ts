import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import "../fabric/quiet.ts";
import { loadSeedCatalog, organisation } from "../../core/catalog/index.ts";
import { DEFAULTS, type Config } from "../../ledger-service/src/config.ts";
import { verifyReceiptOffline } from "../../ledger-service/src/log/receipt.ts";
import type { LedgerClient } from "../../ledger-service/src/sdk/client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { deliverBody, h } from "../conformance/fixtures.ts";
import { org, type ActorName } from "../conformance/world.ts";
import { startEmulatedNetwork, type EmulatedNetwork } from "../fabric/emulator/network.ts";
import { createFabricIdentity } from "../fabric/identities.ts";
import { clientsFor, playStory } from "./story.ts";

interface ErrorBody {
  error: { code: string; message: string };
}
const codeOf = (json: unknown) => (json as ErrorBody).error?.code;

/**
 * The same service, `backend: "fabric"`: @hyperledger/fabric-gateway over gRPC to the peer
 * emulator, which runs the bundled chaincode under `fabric-chaincode-node server`. The service
 * connects with an X.509 identity carrying pdl.role=agency (the relay), read from PEM files as in
 * production (deploy/fabric/service.example.json), and bootstraps the agency on the chaincode.
 */
describe("ledger service on Fabric (gateway over gRPC to the peer emulator)", function () {
  this.timeout(240_000);
  let net: EmulatedNetwork;
  let dir: string;
  let config: Config;
  let service: RunningService;
  let c: Record<ActorName, LedgerClient>;
  const base = () => `http://127.0.0.1:${service.address().port}`;
  const env = { LEDGER_AGENCY_PASSPHRASE: "fabric api test" };

  before(async () => {
    net = await startEmulatedNetwork({ channel: "pdl", chaincodeName: "pdl", mspIds: ["Org1MSP"] });
    dir = mkdtempSync(join(tmpdir(), "pdl-api-fabric-"));
    const agencyOrgId = organisation(loadSeedCatalog(), "agency").orgId;
    const relay = await createFabricIdentity({ mspId: "Org1MSP", commonName: "pdl-service", attributes: { "pdl.org": agencyOrgId, "pdl.role": "agency" } });
    writeFileSync(join(dir, "signcert.pem"), relay.certificatePem);
    writeFileSync(join(dir, "key.pem"), relay.privateKey.export({ type: "pkcs8", format: "pem" }));
    config = {
      ...DEFAULTS,
      port: 0,
      dataDir: join(dir, "data"),
      logLevel: "silent",
      backend: "fabric",
      log: { ...DEFAULTS.log, anchorEverySeconds: 3600, anchorEveryLeaves: 100_000 },
      fabric: { peerEndpoint: net.emulator.address, mspId: "Org1MSP", certPath: join(dir, "signcert.pem"), keyPath: join(dir, "key.pem"), channel: "pdl", chaincode: "pdl" },
    };
    service = await startService(config, { env });
    c = clientsFor(service, base());
    await playStory(service, c);
  });
  after(async () => {
    await service?.stop();
    await net?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("bootstraps the agency on the chaincode and accepts writes with receipts", async () => {
    expect(service.backend.ref).to.deep.equal({ type: "fabric", chainId: "pdl", contract: "pdl" });
    const agency = await c.sup.get<{ view: { role: string } }>(`/v1/actors/${service.agencyOrgId}`);
    expect(agency.view.role).to.equal("agency");
    const grant = await c.sup.get<{ view: { status: string; grantee: string } }>("/v1/grants/G1");
    expect(grant.view).to.deep.include({ status: "active", grantee: org("op") });
    const accepted = await c.op.submit("lineage.hop", deliverBody("D2") as never);
    expect(accepted.tx.txId).to.match(/^[0-9a-f]{64}$/);
    expect(accepted.leafIndex).to.be.a("number");
  });

  it("refuses a rule violation with the chaincode's rulebook code, writing nothing", async () => {
    const size = service.log.size;
    const hop = { ...deliverBody("H9"), operation: "clean", delivery: undefined, inputs: [{ kind: "resource", resourceId: "R2", version: 1, fields: ["idno"], hash: h("R2-v1") }] };
    const refused = await c.op.raw("POST", "/v1/hops", c.op.sign("lineage.hop", hop as never));
    expect(refused.status).to.be.within(400, 499);
    expect(codeOf(refused.json)).to.equal("FIELD_NOT_GRANTED");
    const grant = { id: "G9", grantee: org("pa"), scope: [{ resourceId: "R1", fields: ["a"] }], scenarios: ["x"], validFrom: 1, validUntil: 2, agreementHash: h("x") };
    expect(codeOf((await c.pa.raw("POST", "/v1/grants", c.pa.sign("grant.issue", grant))).json)).to.equal("REGRANT_FORBIDDEN");
    expect(service.log.size).to.equal(size);
    expect((await c.sup.raw("GET", "/v1/records/hop/H9/history")).status).to.equal(404);
  });

  it("exports the lineage and audits the grant from the chaincode's state", async () => {
    const lineage = await c.ex.get<{ hops: { hop: { id: string } }[] }>("/v1/products/P1/lineage");
    expect(lineage.hops.map((x) => x.hop.id)).to.include.members(["H1", "D1", "D2"]);
    const audit = await c.sup.get<{ partners: { id: string }[]; deliveries: { recipient: string }[] }>("/v1/grants/G1/audit");
    expect(audit.partners.map((p) => p.id)).to.deep.equal(["A1"]);
    expect(audit.deliveries.map((d) => d.recipient)).to.deep.equal([org("con"), org("con")]);
  });

  it("anchors checkpoints on the chaincode: receipts become anchored with the Fabric transaction", async () => {
    await service.anchorNow();
    const history = await c.sup.get<{ history: { receipt: { state: string; anchor?: { chainType: string; chainId: string; contract: string } } }[] }>("/v1/records/grant/G1/history");
    const receipt = history.history[0]!.receipt;
    expect(receipt.state).to.equal("anchored");
    expect(receipt.anchor).to.deep.include({ chainType: "fabric", chainId: "pdl", contract: "pdl" });
    expect(verifyReceiptOffline(receipt, service.keyring.log.publicKey)).to.deep.include({ ok: true, state: "anchored" });
  });

  it("keeps every record and index across a restart, resuming the chaincode events after its cursor", async () => {
    const size = service.log.size;
    await service.stop();
    service = await startService(config, { env });
    c = clientsFor(service, base());
    expect(service.log.size, "nothing indexed twice").to.equal(size);
    expect((await c.sup.get<{ history: unknown[] }>("/v1/records/hop/D2/history")).history).to.have.length(1);
    await c.op.submit("lineage.hop", deliverBody("D3") as never);
    expect(service.log.size).to.equal(size + 1);
  });
});
