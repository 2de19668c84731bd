import type { ClassicLevel } from "classic-level";
import type { Alert } from "../../../core/records/alert.ts";
import type { IndexStore } from "../indexes/index-store.ts";
import { Table } from "../storage/level.ts";
import { alertIdOf } from "./delivery-alerts.ts";

export const HOUR = 3600;
/** The usual rate is an actor's mean over the week before the hour judged. */
export const USUAL_HOURS = 7 * 24;

/**
 * Signed reads per actor and hour (the service's own clock: a read is not a chain event), kept
 * in LevelDB so an actor's usual rate survives restarts. Counted in memory and written at each
 * scan and at stop: a crash loses at most the reads since the last scan.
 */
export class ReadCounter {
  private readonly table: Table<number>;
  private pending = new Map<string, number>();

  constructor(
    db: ClassicLevel<string, unknown>,
    private readonly clock: () => number,
  ) {
    this.table = new Table(db, "reads");
  }

  count(orgId: string): void {
    const key = ReadCounter.key(orgId, this.clock() - (this.clock() % HOUR));
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
  }

  async flush(): Promise<void> {
    const pending = this.pending;
    this.pending = new Map();
    for (const [key, n] of pending) await this.table.put(key, ((await this.table.get(key)) ?? 0) + n);
  }

  /** Every actor's reads by hour start, from `since` on; the hours before are no longer needed and are dropped. */
  async since(since: number): Promise<Map<string, Map<number, number>>> {
    await this.flush();
    const out = new Map<string, Map<number, number>>();
    const stale: string[] = [];
    for await (const [key, n] of this.table.entries()) {
      const [orgId, hour] = key.split("\u0000") as [string, string];
      if (Number(hour) < since) stale.push(key);
      else (out.get(orgId) ?? out.set(orgId, new Map()).get(orgId)!).set(Number(hour), n);
    }
    for (const key of stale) await this.table.del(key);
    return out;
  }

  private static key(orgId: string, hour: number): string {
    return `${orgId}\u0000${String(hour).padStart(12, "0")}`;
  }
}

export interface ReadRateLimits {
  /** An hour is far above the usual rate at this many times it ... */
  readonly readRateFactor: number;
  /** ... and never below this many reads in the hour (an actor with no history yet is judged by this alone). */
  readonly readsPerHourFloor: number;
}

/**
 * Hours in which an actor read more than `readRateFactor` times its usual hourly rate (the mean
 * over the 168 hours before) and more than the floor. The current hour and the one before are
 * judged, so a burst late in an hour is still seen by the next scan; each actor and hour once.
 * The alert concerns a grant the actor holds or is admitted to, the one its suspension stops;
 * an actor under no grant (a consumer, the exchange) raises none: there is nothing to suspend.
 */
export async function readRateAlerts(
  store: IndexStore,
  counts: Map<string, Map<number, number>>,
  now: number,
  limits: ReadRateLimits,
  grantStatus: (grantId: string) => Promise<string | undefined>,
): Promise<Alert[]> {
  const current = now - (now % HOUR);
  const alerts: Alert[] = [];
  for (const [orgId, hours] of counts) {
    for (const hour of [current - HOUR, current]) {
      const reads = hours.get(hour) ?? 0;
      let before = 0;
      for (let h = hour - USUAL_HOURS * HOUR; h < hour; h += HOUR) before += hours.get(h) ?? 0;
      const usual = before / USUAL_HOURS;
      if (reads <= limits.readsPerHourFloor || reads <= limits.readRateFactor * usual) continue;
      const grantId = await grantOf(store, orgId, grantStatus);
      const actor = (await store.historyOf("actor", orgId))[0];
      if (!grantId || !actor) break;
      const grant = (await store.historyOf("grant", grantId))[0];
      if (!grant) break;
      alerts.push({
        id: alertIdOf("read-rate-exceeded", orgId, String(hour)),
        grantId,
        signal: "read-rate-exceeded",
        summary: `${orgId} made ${reads} signed reads in the hour from ${new Date(hour * 1000).toISOString()}, its usual rate ${usual.toFixed(1)} an hour over the week before (alert above ${limits.readRateFactor}× that and above ${limits.readsPerHourFloor})`,
        evidence: [
          { kind: actor.kind, id: actor.id, recordHash: actor.recordHash },
          { kind: grant.kind, id: grant.id, recordHash: grant.recordHash },
        ],
      });
    }
  }
  return alerts;
}

/** The actor's active grant (as grantee or admitted partner), else the last of its grants by id. */
async function grantOf(
  store: IndexStore,
  orgId: string,
  grantStatus: (grantId: string) => Promise<string | undefined>,
): Promise<string | undefined> {
  const grants = await store.linked("org.grants", orgId);
  for (const id of grants) if ((await grantStatus(id)) === "active") return id;
  return grants.at(-1);
}
