import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import "../fabric/quiet.ts";
import { loadSeedCatalog, organisation } from "../../scripts/demo/catalog/seed-catalog.ts";
import { LedgerError } from "../../core/errors.ts";
import { ConfigError, openBackend } from "../../ledger-service/src/chain/open-backend.ts";
import { loadConfig, type Config } from "../../ledger-service/src/config.ts";
import type { Keyring } from "../../ledger-service/src/keys/keyring.ts";
import { createLogger } from "../../ledger-service/src/logger.ts";
import { verifyReceiptOffline } from "../../ledger-service/src/log/receipt.ts";
import type { LedgerClient, SubmitResponse } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { deliverBody, h } from "../../scripts/scenarios/fixtures.ts";
import { org, type ActorName } from "../../scripts/scenarios/world.ts";
import { startEmulatedNetwork, type EmulatedNetwork } from "../fabric/emulator/network.ts";
import { createFabricIdentity } from "../fabric/identities.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";

interface ErrorBody {
  error: { code: string; message: string };
}
const codeOf = (json: unknown) => (json as ErrorBody).error?.code;

/**
 * The same service, `backend: "fabric"`: @hyperledger/fabric-gateway over gRPC to the peer
 * emulator, which runs the bundled chaincode under `fabric-chaincode-node server`. The service
 * connects with an X.509 identity carrying pdl.role=agency (the relay), read from PEM files as in
 * production (deploy/fabric/service.example.json), and bootstraps the agency on the chaincode.
 * The configuration comes from the PDL_FABRIC_* environment variables, as an operator sets them.
 *
 * The story needs no emulator clock: it takes its times from the service's backend, which on
 * Fabric is the wall clock, and the gateway client stamps each proposal with the same clock, so
 * the chaincode sees the times the story expects (setClock is only for the conformance suite's
 * exact times).
 */
