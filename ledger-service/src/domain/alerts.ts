import { randomBytes } from "node:crypto";
import { sm3Hex } from "../../../core/crypto/sm3.ts";
import { signRecord, type LedgerRecord } from "../../../core/record.ts";
import type { Alert } from "../../../core/records/alert.ts";
import type { LineageHop } from "../../../core/records/lineage.ts";
import { DAY } from "../../../core/time.ts";
import type { IndexedEntry, IndexStore } from "../indexes/index-store.ts";
import type { RecordService } from "./record-service.ts";

const MAX_EVIDENCE = 32;

/**
 * Risk alerts the service raises from what it sees (数据风险评估): deliveries to one recipient
 * whose record counts in any 24 hours exceed the per-recipient rate. Each alert is a signed
 * record on chain (alert.raise, the agency's key) citing the deliveries; its id derives from the
 * signal, the recipient and the delivery that crossed the rate, so a finding is raised once.
 */
export async function recipientRateAlerts(store: IndexStore, limit: number): Promise<Alert[]> {
  const byRecipient = new Map<string, IndexedEntry[]>();
  for (const id of await store.idsOfKind("hop")) {
    const first = (await store.historyOf("hop", id))[0];
    const body = first?.signed.record.body as LineageHop | undefined;
    if (!first || !body?.delivery) continue;
    const list = byRecipient.get(body.delivery.recipient) ?? [];
    byRecipient.set(body.delivery.recipient, [...list, first]);
  }
  const alerts: Alert[] = [];
  for (const [recipient, deliveries] of byRecipient) {
    deliveries.sort((a, b) => a.blockTime - b.blockTime || a.seq - b.seq);
    for (let end = 0; end < deliveries.length; end++) {
      const last = deliveries[end]!;
      const window = deliveries.slice(0, end + 1).filter((d) => d.blockTime > last.blockTime - DAY);
      const records = window.reduce((sum, d) => sum + (d.signed.record.body as LineageHop).recordCount, 0);
      if (records <= limit) continue;
      alerts.push({
        id: `AL-${sm3Hex(`recipient-rate-exceeded:${recipient}:${last.id}`).slice(0, 24)}`,
        grantId: (last.signed.record.body as LineageHop).grantId,
        signal: "recipient-rate-exceeded",
        summary: `${records} records delivered to ${recipient} in 24 hours up to delivery ${last.id}, above the rate of ${limit}`,
        evidence: window.slice(-MAX_EVIDENCE).map((d) => ({ kind: "hop", id: d.id, recordHash: d.recordHash })),
      });
      break;
    }
  }
  return alerts;
}

/** Raises on chain the alerts not raised before; answers the ids raised now. */
export async function raiseAlerts(
  deps: { store: IndexStore; records: RecordService; agency: { orgId: string; privateKey: string } },
  alerts: readonly Alert[],
): Promise<string[]> {
  const raised: string[] = [];
  for (const alert of alerts) {
    if ((await deps.store.historyOf("alert", alert.id)).length > 0) continue;
    const record = {
      v: 1,
      op: "alert.raise",
      actor: deps.agency.orgId,
      nonce: randomBytes(16).toString("hex"),
      body: alert,
    } as LedgerRecord<"alert.raise">;
    await deps.records.submit(signRecord(record, deps.agency.privateKey), "service");
    raised.push(alert.id);
  }
  return raised;
}
