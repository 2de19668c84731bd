import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { addCalendarMonths } from "../../core/time.ts";
import { ConfigError, openBackend } from "../../ledger-service/src/chain/open-backend.ts";
import { DEFAULTS } from "../../ledger-service/src/config.ts";
import { createLogger } from "../../ledger-service/src/logger.ts";
import type { RunningService } from "../../ledger-service/src/service.ts";
import { MEMBERS, org } from "../../scripts/scenarios/world.ts";
import { clientOf, codeOf, DAY, playOverHttp, scenario, serviceWith } from "./scenario-over-http.ts";

describe("manual clock on the embedded chain (LEDGER_CLOCK=manual)", function () {
  this.timeout(180_000);
  let dir: string;
  let service: RunningService | undefined;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "pdl-clock-"))));
  afterEach(async () => {
    await service?.stop();
    service = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it("a destruction certificate on day 30 after the grant ended is on time, on day 31 late", async () => {
    service = await serviceWith(dir, "manual");
    const trace = await playOverHttp(service, scenario("a certificate on day 30 is on time, on day 31 late"));
    expect(trace.slice(-2)).to.deep.equal(["destruction.certify → ok", "destruction.certify → ok"]);
  });

  it("a blacklisted operator gets no grant 1 s before the 5-year ban ends, and gets one at 5 years", async () => {
    service = await serviceWith(dir, "manual");
    const trace = await playOverHttp(
      service,
      scenario("a blacklisted operator gets no grant until the ban ends 5 years later"),
    );
    expect(trace.slice(-3)).to.deep.equal([
      "grant.issue → ORG_BLACKLISTED",
      "grant.issue → ORG_BLACKLISTED",
      "grant.issue → ok",
    ]);
  });

  it("a voluntary exit 1 s short of 3 months' notice is refused, after exactly 3 months accepted", async () => {
    service = await serviceWith(dir, "manual");
    const trace = await playOverHttp(service, scenario("a voluntary exit with less than 3 months' notice is refused"));
    expect(trace.slice(-2)).to.deep.equal(["grant.exit → EXIT_NOTICE_TOO_SHORT", "grant.exit → ok"]);
  });

  it("moves only forward, only for the agency, journals every move and keeps it across a restart", async () => {
    service = await serviceWith(dir, "manual");
    const agency = clientOf(service, "agency");
    const { time: t0, mode } = await agency.get<{ time: number; mode: string }>("/v1/clock");
    expect(mode).to.equal("manual");
    // Time stands still: a write now gets the clock's time.
    const registered = await agency.submit("actor.register", {
      orgId: org("op"),
      name: "Operator",
      role: "operator",
      publicKey: MEMBERS.op.sm2PublicKey,
    });
    expect(registered.tx.blockTime).to.equal(t0);
    expect(await codeOf(agency.request("POST", "/v1/clock", { to: t0 - 1 }))).to.equal("CLOCK_BACKWARDS");
    expect(await codeOf(clientOf(service, "op").request("POST", "/v1/clock", { by: DAY }))).to.equal("NOT_AUTHORIZED");
    expect(await codeOf(agency.request("POST", "/v1/clock", { to: t0 + 1, by: 1 }))).to.equal("MALFORMED_REQUEST");
    expect(await codeOf(agency.request("POST", "/v1/clock", { by: -1 }))).to.equal("MALFORMED_REQUEST");
    expect((await agency.get<{ time: number }>("/v1/clock")).time).to.equal(t0);
    // The same time again changes nothing; forward by a day, then to a time.
    expect((await agency.request<{ time: number }>("POST", "/v1/clock", { to: t0 })).time).to.equal(t0);
    expect((await agency.request<{ time: number }>("POST", "/v1/clock", { by: DAY })).time).to.equal(t0 + DAY);
    const later = addCalendarMonths(t0, 3);
    const moved = await agency.request<{ previous: number; time: number }>("POST", "/v1/clock", { to: later });
    expect(moved).to.deep.include({ previous: t0 + DAY, time: later });
    await service.stop();
    service = await serviceWith(dir, "manual");
    expect((await clientOf(service, "agency").get<{ time: number }>("/v1/clock")).time).to.equal(later);
    const store = (service.backend as unknown as { store: { clockAdvances(): Promise<unknown[]> } }).store;
    const advances = await store.clockAdvances();
    expect(advances).to.have.length(2);
    expect(advances[1]).to.include({ from: t0 + DAY, to: later, by: org("agency") });
    // Back on the wall clock, the chain's time still never goes back.
    await service.stop();
    service = await serviceWith(dir, "wall");
    expect((await clientOf(service, "agency").get<{ time: number }>("/v1/clock")).time).to.be.at.least(later);
  });

  it("is refused when not configured, on the Hardhat EVM engine, and on the evm and fabric backends", async () => {
    service = await serviceWith(dir, "wall");
    const agency = clientOf(service, "agency");
    expect((await agency.get<{ mode: string }>("/v1/clock")).mode).to.equal("wall");
    expect(await codeOf(agency.request("POST", "/v1/clock", { by: DAY }))).to.equal("CLOCK_NOT_MANUAL");
    await service.stop();
    service = undefined;
    const evmDir = mkdtempSync(join(tmpdir(), "pdl-clock-evm-"));
    try {
      service = await serviceWith(evmDir, "wall", { embedded: { engine: "hardhat" } });
      expect(await codeOf(clientOf(service, "agency").request("POST", "/v1/clock", { by: DAY }))).to.equal(
        "CLOCK_NOT_MANUAL",
      );
      await service.stop();
      service = undefined;
      const err = await serviceWith(evmDir, "manual", { embedded: { engine: "hardhat" } }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(ConfigError);
    } finally {
      rmSync(evmDir, { recursive: true, force: true });
    }
    for (const backend of ["evm", "fabric"] as const) {
      const err = await openBackend(
        { ...DEFAULTS, backend, clock: "manual" },
        undefined as never,
        createLogger("silent"),
        {},
      ).catch((e: unknown) => e);
      expect(err, backend).to.be.instanceOf(ConfigError);
      expect((err as Error).message).to.contain("LEDGER_CLOCK=manual");
    }
  });
});