describe("ledger service on Fabric (gateway over gRPC to the peer emulator)", function () {
  this.timeout(240_000);
  let net: EmulatedNetwork;
  let dir: string;
  let config: Config;
  let service: RunningService;
  let c: Record<ActorName, LedgerClient>;
  let story: Record<string, SubmitResponse>;
  const base = () => `http://127.0.0.1:${service.address().port}`;
  const env = { LEDGER_AGENCY_PASSPHRASE: "fabric api test" };
  const agencyOrgId = organisation(loadSeedCatalog(), "agency").orgId;
  let running = false;

  before(async () => {
    net = await startEmulatedNetwork({ channel: "pdl", chaincodeName: "pdl", mspIds: ["Org1MSP"] });
    dir = mkdtempSync(join(tmpdir(), "pdl-api-fabric-"));
    const relay = await createFabricIdentity({
      mspId: "Org1MSP",
      commonName: "pdl-service",
      attributes: { "pdl.org": agencyOrgId, "pdl.role": "agency" },
    });
    writeFileSync(join(dir, "signcert.pem"), relay.certificatePem);
    writeFileSync(join(dir, "key.pem"), relay.privateKey.export({ type: "pkcs8", format: "pem" }));
    config = loadConfig({
      LEDGER_BACKEND: "fabric",
      PDL_FABRIC_PEER_ENDPOINT: net.emulator.address,
      PDL_FABRIC_MSP_ID: "Org1MSP",
      PDL_FABRIC_CERT: join(dir, "signcert.pem"),
      PDL_FABRIC_KEY: join(dir, "key.pem"),
      LEDGER_DATA_DIR: join(dir, "data"),
      PORT: "0",
      LOG_LEVEL: "silent",
      LEDGER_ANCHOR_EVERY_SECONDS: "3600",
      LEDGER_ANCHOR_EVERY_LEAVES: "100000",
    });
    expect(config.fabric).to.deep.include({ channel: "pdl", chaincode: "pdl" });
    expect(config.fabric.tlsCertPath, "no TLS: the emulator serves plaintext gRPC").to.equal(undefined);
    service = await startService(config, { env });
    running = true;
    c = clientsFor(service, base());
    story = await playStory(service, c);
  });
  after(async () => {
    if (running) await service.stop();
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
    // Every write of the story came back with a receipt for its Fabric transaction.
    for (const [label, done] of Object.entries({ ...story, D2: accepted })) {
      expect(done.tx.txId, label).to.match(/^[0-9a-f]{64}$/);
      expect(done.tx.blockNumber, label).to.be.greaterThan(0);
      expect(done.receipt.state, label).to.be.oneOf(["pending", "checkpointed", "anchored"]);
      expect(done.receipt.entry, label).to.deep.include({ index: done.leafIndex, recordHash: done.recordHash });
    }
    const committed = net.emulator.ledger.transaction(accepted.tx.txId);
    expect(committed, "the receipt names a valid transaction of the peer's chain").to.deep.include({
      blockNumber: accepted.tx.blockNumber,
      code: 0,
    });
  });

  it("refuses a rule violation with the chaincode's rulebook code, writing nothing", async () => {
    const size = service.log.size;
    const height = net.emulator.ledger.height;
    const hop = {
      ...deliverBody("H9"),
      operation: "clean",
      delivery: undefined,
      inputs: [{ kind: "resource", resourceId: "R2", version: 1, fields: ["idno"], hash: h("R2-v1") }],
    };
    const refused = await c.op.raw("POST", "/v1/hops", c.op.sign("lineage.hop", hop as never));
    expect(refused.status).to.be.within(400, 499);
    expect(codeOf(refused.json)).to.equal("FIELD_NOT_GRANTED");
    // The chaincode's refusal names the field through the gateway, as the EVM's does.
    expect((refused.json as { error: { details?: unknown } }).error.details).to.deep.equal({
      resourceId: "R2",
      field: "idno",
    });
    const grant = {
      id: "G9",
      grantee: org("pa"),
      scope: [{ resourceId: "R1", fields: ["a"] }],
      scenarios: ["x"],
      validFrom: 1,
      validUntil: 2,
      agreementHash: h("x"),
    };
    expect(codeOf((await c.pa.raw("POST", "/v1/grants", c.pa.sign("grant.issue", grant))).json)).to.equal(
      "REGRANT_FORBIDDEN",
    );
    expect(service.log.size).to.equal(size);
    expect(net.emulator.ledger.height, "refused at endorsement: nothing was ordered").to.equal(height);
    expect((await c.sup.raw("GET", "/v1/records/hop/H9/history")).status).to.equal(404);
  });

  it("exports the lineage and audits the grant from the chaincode's state", async () => {
    const lineage = await c.ex.get<{ hops: { hop: { id: string } }[] }>("/v1/products/P1/lineage");
    expect(lineage.hops.map((x) => x.hop.id)).to.include.members(["H1", "D1", "D2"]);
    const audit = await c.sup.get<{ partners: { id: string }[]; deliveries: { recipient: string }[] }>(
      "/v1/grants/G1/audit",
    );
    expect(audit.partners.map((p) => p.id)).to.deep.equal(["A1"]);
    expect(audit.deliveries.map((d) => d.recipient)).to.deep.equal([org("con"), org("con")]);
  });

  it("anchors checkpoints on the chaincode: receipts become anchored with the Fabric transaction", async () => {
    await service.anchorNow();
    const history = await c.sup.get<{
      history: { receipt: { state: string; anchor?: { chainType: string; chainId: string; contract: string } } }[];
    }>("/v1/records/grant/G1/history");
    const receipt = history.history[0]!.receipt;
    expect(receipt.state).to.equal("anchored");
    expect(receipt.anchor).to.deep.include({ chainType: "fabric", chainId: "pdl", contract: "pdl" });
    const anchor = receipt.anchor as unknown as {
      txId: string;
      blockNumber: number;
      treeSize: number;
      rootHash: string;
      checkpointHash: string;
    };
    expect(net.emulator.ledger.transaction(anchor.txId), "a valid transaction of the peer's chain").to.deep.include({
      blockNumber: anchor.blockNumber,
      code: 0,
    });
    expect(net.emulator.ledger.transaction(anchor.txId)!.event?.eventName).to.equal("CheckpointAnchored");
    const onChain = await service.backend.view({ kind: "anchor", id: config.log.origin });
    expect(onChain, "the chaincode's anchor state").to.deep.include({
      treeSize: anchor.treeSize,
      rootHash: anchor.rootHash,
      checkpointHash: anchor.checkpointHash,
    });
    expect(verifyReceiptOffline(receipt, service.keyring.log.publicKey)).to.deep.include({
      ok: true,
      state: "anchored",
    });
  });

  it("keeps every record and index across a restart, resuming the chaincode events after its cursor", async () => {
    const size = service.log.size;
    running = false;
    await service.stop();
    service = await startService(config, { env });
    running = true;
    c = clientsFor(service, base());
    expect(service.log.size, "nothing indexed twice").to.equal(size);
    expect((await c.sup.get<{ history: unknown[] }>("/v1/records/hop/D2/history")).history).to.have.length(1);
    await c.op.submit("lineage.hop", deliverBody("D3") as never);
    expect(service.log.size).to.equal(size + 1);
  });
  it("names the missing PDL_FABRIC_* settings, and an unreadable certificate, as configuration errors", async () => {
    const logger = createLogger("silent");
    const open = (fabric: Config["fabric"]) =>
      openBackend({ ...config, fabric }, {} as Keyring, logger, {}).catch((e: unknown) => e);
    const none = await open({ channel: "pdl", chaincode: "pdl" });
    expect(none).to.be.instanceOf(ConfigError);
    expect((none as Error).message).to.equal(
      "backend fabric needs fabric.peerEndpoint (PDL_FABRIC_PEER_ENDPOINT), fabric.mspId (PDL_FABRIC_MSP_ID), fabric.certPath (PDL_FABRIC_CERT), fabric.keyPath (PDL_FABRIC_KEY)",
    );
    const noKey = await open({ ...config.fabric, keyPath: undefined });
    expect((noKey as Error).message).to.equal("backend fabric needs fabric.keyPath (PDL_FABRIC_KEY)");
    const absent = await open({ ...config.fabric, certPath: join(dir, "absent.pem") });
    expect(absent).to.be.instanceOf(ConfigError);
    expect((absent as Error).message).to.contain("absent.pem");
  });

  it("refuses to bootstrap the agency from an identity without pdl.role=agency, writing nothing", async () => {
    running = false;
    await service.stop();
    net.emulator.reset();
    const plain = await createFabricIdentity({
      mspId: "Org1MSP",
      commonName: "not-a-relay",
      attributes: { "pdl.org": agencyOrgId },
    });
    writeFileSync(join(dir, "plain-cert.pem"), plain.certificatePem);
    writeFileSync(join(dir, "plain-key.pem"), plain.privateKey.export({ type: "pkcs8", format: "pem" }));
    const other: Config = {
      ...config,
      dataDir: join(dir, "data-plain"),
      fabric: { ...config.fabric, certPath: join(dir, "plain-cert.pem"), keyPath: join(dir, "plain-key.pem") },
    };
    const err = await startService(other, { env }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(LedgerError);
    expect((err as LedgerError).code).to.equal("NOT_AUTHORIZED");
    expect((err as Error).message).to.contain("pdl.role=agency");
    expect(net.emulator.ledger.height, "genesis block only").to.equal(1);
  });
});
