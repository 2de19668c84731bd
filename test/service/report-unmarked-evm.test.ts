import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Contract, JsonRpcProvider, NonceManager, Wallet, parseEther } from "ethers";
import type { ListingReport, SignedReport } from "../../core/listing-report.ts";
import type { LineageHop } from "../../core/records/lineage.ts";
import { registryInterface } from "../../ledger-service/src/chain/evm/artifacts.ts";
import { callOf } from "../../ledger-service/src/chain/evm/encoding.ts";
import { deployRegistry } from "../../ledger-service/src/chain/evm/registry-client.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { deliverBody, delivery } from "../../scripts/scenarios/fixtures.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { MEMBERS, strangerBody, type ActorName } from "../../scripts/scenarios/world.ts";
import { testConfig } from "./test-config.ts";

/** Hardhat's first two default accounts: funded on the default network, never used outside tests. */
const DEPLOYER = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const FUNDER = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

type ErrorBody = { error: { code: string; details?: Record<string, unknown> } };

/**
 * The listing report checks the marked cells of every delivery, not the chain's word alone
 * (issue 15, defect 7). On an EVM chain the registry checks the arguments its caller passes, and
 * the indexes and the report read the signed record that the call carries; an operator calling
 * the registry with its own account, bypassing the service, can register a delivery whose
 * arguments say 30 marked cells while its signed record says 0. The report's watermark check
 * fails that delivery and names it.
 */
describe("listing report: a delivery whose signed record marks no cell fails the watermark check (EVM, service bypassed)", function () {
  this.timeout(300_000);
  let dir: string;
  let service: RunningService;
  let node: { close(): Promise<void> };
  let provider: JsonRpcProvider;
  let registry: string;
  let c: Record<ActorName, LedgerClient>;

  const deliveryMode = async () => {
    const signed = await c.ex.issueListingReport("P1");
    return signed.report.checks.find((x) => x.id === "delivery-mode")!;
  };

  before(async () => {
    const { default: hre } = await import("hardhat");
    const server = await hre.network.createServer({ network: "default", chainType: "l1" }, "127.0.0.1", 0);
    const { port } = await server.listen();
    node = server;
    const rpcUrl = `http://127.0.0.1:${port}`;
    provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });
    registry = await deployRegistry(new NonceManager(new Wallet(DEPLOYER, provider)));
    dir = mkdtempSync(join(tmpdir(), "pdl-report-evm-"));
    service = await startService(testConfig(dir, { backend: "evm", evm: { rpcUrl } }), {
      env: { PDL_EVM_REGISTRY: registry, PDL_EVM_PRIVATE_KEY: DEPLOYER, LEDGER_AGENCY_PASSPHRASE: "evm test" },
    });
    c = clientsFor(service, `http://127.0.0.1:${service.address().port}`);
    await playStory(service, c);
  });
  after(async () => {
    await service?.stop().catch(() => undefined);
    provider?.destroy();
    await node?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the Solidity registry refuses 0 marked cells through the service, and the report passes D1's 120", async () => {
    const refused = await c.op.raw(
      "POST",
      "/v1/deliveries",
      c.op.sign("lineage.hop", deliverBody("D-ZERO", { delivery: delivery({ markedCells: 0 }) }) as never),
    );
    expect((refused.json as ErrorBody).error).to.deep.include({
      code: "DELIVERY_UNMARKED",
      details: { markedCells: 0, minimum: 30 },
    });
    const check = await deliveryMode();
    expect(check.result).to.equal("pass");
    expect(check.detail).to.include("D1 120");
  });

  it("fails the delivery-mode check for a delivery registered around the service with 0 marked cells in its record", async () => {
    const signed = c.op.sign(
      "lineage.hop",
      deliverBody("D-BYPASS", { delivery: delivery({ markedCells: 0 }) }) as never,
    );
    const call = callOf(signed);
    // The arguments the registry checks claim 30 cells; the signed record it logs says 0.
    const hop = call.args[1] as { delivery: { markedCells: number } };
    hop.delivery = { ...hop.delivery, markedCells: 30 };
    const operator = new Wallet(MEMBERS.op.evmPrivateKey, provider);
    const funder = new Wallet(FUNDER, provider);
    await (await funder.sendTransaction({ to: operator.address, value: parseEther("1") })).wait();
    const contract = new Contract(registry, registryInterface(), operator);
    await (
      await (contract[call.fn] as (...a: unknown[]) => Promise<{ wait(): Promise<unknown> }>)(...call.args)
    ).wait();

    // The next write through the service indexes the chain's events, the bypassing one included.
    await c.agency.submit("actor.register", strangerBody("consumer", 77));
    const recorded = (await c.sup.get<{ created: LineageHop }>("/v1/hops/D-BYPASS")).created;
    expect(recorded.delivery!.markedCells).to.equal(0);

    const check = await deliveryMode();
    expect(check.result).to.equal("fail");
    expect(check.detail).to.include("D-BYPASS 0").and.include("delivery D-BYPASS is not watermarked");
    const signedReport = await c.ex.get<SignedReport<ListingReport>>("/v1/products/P1/verification-report");
    expect(signedReport.report.verdict).to.equal("fail");
  });
});
