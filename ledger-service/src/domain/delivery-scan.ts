import type { IndexedEntry, IndexStore } from "../indexes/index-store.ts";
import { isDelivery, type RecipientWindow } from "./delivery-alerts.ts";

/**
 * Where the risk-alert scan stopped: the last index entry it looked at and the recipients'
 * 24-hour windows, so each scan reads only the deliveries indexed since (a scan of the whole
 * history every 300 s grows with it). Kept in the index store it refers to: a rebuilt index has
 * none, and its first scan looks at everything again, raising nothing already on chain.
 */
export interface DeliveryScanState {
  readonly seq: number | undefined;
  readonly recipients: Readonly<Record<string, RecipientWindow>>;
}

const KEY = "alertScan";

export async function loadScanState(store: IndexStore): Promise<DeliveryScanState> {
  return ((await store.meta.get(KEY)) as DeliveryScanState | undefined) ?? { seq: undefined, recipients: {} };
}

/** Written once the scan's alerts are on chain, so a failed raise is found again by the next scan. */
export function saveScanState(store: IndexStore, state: DeliveryScanState): Promise<void> {
  return store.meta.put(KEY, state);
}

/** The deliveries indexed after `seq`, chain order, and the last entry's seq (`seq` if none is new). */
export async function deliveriesSince(
  store: IndexStore,
  seq: number | undefined,
): Promise<{ deliveries: IndexedEntry[]; last: number | undefined }> {
  const deliveries: IndexedEntry[] = [];
  let last = seq;
  for await (const entry of store.entriesAfter(seq)) {
    last = entry.seq;
    if (isDelivery(entry)) deliveries.push(entry);
  }
  return { deliveries, last };
}
