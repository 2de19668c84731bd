import type { ErrorCode } from "../../core/errors.ts";
import type { OperationName } from "../../core/operations.ts";
import type { OverdueGrant, ViewKey } from "../../core/views.ts";
import type { ActorName, Outcome } from "./world.ts";

/**
 * A conformance scenario: a list of steps run on a fresh chain of every variant. Writes are
 * signed by the named actor and submitted at the step's time; views and overdue queries check
 * the state the rules left behind. Any step whose result differs between variants fails the
 * run, whatever the expectation says.
 */
export interface StepContext {
  /** This step's transaction time. */
  readonly t: number;
  /** The time of an earlier step labelled `label`. */
  time(label: string): number;
}

type Dyn<T> = T | ((c: StepContext) => T);

interface Timing {
  /** Seconds after the previous step (default 10). */
  readonly advance?: number;
  /** Absolute time (must be later than the previous step). */
  readonly at?: (c: Omit<StepContext, "t">) => number;
  readonly label?: string;
}

export interface WriteStep extends Timing {
  readonly as: ActorName;
  readonly op: OperationName;
  readonly body: Dyn<Record<string, unknown> | null>;
  readonly expect?: Outcome;
  /** The refusal's details (the offending id, field or limit), as every variant must name them. */
  readonly details?: Dyn<Record<string, unknown>>;
  /** Sign with another actor's key (a forged record). */
  readonly signer?: ActorName;
  /** Submit through another actor's chain identity. */
  readonly submitter?: ActorName;
  /** Replace the record with a malformed one (schema violations). */
  readonly raw?: (record: Record<string, unknown>) => Record<string, unknown>;
  /** Submit the exact signed record of an earlier step again. */
  readonly replayOf?: string;
}

export interface ViewStep {
  readonly view: Dyn<ViewKey>;
  /** Expected fields (a subset), or null for "does not exist". */
  readonly expect: Dyn<Record<string, unknown> | null>;
}

export interface OverdueStep {
  readonly overdueAt: (c: Omit<StepContext, "t">) => number;
  readonly expect: Dyn<{ grantId: string; missing: number }[]>;
}

export type Step = WriteStep | ViewStep | OverdueStep;

/** Checks only some variants can judge on chain (kept few; see the suite summary). */
export type Capability = "verifies-signatures";

export interface Scenario {
  readonly name: string;
  /** The rulebook section the scenario covers. */
  readonly rule: string;
  readonly requires?: Capability;
  readonly steps: readonly Step[];
}

export const isWrite = (s: Step): s is WriteStep => "op" in s;
export const isView = (s: Step): s is ViewStep => "view" in s;

export type { ErrorCode, OverdueGrant };
