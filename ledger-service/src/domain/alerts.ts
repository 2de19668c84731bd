import { randomBytes } from "node:crypto";
import { signRecord, type LedgerRecord } from "../../../core/record.ts";
import type { Alert } from "../../../core/records/alert.ts";
import type { Config } from "../config.ts";
import type { IndexStore } from "../indexes/index-store.ts";
import type { Logger } from "../logger.ts";
import { recipientRateAlerts, sensitiveInputAlerts, volumeAlerts } from "./delivery-alerts.ts";
import { deliveriesSince, loadScanState, saveScanState, type DeliveryScanState } from "./delivery-scan.ts";
import { HOUR, readRateAlerts, USUAL_HOURS, type ReadCounter } from "./read-rate.ts";
import type { RecordService } from "./record-service.ts";

export interface AlertDeps {
  readonly store: IndexStore;
  readonly records: RecordService;
  readonly agency: { readonly orgId: string; readonly privateKey: string };
  readonly reads: ReadCounter;
  readonly limits: Config["alerts"];
  readonly logger: Logger;
  /** The service's clock, Unix seconds (read rates are judged by it). */
  readonly now: () => number;
  readonly grantStatus: (grantId: string) => Promise<string | undefined>;
}

/**
 * Raises the service's risk alerts (数据风险评估) as signed alert.raise records under the agency's
 * key: on request, on a timer (`alerts.scanEverySeconds`, 0 for on request only) and when a
 * trace attributes a leak. Scans and raises run one at a time, so the timer and a request never
 * race to raise the same finding; an alert already on chain is not raised again. A scan judges
 * the deliveries indexed since the last one (see delivery-scan.ts), not the whole history.
 */
export class AlertScanner {
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: AlertDeps) {}

  /** Finds what is due now and raises what was not raised before; answers the ids raised now. */
  scan(): Promise<string[]> {
    return this.serially(async () => {
      const { alerts, state } = await this.findings();
      const raised = await this.raiseNow(alerts);
      if (state) await saveScanState(this.deps.store, state);
      return raised;
    });
  }

  raise(alerts: readonly Alert[]): Promise<string[]> {
    return this.serially(() => this.raiseNow(alerts));
  }

  start(): void {
    const every = this.deps.limits.scanEverySeconds;
    if (every === 0) return;
    this.timer = setInterval(() => {
      this.scan().then(
        (raised) => {
          if (raised.length > 0) this.deps.logger.info({ raised }, "raised risk alerts");
        },
        (err: unknown) => this.deps.logger.error({ err }, "risk alert scan failed"),
      );
    }, every * 1000);
    this.timer.unref();
  }

  /** Stops the timer and waits for the scan under way; the read counts are written. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.queue.catch(() => undefined);
    await this.deps.reads.flush();
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The findings due now, and the scan state to keep once they are raised (none if nothing new was indexed). */
  private async findings(): Promise<{ alerts: Alert[]; state: DeliveryScanState | undefined }> {
    const { store, limits } = this.deps;
    const before = await loadScanState(store);
    const { deliveries, last } = await deliveriesSince(store, before.seq);
    const rate = recipientRateAlerts(before.recipients, deliveries, limits.recordsPerRecipientPerDay);
    const now = this.deps.now();
    const counts = await this.deps.reads.since(now - (now % HOUR) - (USUAL_HOURS + 1) * HOUR);
    const alerts = [
      ...rate.alerts,
      ...(await volumeAlerts(store, deliveries)),
      ...(await sensitiveInputAlerts(store, deliveries)),
      ...(await readRateAlerts(store, counts, now, limits, this.deps.grantStatus)),
    ];
    return { alerts, state: last === before.seq ? undefined : { seq: last, recipients: rate.windows } };
  }

  private async raiseNow(alerts: readonly Alert[]): Promise<string[]> {
    const { store, records, agency } = this.deps;
    const raised: string[] = [];
    for (const alert of alerts) {
      if ((await store.historyOf("alert", alert.id)).length > 0) continue;
      const record = {
        v: 1,
        op: "alert.raise",
        actor: agency.orgId,
        nonce: randomBytes(16).toString("hex"),
        body: alert,
      } as LedgerRecord<"alert.raise">;
      await records.submit(signRecord(record, agency.privateKey), "service");
      raised.push(alert.id);
    }
    return raised;
  }
}
