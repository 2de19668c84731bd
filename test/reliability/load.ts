import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { hopBody } from "../../scripts/scenarios/fixtures.ts";
import { answerOf, fail, sentOf, type CheckpointWatch, type Counts, type Sent } from "./truth.ts";

export const pause = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

export interface LoadOptions {
  readonly op: LedgerClient;
  readonly base: string;
  /** Prefix of the hop ids, unique per load so no two loads write the same record. */
  readonly prefix: string;
  readonly writers: number;
  /** Every write sent, with the answer it got; judged later against what was written. */
  readonly all: Sent[];
  readonly counts: Counts;
  readonly watch: CheckpointWatch;
  readonly watchEveryMs: number;
  /**
   * A writer whose request throws (the connection died) stops when the service is being killed,
   * and carries on when only the chain behind a live service is failing.
   */
  readonly onConnectionError: "stop" | "continue";
}

/**
 * Writers sending lineage hops as fast as they are answered, and a watcher proving each new
 * checkpoint consistent with the last one seen, until `stop` is called.
 */
export function startLoad(o: LoadOptions): { stop(): Promise<void> } {
  let stopped = false;
  let n = 0;
  const writers = Array.from({ length: o.writers }, async (_, w) => {
    while (!stopped) {
      const signed = o.op.sign("lineage.hop", hopBody(`${o.prefix}-${w}-${n++}`) as never);
      const s: Sent = { ...sentOf(signed), answer: { kind: "none", status: 0, error: "" } };
      o.all.push(s);
      try {
        s.answer = answerOf(await o.op.raw("POST", "/v1/records", signed));
      } catch (err) {
        s.answer = { kind: "none", status: 0, error: (err as Error).message };
        if (o.onConnectionError === "stop") return;
      }
      if (s.answer.status >= 500 && s.answer.kind !== "not-sent")
        fail(o.counts, "fiveXX", `${s.id}: ${s.answer.status} ${"code" in s.answer ? s.answer.code : ""}`);
      // An honest 503 says when to come back; a client in a loop should not spin on it.
      if (s.answer.kind === "not-sent") await pause(100);
    }
  });
  const watcher = (async () => {
    while (!stopped) {
      await o.watch.observe(o.base).catch(() => undefined);
      await pause(o.watchEveryMs);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await Promise.all([...writers, watcher]);
    },
  };
}
