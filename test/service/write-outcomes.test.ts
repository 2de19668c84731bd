import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { recordHash } from "../../core/record.ts";
import { DEFAULTS, type Config } from "../../ledger-service/src/config.ts";
import { deployRegistry } from "../../ledger-service/src/chain/evm/registry-client.ts";
import { verifyReceiptOffline, type Receipt } from "../../ledger-service/src/log/receipt.ts";
import { LedgerClient, OutcomePendingError } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { strangerBody } from "../../scripts/scenarios/world.ts";
import { RpcProxy } from "../reliability/rpc-proxy.ts";

/** Hardhat's first default account: funded on the default network, never used outside tests. */
const DEPLOYER = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

interface Answer {
  status: number;
  json: unknown;
  headers: Headers;
}
const codeOf = (res: Answer) => (res.json as { error?: { code?: string } }).error?.code;

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

/**
 * Write outcomes a client can trust, on an EVM node behind a relay that fails on purpose: an
 * answer lost after the node mined the transaction, a transaction lost on its way, a frozen
 * link, and a node that lost its state. Each answer is checked against the chain.
 */
describe("write outcomes under chain faults (backend evm)", function () {
  this.timeout(180_000);
  let dir: string;
  let config: Config;
  let env: Record<string, string>;
  let service: RunningService;
  let nodes: { close(): Promise<void> }[] = [];
  let proxy: RpcProxy;
  let agency: LedgerClient;
  let stranger = 60;
  const nextActor = () => strangerBody("operator", stranger++);
  const base = () => `http://127.0.0.1:${service.address().port}`;
  const post = (body: unknown) => agency.raw("POST", "/v1/actors", agency.sign("actor.register", body as never));

  async function node(): Promise<number> {
    const { default: hre } = await import("hardhat");
    const server = await hre.network.createServer({ network: "default", chainType: "l1" }, "127.0.0.1", 0);
    const { port } = await server.listen();
    nodes.push(server);
    return port;
  }

  before(async () => {
    proxy = new RpcProxy(await node());
    await proxy.start();
    const provider = new JsonRpcProvider(proxy.url, undefined, { staticNetwork: true });
    const registry = await deployRegistry(new NonceManager(new Wallet(DEPLOYER, provider)));
    provider.destroy();
    dir = mkdtempSync(join(tmpdir(), "pdl-outcomes-"));
    config = {
      ...DEFAULTS,
      backend: "evm",
      port: 0,
      dataDir: dir,
      logLevel: "silent",
      evm: { rpcUrl: proxy.url },
      chainTimeoutMs: 1000,
      outcomeWaitMs: 500,
      log: { ...DEFAULTS.log, anchorEverySeconds: 3600, anchorEveryLeaves: 100_000, checkpointEveryMs: 50 },
    };
    env = { PDL_EVM_REGISTRY: registry, PDL_EVM_PRIVATE_KEY: DEPLOYER, LEDGER_AGENCY_PASSPHRASE: "outcomes test" };
    service = await startService(config, { env });
    agency = new LedgerClient({
      baseUrl: base(),
      identity: { orgId: service.agencyOrgId, privateKey: service.keyring.agency.privateKey },
      outcomeTimeoutMs: 30_000,
    });
  });
  // A test that fails midway must not leave the link cut for the next one.
  afterEach(async () => {
    proxy.disarm();
    await proxy.set("pass");
  });
  after(async () => {
    await service?.stop().catch(() => undefined);
    await proxy?.close();
    for (const n of nodes) await n.close();
    nodes = [];
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("answers 202 when the node mined the write but the answer was lost, then the receipt once the link heals", async () => {
    const body = nextActor();
    const logSize = service.log.size;
    proxy.loseAnswerTo("eth_sendRawTransaction", "reset");
    const res = await post(body);
    expect(res.status, JSON.stringify(res.json)).to.equal(202);
    const pending = res.json as { recordHash: string; state: string; txId: string; poll: string };
    expect(pending.state).to.equal("submitted");
    expect(pending.txId).to.match(/^0x[0-9a-f]{64}$/);
    expect(res.headers.get("retry-after")).to.match(/^\d+$/);
    expect(res.headers.get("location")).to.equal(`/v1/receipts/${pending.recordHash}`);
    // While the link is down the service says it does not know, never that nothing was written.
    const polled = await agency.raw("GET", pending.poll);
    expect(polled.status).to.equal(202);
    expect(polled.json).to.deep.include({ recordHash: pending.recordHash, state: "submitted" });
    await proxy.set("pass");
    const receipt = await until("the receipt", async () => {
      const r = await agency.raw("GET", pending.poll);
      return r.status === 200 ? (r.json as Receipt) : undefined;
    });
    expect(receipt.entry.recordHash).to.equal(pending.recordHash);
    const offline = verifyReceiptOffline(receipt, service.keyring.log.publicKey);
    expect(offline.ok || receipt.state === "pending", JSON.stringify(offline)).to.equal(true);
    expect(await service.store.historyOf("actor", body.orgId)).to.have.length(1);
    expect(service.log.size).to.equal(logSize + 1);
    expect((await service.store.entryByHash(pending.recordHash))?.txId).to.equal(pending.txId);
  });

  it("answers 202 when the transaction was lost on its way, then sends the same bytes again and it lands once", async () => {
    const body = nextActor();
    proxy.loseRequest("eth_sendRawTransaction", "reset");
    const res = await post(body);
    expect(res.status, JSON.stringify(res.json)).to.equal(202);
    const { recordHash, txId } = res.json as { recordHash: string; txId: string };
    await proxy.set("pass");
    const receipt = await until("the receipt", async () => {
      const r = await agency.raw("GET", `/v1/receipts/${recordHash}`);
      return r.status === 200 ? (r.json as Receipt) : undefined;
    });
    expect(receipt.entry.recordHash).to.equal(recordHash);
    expect((await service.store.entryByHash(recordHash))?.txId, "the transaction signed the first time").to.equal(txId);
    expect(await service.store.historyOf("actor", body.orgId)).to.have.length(1);
  });

  it("keeps an unknown outcome across a restart and settles it after", async () => {
    const body = nextActor();
    proxy.loseAnswerTo("eth_sendRawTransaction", "refuse");
    const res = await post(body);
    expect(res.status).to.equal(202);
    const { recordHash } = res.json as { recordHash: string };
    await service.stop();
    await proxy.set("pass");
    service = await startService(config, { env });
    agency = new LedgerClient({
      baseUrl: base(),
      identity: { orgId: service.agencyOrgId, privateKey: service.keyring.agency.privateKey },
    });
    const receipt = await until("the receipt after the restart", async () => {
      const r = await agency.raw("GET", `/v1/receipts/${recordHash}`);
      expect(r.status, JSON.stringify(r.json)).to.be.oneOf([200, 202]);
      return r.status === 200 ? (r.json as Receipt) : undefined;
    });
    expect(receipt.entry.recordHash).to.equal(recordHash);
    expect(await service.store.historyOf("actor", body.orgId)).to.have.length(1);
  });

  it("lets the SDK follow a 202 to the receipt, and give up with the hash when the outcome stays unknown", async () => {
    proxy.loseAnswerTo("eth_sendRawTransaction", "reset");
    const heal = setTimeout(() => void proxy.set("pass"), 1500);
    const done = await agency.submit("actor.register", nextActor() as never);
    clearTimeout(heal);
    expect(done.receipt.state).to.be.oneOf(["pending", "checkpointed"]);
    expect(done.tx.txId).to.match(/^0x[0-9a-f]{64}$/);
    expect(done.leafIndex).to.be.at.least(0);

    const impatient = new LedgerClient({
      baseUrl: base(),
      identity: { orgId: service.agencyOrgId, privateKey: service.keyring.agency.privateKey },
      outcomeTimeoutMs: 1500,
    });
    proxy.loseAnswerTo("eth_sendRawTransaction", "reset");
    const gaveUp = await impatient.submit("actor.register", nextActor() as never).catch((err: unknown) => err);
    expect(gaveUp).to.be.instanceOf(OutcomePendingError);
    const hash = (gaveUp as OutcomePendingError).recordHash;
    await proxy.set("pass");
    await until("the receipt", async () =>
      (await agency.raw("GET", `/v1/receipts/${hash}`)).status === 200 ? true : undefined,
    );
  });

  it("answers 202, never 503, when the node mined the write but the link failed before it was indexed", async () => {
    const body = nextActor();
    // The relay reads the receipt and the block; the indexer's read of the new events is cut.
    proxy.loseRequest("eth_getLogs", "reset");
    const res = await post(body);
    expect(res.status, JSON.stringify(res.json)).to.equal(202);
    const { recordHash, txId } = res.json as { recordHash: string; txId: string };
    expect(txId).to.match(/^0x[0-9a-f]{64}$/);
    await proxy.set("pass");
    const receipt = await until("the receipt", async () => {
      const r = await agency.raw("GET", `/v1/receipts/${recordHash}`);
      expect(r.status, JSON.stringify(r.json)).to.be.oneOf([200, 202]);
      return r.status === 200 ? (r.json as Receipt) : undefined;
    });
    expect(receipt.entry.recordHash).to.equal(recordHash);
    expect((await service.store.entryByHash(recordHash))?.txId).to.equal(txId);
    expect(await service.store.historyOf("actor", body.orgId)).to.have.length(1);
  });

  it("answers 503 when the link failed while the transaction was being prepared: nothing was sent, nothing to poll", async () => {
    const body = nextActor();
    const signed = agency.sign("actor.register", body as never);
    const logSize = service.log.size;
    const sent = proxy.seen.get("eth_sendRawTransaction") ?? 0;
    // The nonce read is the relay's first request of its own, after the dry run.
    proxy.loseRequest("eth_getTransactionCount", "pass");
    const res = await agency.raw("POST", "/v1/actors", signed);
    expect(res.status, JSON.stringify(res.json)).to.equal(503);
    expect(codeOf(res)).to.equal("CHAIN_UNAVAILABLE");
    expect(proxy.armed, "the nonce read was cut").to.equal(false);
    expect(proxy.seen.get("eth_sendRawTransaction") ?? 0, "no transaction sent").to.equal(sent);
    // No outcome left to wait for: the receipt route knows nothing of it (not a 202 forever).
    expect((await agency.raw("GET", `/v1/receipts/${recordHash(signed.record)}`)).status).to.equal(404);
    expect(service.log.size, "nothing logged").to.equal(logSize);
    expect(await service.store.historyOf("actor", body.orgId)).to.deep.equal([]);
  });

  it("answers 503 within the chain timeout when the link freezes, writing nothing; /readyz says the chain does not answer", async () => {
    const body = nextActor();
    const logSize = service.log.size;
    await proxy.set("hold");
    const started = Date.now();
    const res = await post(body);
    expect(res.status, JSON.stringify(res.json)).to.equal(503);
    expect(codeOf(res)).to.equal("CHAIN_UNAVAILABLE");
    expect(Date.now() - started, "bounded by the chain timeout").to.be.below(5000);
    const ready = await fetch(`${base()}/readyz`);
    expect(ready.status).to.equal(503);
    expect(((await ready.json()) as { reason: string }).reason).to.match(/^the chain does not answer/);
    await proxy.set("pass");
    expect(service.log.size, "nothing logged").to.equal(logSize);
    expect(await service.store.historyOf("actor", body.orgId)).to.deep.equal([]);
    expect((await fetch(`${base()}/readyz`)).status).to.equal(200);
  });

  it("says in one line that a node lost its state: /readyz, writes (503 CHAIN_MISMATCH), reads, and the next start", async () => {
    proxy.retarget(await node());
    await new Promise((ok) => setTimeout(ok, 1100)); // past the second a good readiness answer is reused
    const ready = await fetch(`${base()}/readyz`);
    expect(ready.status).to.equal(503);
    const { reason } = (await ready.json()) as { reason: string };
    expect(reason).to.match(/genesis block .* is not this data directory's/);
    expect(reason).to.not.include("\n");
    const write = await post(nextActor());
    expect(write.status, JSON.stringify(write.json)).to.equal(503);
    expect(codeOf(write)).to.equal("CHAIN_MISMATCH");
    // A read that asks the chain is refused the same way, never 500.
    const read = await agency.raw("GET", `/v1/actors/${service.agencyOrgId}`);
    expect(read.status, JSON.stringify(read.json)).to.equal(503);
    expect(codeOf(read)).to.equal("CHAIN_MISMATCH");
    // What only the indexes hold still reads.
    expect((await agency.raw("GET", `/v1/records/actor/${service.agencyOrgId}/history`)).status).to.equal(200);
    await service.stop();
    const refused = await startService(config, { env }).catch((err: unknown) => err);
    expect(refused).to.be.instanceOf(Error);
    expect((refused as Error).name).to.equal("ChainMismatchError");
    expect((refused as Error).message).to.equal(reason);
    service = undefined as unknown as RunningService;
  });

  it("refuses a registry address with no code at start, in one line", async () => {
    const other = mkdtempSync(join(tmpdir(), "pdl-outcomes-nocode-"));
    try {
      const refused = await startService(
        { ...config, dataDir: other },
        { env: { ...env, PDL_EVM_REGISTRY: "0x000000000000000000000000000000000000dEaD" } },
      ).catch((err: unknown) => err);
      expect((refused as Error).name).to.equal("ChainMismatchError");
      expect((refused as Error).message).to.match(/^no registry at 0x/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
