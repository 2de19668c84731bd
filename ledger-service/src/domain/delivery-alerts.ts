import { sm3Hex } from "../../../core/crypto/sm3.ts";
import type { Alert, AlertSignal } from "../../../core/records/alert.ts";
import type { LineageHop } from "../../../core/records/lineage.ts";
import type { Product } from "../../../core/records/product.ts";
import type { Resource, ResourceVersion } from "../../../core/records/resource.ts";
import { DAY } from "../../../core/time.ts";
import type { IndexedEntry, IndexStore } from "../indexes/index-store.ts";

/**
 * The risk alerts the service finds in the deliveries on chain (数据风险评估): too many records to
 * one recipient in 24 hours, more records in one delivery than its product declares, and a grade
 * 3 or 4 resource among what a delivery was made from. Each alert's id derives from its signal
 * and the records that make the finding, so the same evidence raises one alert, however often
 * the scan runs.
 */
export const MAX_EVIDENCE = 32;
/** Grade 3 and up may not leave the domain raw (RULEBOOK lineage.hop step 8). */
const SENSITIVE_GRADE = 3;

export const alertIdOf = (signal: AlertSignal, ...keys: string[]): string =>
  `AL-${sm3Hex(`${signal}:${keys.join(":")}`).slice(0, 24)}`;

const evidenceOf = (e: IndexedEntry): Alert["evidence"][number] => ({
  kind: e.kind,
  id: e.id,
  recordHash: e.recordHash,
});
const hopOf = (e: IndexedEntry) => e.signed.record.body as LineageHop;

/** A delivery as the recipient-rate window keeps it between scans. */
export interface WindowDelivery {
  readonly kind: string;
  readonly id: string;
  readonly recordHash: string;
  readonly seq: number;
  readonly blockTime: number;
  readonly recordCount: number;
}

/**
 * One recipient's state between scans: whether its rate was crossed (an alert is raised once, at
 * the first crossing delivery), and until then its deliveries of the 24 hours before its latest,
 * the only earlier ones a later delivery's window can reach (block times follow chain order).
 */
export interface RecipientWindow {
  readonly crossed: boolean;
  readonly recent: readonly WindowDelivery[];
}

const windowDeliveryOf = (e: IndexedEntry): WindowDelivery => ({
  kind: e.kind,
  id: e.id,
  recordHash: e.recordHash,
  seq: e.seq,
  blockTime: e.blockTime,
  recordCount: hopOf(e).recordCount,
});

/** Whether an index entry is a delivery: the lineage.hop record of a hop with a delivery. */
export const isDelivery = (e: IndexedEntry): boolean =>
  e.kind === "hop" && e.signed.record.op === "lineage.hop" && hopOf(e).delivery !== undefined;

/**
 * Deliveries to one recipient whose records in any 24 hours (block times) exceed `limit`: the
 * deliveries new since the last scan, judged with the recipients' windows kept from it; answers
 * the alerts and the windows to keep.
 */
export function recipientRateAlerts(
  before: Readonly<Record<string, RecipientWindow>>,
  deliveries: readonly IndexedEntry[],
  limit: number,
): { alerts: Alert[]; windows: Record<string, RecipientWindow> } {
  const byRecipient = new Map<string, IndexedEntry[]>();
  for (const d of deliveries) {
    const recipient = hopOf(d).delivery!.recipient;
    byRecipient.set(recipient, [...(byRecipient.get(recipient) ?? []), d]);
  }
  const windows = { ...before };
  const alerts: Alert[] = [];
  for (const [recipient, list] of byRecipient) {
    let { crossed } = windows[recipient] ?? { crossed: false };
    const recent = [...(windows[recipient]?.recent ?? [])];
    for (const last of [...list].sort((a, b) => a.blockTime - b.blockTime || a.seq - b.seq)) {
      recent.push(windowDeliveryOf(last));
      if (crossed) continue;
      const window = recent.filter((d) => d.blockTime > last.blockTime - DAY);
      const records = window.reduce((sum, d) => sum + d.recordCount, 0);
      if (records <= limit) continue;
      alerts.push({
        id: alertIdOf("recipient-rate-exceeded", recipient, last.id),
        grantId: hopOf(last).grantId,
        signal: "recipient-rate-exceeded",
        summary: `${records} records delivered to ${recipient} in 24 hours up to delivery ${last.id}, above the rate of ${limit}`,
        evidence: window.slice(-MAX_EVIDENCE).map(({ kind, id, recordHash }) => ({ kind, id, recordHash })),
      });
      crossed = true;
    }
    const latest = recent.at(-1)!.blockTime;
    windows[recipient] = { crossed, recent: crossed ? [] : recent.filter((d) => d.blockTime > latest - DAY) };
  }
  return { alerts, windows };
}

