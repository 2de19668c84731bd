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

/** Every delivery on chain (its deliver hop's record), in chain order. */
export async function deliveriesOnChain(store: IndexStore): Promise<IndexedEntry[]> {
  const out: IndexedEntry[] = [];
  for (const id of await store.idsOfKind("hop")) {
    const first = (await store.historyOf("hop", id))[0];
    if (first && hopOf(first).delivery) out.push(first);
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/** Deliveries to one recipient whose records in any 24 hours (block times) exceed `limit`. */
export function recipientRateAlerts(deliveries: readonly IndexedEntry[], limit: number): Alert[] {
  const byRecipient = new Map<string, IndexedEntry[]>();
  for (const d of deliveries) {
    const recipient = hopOf(d).delivery!.recipient;
    byRecipient.set(recipient, [...(byRecipient.get(recipient) ?? []), d]);
  }
  const alerts: Alert[] = [];
  for (const [recipient, list] of byRecipient) {
    const sorted = [...list].sort((a, b) => a.blockTime - b.blockTime || a.seq - b.seq);
    for (let end = 0; end < sorted.length; end++) {
      const last = sorted[end]!;
      const window = sorted.slice(0, end + 1).filter((d) => d.blockTime > last.blockTime - DAY);
      const records = window.reduce((sum, d) => sum + hopOf(d).recordCount, 0);
      if (records <= limit) continue;
      alerts.push({
        id: alertIdOf("recipient-rate-exceeded", recipient, last.id),
        grantId: hopOf(last).grantId,
        signal: "recipient-rate-exceeded",
        summary: `${records} records delivered to ${recipient} in 24 hours up to delivery ${last.id}, above the rate of ${limit}`,
        evidence: window.slice(-MAX_EVIDENCE).map(evidenceOf),
      });
      break;
    }
  }
  return alerts;
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
