import { join } from "node:path";
import { expect } from "chai";
import { canonicalJson } from "../../core/canonical.ts";
import { sealKey, writeKeyFile } from "../../core/keyfile.ts";
import type { SignedRecord } from "../../core/record.ts";
import { LedgerApiError, LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { DEFAULTS, type Config } from "../../ledger-service/src/config.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { GENESIS, MEMBERS, org, signAs, type ActorName } from "../../scripts/scenarios/world.ts";
import { isView, isWrite, type Scenario, type StepContext } from "../../scripts/scenarios/scenario.ts";
import { SCENARIOS } from "../conformance/scenarios/index.ts";

/**
 * Conformance scenarios played through the HTTP API of a service on the embedded chain with
 * the manual clock: what a caller outside the chain sees of a rule, at the scenario's times.
 */
const PASSPHRASE = "test passphrase";
export const DAY = 86_400;

/** A service on the embedded chain whose agency is the conformance cast's (its key sealed in the data directory). */
export async function serviceWith(
  dir: string,
  clock: Config["clock"],
  extra: Partial<Config> = {},
): Promise<RunningService> {
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

export const clientOf = (service: RunningService, who: ActorName) =>
  new LedgerClient({
    baseUrl: `http://127.0.0.1:${service.address().port}`,
    identity: { orgId: org(who), privateKey: MEMBERS[who].sm2PrivateKey },
  });

export async function codeOf(p: Promise<unknown>): Promise<string> {
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
export async function playOverHttp(service: RunningService, scenario: Scenario): Promise<string[]> {
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

export const scenario = (name: string): Scenario => {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`no scenario ${name}`);
  return found;
};
