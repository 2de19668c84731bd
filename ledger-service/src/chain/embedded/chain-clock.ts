import { LedgerError } from "../../../../core/errors.ts";
import type { LedgerStore } from "./ledger-store.ts";

/**
 * The embedded chain's time: what every block (and so every rule) is dated with.
 *
 * - `wall`: the machine's clock in whole seconds, never before the latest block or the last
 *   manual time (a chain's time never goes back, even when the machine's clock does or when a
 *   manually advanced chain is later run on the wall clock).
 * - `manual` (LEDGER_CLOCK=manual): time stands still until the agency moves it forward; every
 *   advance is journaled in the store (synced) before it is answered, so it survives restarts.
 */
export type ClockMode = "wall" | "manual";

export class ChainClock {
  private manualTime: number | undefined;

  constructor(
    private readonly store: LedgerStore,
    readonly mode: ClockMode,
    private readonly wall: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** Loads the journaled manual time; a manual clock's first start begins at the chain's present. */
  async open(): Promise<void> {
    this.manualTime = (await this.store.clock())?.time;
    if (this.mode === "manual" && this.manualTime === undefined) {
      const start = Math.max(this.wall(), this.store.head.time);
      await this.store.putMeta("clock", JSON.stringify({ time: start, advances: 0 }));
      this.manualTime = start;
    }
  }

  now(): number {
    const floor = Math.max(this.store.head.time, this.manualTime ?? 0);
    return this.mode === "manual" ? floor : Math.max(this.wall(), floor);
  }

  /**
   * Moves a manual clock to `to` (Unix seconds). Moving to the present time again changes
   * nothing (a retried request is harmless); going back is refused.
   */
  async advance(to: number, by: string): Promise<{ previous: number; time: number }> {
    if (this.mode !== "manual")
      throw new LedgerError(
        "CLOCK_NOT_MANUAL",
        "this chain runs on the wall clock (start it with LEDGER_CLOCK=manual)",
        { backend: "embedded", clock: this.mode },
      );
    const previous = this.now();
    if (!Number.isSafeInteger(to) || to < 0)
      throw new LedgerError("INVALID_RECORD", "the time must be whole Unix seconds", {
        field: "to",
        issues: [{ path: "to", message: "must be whole Unix seconds" }],
        issuesZh: [{ path: "to", message: "须为整数 Unix 秒" }],
      });
    if (to < previous)
      throw new LedgerError("CLOCK_BACKWARDS", `the chain's time is ${previous}; it cannot go back to ${to}`, {
        field: "to",
        now: previous,
      });
    if (to === previous) return { previous, time: previous };
    await this.store.advanceClock({ from: previous, to, by, at: Date.now() });
    this.manualTime = to;
    return { previous, time: to };
  }
}
