import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import "../fabric/quiet.ts";
import { loadSeedCatalog, organisation } from "../../scripts/demo/catalog/seed-catalog.ts";
import { fabricAnchorConfirmer } from "../../ledger-service/src/client/anchors/fabric-anchor.ts";
import { DEFAULTS, type Config } from "../../ledger-service/src/config.ts";
import { verifyReceipt, type Receipt } from "../../ledger-service/src/log/receipt.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import type { ActorName } from "../../scripts/scenarios/world.ts";
import { startEmulatedNetwork, type EmulatedNetwork } from "../fabric/emulator/network.ts";
import { createFabricIdentity } from "../fabric/identities.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";

const PDL = fileURLToPath(new URL("../../bin/pdl.js", import.meta.url));

/**
 * A receipt whose anchor is on Fabric, confirmed by the verifier against a peer of its choosing
 * with its own identity (qscc GetBlockByNumber): the library confirmer and `pdl verify-receipt
 * --fabric-config`. The verifier's identity is a plain member of another organisation.
 */
describe("receipts anchored on Fabric, confirmed on the verifier's peer", function () {
  this.timeout(240_000);
  let net: EmulatedNetwork;
  let dir: string;
  let service: RunningService;
  let c: Record<ActorName, LedgerClient>;
  let verifier: Config["fabric"];

  before(async () => {
    net = await startEmulatedNetwork({ channel: "pdl", chaincodeName: "pdl", mspIds: ["Org1MSP", "AuditMSP"] });
    dir = mkdtempSync(join(tmpdir(), "pdl-fabric-receipt-"));
    const agencyOrgId = organisation(loadSeedCatalog(), "agency").orgId;
    const relay = await createFabricIdentity({
      mspId: "Org1MSP",
      commonName: "pdl-service",
      attributes: { "pdl.org": agencyOrgId, "pdl.role": "agency" },
    });
    const auditor = await createFabricIdentity({ mspId: "AuditMSP", commonName: "auditor" });
    for (const [name, id] of [
      ["relay", relay],
      ["auditor", auditor],
    ] as const) {
      writeFileSync(join(dir, `${name}.crt`), id.certificatePem);
      writeFileSync(join(dir, `${name}.key`), id.privateKey.export({ type: "pkcs8", format: "pem" }));
    }
    const fabric = { peerEndpoint: net.emulator.address, channel: "pdl", chaincode: "pdl" };
    verifier = { ...fabric, mspId: "AuditMSP", certPath: join(dir, "auditor.crt"), keyPath: join(dir, "auditor.key") };
    const config: Config = {
      ...DEFAULTS,
      port: 0,
      dataDir: join(dir, "data"),
      logLevel: "silent",
      backend: "fabric",
      log: { ...DEFAULTS.log, anchorEverySeconds: 3600, anchorEveryLeaves: 100_000 },
      fabric: { ...fabric, mspId: "Org1MSP", certPath: join(dir, "relay.crt"), keyPath: join(dir, "relay.key") },
    };
    service = await startService(config, { env: { LEDGER_AGENCY_PASSPHRASE: "fabric receipt test" } });
    c = clientsFor(service, `http://127.0.0.1:${service.address().port}`);
    await playStory(service, c);
    await service.anchorNow();
  });
  after(async () => {
    await service?.stop();
    await net?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function anchoredReceipt(): Promise<Receipt> {
    const history = await c.sup.get<{ history: { receipt: Receipt }[] }>("/v1/records/grant/G1/history");
    const receipt = history.history[0]!.receipt;
    expect(receipt.state).to.equal("anchored");
    return receipt;
  }

  it("confirms the anchoring transaction, and refuses an anchor with any transaction field changed", async () => {
    const receipt = await anchoredReceipt();
    const key = service.keyring.log.publicKey;
    const confirm = fabricAnchorConfirmer(verifier);
    const confirmed = await verifyReceipt(receipt, key, undefined, confirm);
    expect(confirmed.ok, JSON.stringify(confirmed.checks)).to.equal(true);
    expect(confirmed.checks.at(-1)!.detail).to.match(
      /^CheckpointAnchored\(size \d+\) by transaction \d+ of block \d+ on channel pdl/,
    );

    const anchor = receipt.anchor!;
    const flipped = anchor.txId.replace(/^./, (ch) => (ch === "0" ? "1" : "0"));
    for (const change of [
      { txId: flipped },
      { blockNumber: anchor.blockNumber - 1 },
      { blockTime: anchor.blockTime + 1 },
      { contract: "other" },
      { chainType: "evm" },
    ]) {
      const result = await verifyReceipt({ ...receipt, anchor: { ...anchor, ...change } }, key, undefined, confirm);
      expect(result.ok, JSON.stringify(change)).to.equal(false);
    }
  });

  it("pdl verify-receipt --fabric-config confirms it with a connection file", async () => {
    const receipt = await anchoredReceipt();
    writeFileSync(join(dir, "receipt.json"), JSON.stringify(receipt));
    writeFileSync(join(dir, "peer.json"), JSON.stringify({ fabric: verifier }));
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(
          process.execPath,
          [PDL, "verify-receipt", join(dir, "receipt.json"), "--log-key", service.keyring.log.publicKey, ...args],
          { timeout: 60_000 },
          (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
      );
    const ok = await run(["--fabric-config", join(dir, "peer.json")]);
    expect(ok.code, ok.stdout + ok.stderr).to.equal(0);
    expect(ok.stdout).to.contain("receipt verified (anchored and confirmed on chain)");

    writeFileSync(
      join(dir, "receipt.json"),
      JSON.stringify({ ...receipt, anchor: { ...receipt.anchor, blockTime: receipt.anchor!.blockTime + 1 } }),
    );
    const tampered = await run(["--fabric-config", join(dir, "peer.json")]);
    expect(tampered.code).to.equal(2);
    expect(tampered.stdout).to.contain("receipt NOT verified");

    writeFileSync(join(dir, "bad-peer.json"), JSON.stringify({ peerEndpoint: net.emulator.address }));
    const incomplete = await run(["--fabric-config", join(dir, "bad-peer.json")]);
    expect(incomplete.code).to.equal(1);
    expect(incomplete.stderr).to.contain("the Fabric connection needs mspId");
  });
});
