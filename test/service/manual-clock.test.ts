import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { canonicalJson } from "../../core/canonical.ts";
import { sealKey, writeKeyFile } from "../../core/keyfile.ts";
import { addCalendarMonths } from "../../core/time.ts";
import type { SignedRecord } from "../../core/record.ts";
import { LedgerApiError, LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { ConfigError, openBackend } from "../../ledger-service/src/chain/open-backend.ts";
import { DEFAULTS, type Config } from "../../ledger-service/src/config.ts";
import { createLogger } from "../../ledger-service/src/logger.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { GENESIS, MEMBERS, org, signAs, type ActorName } from "../../scripts/scenarios/world.ts";
import { isView, isWrite, type Scenario, type StepContext } from "../../scripts/scenarios/scenario.ts";
import { SCENARIOS } from "../conformance/scenarios/index.ts";

const PASSPHRASE = "test passphrase";
const DAY = 86_400;

/** A service on the embedded chain whose agency is the conformance cast's (its key sealed in the data directory). */
async function serviceWith(dir: string, clock: Config["clock"], extra: Partial<Config> = {}): Promise<RunningService> {
  process.env.LEDGER_AGENCY_PASSPHRASE = PASSPHRASE;
  const keyFile = join(dir, "cast-agency.key.json");
  await writeKeyFile(
    keyFile,
    sealKey(
      { purpose: "agency", algorithm: "sm2", orgId: org("agency"), privateKey: MEMBERS.agency.sm2PrivateKey },
      PASSPHRASE,
      { scryptN: 1024 },
    ),
  );
  return startService({
    ...DEFAULTS,
    port: 0,
    dataDir: dir,
    logLevel: "silent",
    clock,
    embedded: { engine: "chaincode" },
    agency: { orgId: org("agency"), name: "Agency", keyFile },
    log: { ...DEFAULTS.log, anchorEverySeconds: 3600 },
    ...extra,
  });
}

const clientOf = (service: RunningService, who: ActorName) =>
  new LedgerClient({
    baseUrl: `http://127.0.0.1:${service.address().port}`,
    identity: { orgId: org(who), privateKey: MEMBERS[who].sm2PrivateKey },
  });

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    if (err instanceof LedgerApiError) return err.code;
    throw err;
  }
}

/**
 * Plays a conformance scenario through the HTTP API: before each write the agency moves the
 * manual clock to the step's time, so the record lands in a block of exactly that time. Times
 * are the scenario's, moved forward by whole days to start after the service's present
 * (calendar rules are computed from the moved times, on both sides). The service bootstraps
 * the agency itself.
 */
async function playOverHttp(service: RunningService, scenario: Scenario): Promise<string[]> {
  const agency = clientOf(service, "agency");
  const start = (await agency.get<{ time: number }>("/v1/clock")).time;
  const offset = Math.ceil((start - GENESIS) / DAY) * DAY + DAY;
  const labels = new Map<string, number>();
  const time = (label: string) => labels.get(label)!;
  let clock = GENESIS + offset;
  const trace: string[] = [];
  for (const [i, step] of scenario.steps.entries()) {
    if (isWrite(step)) {
      const t = step.at ? step.at({ time }) : clock + (step.advance ?? 10);
      clock = t;
      if (step.label) labels.set(step.label, t);
      if (step.op === "actor.bootstrap") continue;
      const c: StepContext = { t, time };
      const body = typeof step.body === "function" ? (step.body as (c: StepContext) => unknown)(c) : step.body;
      const signed: SignedRecord = signAs(step.as, step.op, body, `${scenario.name}#${i}`, step.signer);
      expect((await agency.request<{ time: number }>("POST", "/v1/clock", { to: t })).time).to.equal(t);
      let outcome = "ok";
      try {
        const res = await clientOf(service, step.as).submitSigned(signed);
        // The write's answer carries the block time it got: the manual clock's.
        expect(res.tx.blockTime, `#${i} ${step.op}`).to.equal(t);
      } catch (err) {
        if (!(err instanceof LedgerApiError)) throw err;
        outcome = err.code;
      }
      trace.push(`${step.op} → ${outcome}`);
      expect(outcome, `#${i} ${step.as} ${step.op}`).to.equal(step.expect ?? "ok");
    } else if (isView(step)) {
      const c: StepContext = { t: clock, time };
      const key = typeof step.view === "function" ? step.view(c) : step.view;
      const actual = (await service.backend.view(key)) as Record<string, unknown> | undefined;
      const expected = typeof step.expect === "function" ? step.expect(c) : step.expect;
      if (expected === null) expect(actual, `#${i} ${key.kind}/${key.id}`).to.equal(undefined);
      else
        for (const [k, v] of Object.entries(expected))
          expect(canonicalJson(actual?.[k]), `#${i} ${key.kind}/${key.id} ${k}`).to.equal(canonicalJson(v));
    }
  }
  return trace;
}

const scenario = (name: string): Scenario => {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`no scenario ${name}`);
  return found;
};

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