/** Deliveries carrying more records than their product's declared volume (products without one are not judged). */
export async function volumeAlerts(store: IndexStore, deliveries: readonly IndexedEntry[]): Promise<Alert[]> {
  const alerts: Alert[] = [];
  for (const d of deliveries) {
    const hop = hopOf(d);
    const registered = (await store.historyOf("product", hop.productId)).find(
      (e) => e.signed.record.op === "product.register",
    );
    const declared = (registered?.signed.record.body as Product | undefined)?.declaredVolume;
    if (!registered || declared === undefined || hop.recordCount <= declared) continue;
    alerts.push({
      id: alertIdOf("volume-exceeded", d.id),
      grantId: hop.grantId,
      signal: "volume-exceeded",
      summary: `delivery ${d.id} carried ${hop.recordCount} records; product ${hop.productId} declares at most ${declared} a delivery`,
      evidence: [evidenceOf(d), evidenceOf(registered)],
    });
  }
  return alerts;
}

/**
 * Deliveries made, through earlier hops of their grant, from a grade 3 or 4 resource version. The
 * chain already refuses such data delivered at its grade, so what is found here went through a
 * hop that lowered the grade (de-identify, aggregate): lawful, and what a supervisor should see.
 */
export async function sensitiveInputAlerts(store: IndexStore, deliveries: readonly IndexedEntry[]): Promise<Alert[]> {
  const grades = new ResourceGrades(store);
  const alerts: Alert[] = [];
  for (const d of deliveries) {
    const path: IndexedEntry[] = [];
    const sensitive = new Map<string, { grade: number; record: IndexedEntry }>();
    const reached = new Map<string, boolean>();
    const walk = async (entry: IndexedEntry): Promise<boolean> => {
      const known = reached.get(entry.id);
      if (known !== undefined) return known;
      reached.set(entry.id, false);
      let reaches = false;
      for (const input of hopOf(entry).inputs) {
        if (input.kind === "artifact") {
          const upstream = (await store.historyOf("hop", input.hopId))[0];
          if (upstream && (await walk(upstream))) reaches = true;
          continue;
        }
        const found = await grades.of(input.resourceId, input.version);
        if (found && found.grade >= SENSITIVE_GRADE) {
          sensitive.set(`${input.resourceId}@${input.version}`, found);
          reaches = true;
        }
      }
      reached.set(entry.id, reaches);
      if (reaches) path.push(entry);
      return reaches;
    };
    await walk(d);
    if (sensitive.size === 0) continue;
    const hop = hopOf(d);
    const inputs = [...sensitive.entries()].sort(([a], [b]) => a.localeCompare(b));
    const records = [...new Map(inputs.map(([, s]) => [s.record.recordHash, s.record])).values()];
    // Past 32 records, the resources and the hops that read them first are the ones kept.
    const resources = records.slice(0, MAX_EVIDENCE / 2);
    const hops = path
      .filter((p) => p.id !== d.id)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, MAX_EVIDENCE - 1 - resources.length);
    const evidence = [d, ...hops, ...resources];
    alerts.push({
      id: alertIdOf("sensitive-input-delivered", d.id),
      grantId: hop.grantId,
      signal: "sensitive-input-delivered",
      summary: `delivery ${d.id} to ${hop.delivery!.recipient} was made from ${inputs
        .map(([key, s]) => `${key} (grade ${s.grade})`)
        .join(", ")}`.slice(0, 512),
      evidence: evidence.map(evidenceOf),
    });
  }
  return alerts;
}

/** A resource version's grade and the record that set it (resource.register for 1, resource.version after). */
class ResourceGrades {
  private readonly cache = new Map<string, IndexedEntry[]>();
  constructor(private readonly store: IndexStore) {}

  async of(resourceId: string, version: number): Promise<{ grade: number; record: IndexedEntry } | undefined> {
    let history = this.cache.get(resourceId);
    if (!history) {
      history = await this.store.historyOf("resource", resourceId);
      this.cache.set(resourceId, history);
    }
    for (const e of history) {
      const { op, body } = e.signed.record;
      if (op === "resource.register" && version === 1) return { grade: (body as Resource).grade, record: e };
      if (op === "resource.version" && (body as ResourceVersion).version === version)
        return { grade: (body as ResourceVersion).grade, record: e };
    }
    return undefined;
  }
}

/**
 * A trace that attributed a leak to deliveries: one alert per delivery and leaked sample
 * (`sampleHash`, SM3 over the sample's distinct records), so tracing the same sample again
 * raises nothing new while another leak from the same delivery does.
 */
export async function leakAlerts(
  store: IndexStore,
  attributed: readonly string[],
  sampleHash: string,
): Promise<Alert[]> {
  const alerts: Alert[] = [];
  for (const deliveryId of attributed) {
    const d = (await store.historyOf("hop", deliveryId))[0];
    if (!d) continue;
    const hop = hopOf(d);
    alerts.push({
      id: alertIdOf("leak-attributed", deliveryId, sampleHash),
      grantId: hop.grantId,
      signal: "leak-attributed",
      summary: `a trace attributed leaked records (sample SM3 ${sampleHash}) to delivery ${deliveryId} to ${hop.delivery?.recipient ?? "?"}`,
      evidence: [evidenceOf(d)],
    });
  }
  return alerts;
}
