import { canonicalJson } from "../../core/canonical.ts";
import { DETAIL_NAMES, LedgerError, REFUSAL_NAMES } from "../../core/errors.ts";
import type { SignedRecord } from "../../core/record.ts";
import { isView, isWrite, type Scenario, type Step, type StepContext } from "../../scripts/scenarios/scenario.ts";
import type { ConformanceVariant } from "./variant.ts";
import { GENESIS, MEMBERS, org, signAs, type Outcome } from "../../scripts/scenarios/world.ts";

export interface ScenarioResult {
  readonly scenario: string;
  /** One line per step: what happened, in a form comparable across variants. */
  readonly trace: string[];
  /** Expectations that did not hold. */
  readonly failures: string[];
}

const DEFAULT_ADVANCE = 10;

function describe(step: Step, i: number): string {
  if (isWrite(step)) return `#${i} ${step.as} ${step.op}`;
  if (isView(step)) return `#${i} view`;
  return `#${i} overdue`;
}

function matches(
  actual: Record<string, unknown> | undefined,
  expected: Record<string, unknown> | null,
): string | undefined {
  if (expected === null) return actual === undefined ? undefined : `expected nothing, got ${canonicalJson(actual)}`;
  if (actual === undefined) return `expected ${canonicalJson(expected)}, got nothing`;
  for (const [k, v] of Object.entries(expected)) {
    if (canonicalJson(actual[k]) !== canonicalJson(v))
      return `${k}: expected ${canonicalJson(v)}, got ${canonicalJson(actual[k])}`;
  }
  return undefined;
}

/** Runs one scenario on a fresh chain of `variant`. */
export async function runScenario(variant: ConformanceVariant, scenario: Scenario): Promise<ScenarioResult> {
  await variant.reset(GENESIS);
  for (const member of Object.values(MEMBERS)) await variant.enrol(member);
  const trace: string[] = [];
  const failures: string[] = [];
  const labels = new Map<string, number>();
  const signedByLabel = new Map<string, SignedRecord>();
  const time = (label: string): number => {
    const t = labels.get(label);
    if (t === undefined) throw new Error(`${scenario.name}: no step labelled ${label}`);
    return t;
  };
  let clock = GENESIS;

  for (const [i, step] of scenario.steps.entries()) {
    const where = describe(step, i);
    if (isWrite(step)) {
      const t = step.at ? step.at({ time }) : clock + (step.advance ?? DEFAULT_ADVANCE);
      if (t <= clock) throw new Error(`${scenario.name} ${where}: time ${t} is not after ${clock}`);
      clock = t;
      if (step.label) labels.set(step.label, t);
      const c: StepContext = { t, time };
      let signed: SignedRecord;
      if (step.replayOf) {
        signed = signedByLabel.get(step.replayOf)!;
      } else {
        const body = typeof step.body === "function" ? (step.body as (c: StepContext) => unknown)(c) : step.body;
        signed = signAs(step.as, step.op, body, `${scenario.name}#${i}`, step.signer);
        if (step.raw) signed = { ...signed, record: step.raw({ ...signed.record }) as never };
      }
      if (step.label) signedByLabel.set(step.label, signed);
      let outcome: Outcome;
      let details: Record<string, unknown> | undefined;
      try {
        await variant.submit(signed, t, step.submitter ? org(step.submitter) : undefined);
        outcome = "ok";
      } catch (err) {
        if (!(err instanceof LedgerError)) {
          failures.push(`${where}: unexpected error ${err instanceof Error ? err.message : String(err)}`);
          trace.push(`${where} → crash`);
          continue;
        }
        outcome = err.code;
        // Schema issues are worded by the schema library; every other refusal's details are
        // the rulebook's and must be the same on every variant.
        if (err.code !== "INVALID_RECORD" && err.details) details = { ...err.details };
        // Every variant names what core/errors.ts says the code names.
        for (const name of err.code === "INVALID_RECORD" ? [] : (REFUSAL_NAMES[err.code] ?? []))
          if (!details || !(name in details)) failures.push(`${where}: ${err.code} does not name ${name}`);
        // And names it in words of both languages (a Chinese detail never shows an English key).
        for (const key of Object.keys(details ?? {}))
          if (!Object.hasOwn(DETAIL_NAMES, key))
            failures.push(`${where}: ${err.code} names ${key}, which has no words`);
      }
      trace.push(`${where} → ${outcome}${details ? ` ${canonicalJson(details)}` : ""}`);
      const expected = step.expect ?? "ok";
      if (outcome !== expected) failures.push(`${where}: expected ${expected}, got ${outcome}`);
      if (step.details) {
        const want = typeof step.details === "function" ? step.details(c) : step.details;
        const problem = matches(details, want);
        if (problem) failures.push(`${where} details: ${problem}`);
      }
    } else if (isView(step)) {
      const c: StepContext = { t: clock, time };
      const key = typeof step.view === "function" ? step.view(c) : step.view;
      const actual = (await variant.view(key)) as Record<string, unknown> | undefined;
      trace.push(`${where} ${key.kind}/${key.id} → ${actual === undefined ? "none" : canonicalJson(actual)}`);
      const expected = typeof step.expect === "function" ? step.expect(c) : step.expect;
      const problem = matches(actual, expected);
      if (problem) failures.push(`${where} ${key.kind}/${key.id}: ${problem}`);
    } else {
      const c: StepContext = { t: clock, time };
      const at = step.overdueAt({ time });
      const list = await variant.overdue(at);
      const summary = list.map((g) => ({ grantId: g.grantId, missing: g.missing.length }));
      const full = list.map((g) => ({
        ...g,
        missing: [...g.missing].sort((a, b) => (a.holder + a.assetClass).localeCompare(b.holder + b.assetClass)),
      }));
      trace.push(`${where} at ${at} → ${canonicalJson(full)}`);
      const expected = typeof step.expect === "function" ? step.expect(c) : step.expect;
      if (canonicalJson(summary) !== canonicalJson(expected))
        failures.push(`${where}: expected ${canonicalJson(expected)}, got ${canonicalJson(summary)}`);
    }
  }
  return { scenario: scenario.name, trace, failures };
}
