import { mkdtempSync, rmSync } from "node:fs";
import { createServer, connect, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { DEFAULTS, type Config } from "../../ledger-service/src/config.ts";
import { evmAnchorConfirmer } from "../../ledger-service/src/client/anchors/evm-anchor.ts";
import { deployRegistry } from "../../ledger-service/src/chain/evm/registry-client.ts";
import { verifyReceipt, type Receipt } from "../../ledger-service/src/log/receipt.ts";
import { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { actorBody, org } from "../../scripts/scenarios/world.ts";

/** Hardhat's first default account: funded on the default network, never used outside tests. */
const DEPLOYER = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/**
 * A TCP relay between the service and the node: closing it is a network partition (new
 * connections refused, open ones cut), reopening it heals the partition.
 */
class Partition {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: number) {}

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target, "127.0.0.1");
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((ok) => this.server!.listen(this.port, "127.0.0.1", ok));
    this.port = (this.server.address() as { port: number }).port;
  }

  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((ok) => this.server!.close(() => ok()));
  }
}

describe("ledger service on an EVM node over JSON-RPC (backend evm)", function () {
  this.timeout(180_000);
  let dir: string;
  let service: RunningService;
  let node: { close(): Promise<void> };
  let partition: Partition;
  let agency: LedgerClient;

  before(async () => {
    const { default: hre } = await import("hardhat");
    const server = await hre.network.createServer({ network: "default", chainType: "l1" }, "127.0.0.1", 0);
    const { port } = await server.listen();
    node = server;
    partition = new Partition(port);
    await partition.open();
    const url = `http://127.0.0.1:${partition.port}`;
    const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true });
    const registry = await deployRegistry(new NonceManager(new Wallet(DEPLOYER, provider)));
    provider.destroy();

    dir = mkdtempSync(join(tmpdir(), "pdl-evm-"));
    const config: Config = {
      ...DEFAULTS,
      backend: "evm",
      port: 0,
      dataDir: dir,
      logLevel: "silent",
      evm: { rpcUrl: url },
      log: { ...DEFAULTS.log, anchorEverySeconds: 3600 },
    };
    service = await startService(config, {
      env: { PDL_EVM_REGISTRY: registry, PDL_EVM_PRIVATE_KEY: DEPLOYER, LEDGER_AGENCY_PASSPHRASE: "evm test" },
    });
    agency = new LedgerClient({
      baseUrl: `http://127.0.0.1:${service.address().port}`,
      identity: { orgId: service.agencyOrgId, privateKey: service.keyring.agency.privateKey },
    });
  });
  after(async () => {
    await service?.stop().catch(() => undefined);
    await node?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("bootstraps the agency on the node's registry and accepts writes with receipts", async () => {
    expect(service.backend.ref.type).to.equal("evm");
    expect(service.backend.ref.chainId).to.equal("31337");
    const res = await agency.submit("actor.register", actorBody("op"));
    expect(res.tx.blockNumber).to.be.greaterThan(0);
    expect(res.receipt.state).to.be.oneOf(["pending", "checkpointed"]);
  });

  it("confirms an anchored receipt on the node, and refuses an anchor the chain does not hold", async () => {
    const res = await agency.submit("actor.register", actorBody("sup"));
    await service.anchorNow();
    const receipt = await agency.get<Receipt>(`/v1/receipts/${res.recordHash}`);
    expect(receipt.state).to.equal("anchored");
    const url = `http://127.0.0.1:${partition.port}`;
    const good = await verifyReceipt(receipt, service.keyring.log.publicKey, undefined, evmAnchorConfirmer(url));
    expect(good.ok, JSON.stringify(good.checks)).to.equal(true);
    expect(good.checks.at(-1)).to.deep.include({ name: "anchor on chain", ok: true });
    const moved = { ...receipt, anchor: { ...receipt.anchor!, blockNumber: receipt.anchor!.blockNumber + 1 } };
    const bad = await verifyReceipt(moved, service.keyring.log.publicKey, undefined, evmAnchorConfirmer(url));
    expect(bad.ok).to.equal(false);
    expect(bad.checks.filter((c) => !c.ok).map((c) => c.name)).to.deep.equal(["anchor on chain"]);
    const otherTx = { ...receipt, anchor: { ...receipt.anchor!, txId: res.tx.txId } };
    expect(
      (await verifyReceipt(otherTx, service.keyring.log.publicKey, undefined, evmAnchorConfirmer(url))).ok,
      "a transaction that anchored nothing",
    ).to.equal(false);

    // One byte changed anywhere in the receipt: offline checks or the chain catch it.
    const text = JSON.stringify(receipt);
    const confirm = evmAnchorConfirmer(url);
    const survived: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const bytes = Buffer.from(text, "utf8");
      bytes[i] = bytes[i]! ^ 0x01;
      let doc: unknown;
      try {
        doc = JSON.parse(bytes.toString("utf8"));
      } catch {
        continue;
      }
      if ((await verifyReceipt(doc, service.keyring.log.publicKey, undefined, confirm)).ok) survived.push(i);
    }
    expect(
      survived.map((i) => text.slice(Math.max(0, i - 20), i + 5)),
      "tampered bytes that still verify",
    ).to.deep.equal([]);
  });

  it("answers 503 with Retry-After while the node is unreachable, writing nothing, and recovers", async () => {
    const logSize = service.log.size;
    await partition.cut();
    const record = agency.sign("actor.register", actorBody("ex"));
    const res = await agency.raw("POST", "/v1/actors", record);
    expect(res.status).to.equal(503);
    expect(res.headers.get("retry-after")).to.match(/^\d+$/);
    expect((res.json as { error: { code: string } }).error.code).to.equal("CHAIN_UNAVAILABLE");
    expect((await fetch(`http://127.0.0.1:${service.address().port}/readyz`)).status).to.equal(503);
    expect(service.log.size, "nothing logged").to.equal(logSize);
    const metrics = await (await fetch(`http://127.0.0.1:${service.address().port}/metrics`)).text();
    expect(metrics).to.match(/^pdl_chain_errors_total\{code="CHAIN_UNAVAILABLE"\} [1-9]/m);
    expect(await service.store.historyOf("actor", org("ex")), "nothing indexed").to.deep.equal([]);

    await partition.open();
    expect((await fetch(`http://127.0.0.1:${service.address().port}/readyz`)).status).to.equal(200);
    // The same signed record, retried after the outage, is accepted exactly once.
    const retried = await agency.raw("POST", "/v1/actors", record);
    expect(retried.status).to.equal(201);
    expect(await service.store.historyOf("actor", org("ex"))).to.have.length(1);
    expect(service.log.size).to.equal(logSize + 1);
  });
});
