import type { StateView, ViewKey } from "../../../core/views.ts";
import type { LedgerBackend } from "../chain/backend.ts";
import type { IndexStore, IndexedEntry } from "../indexes/index-store.ts";
import type { ReceiptSource } from "./record-service.ts";
import { LedgerError } from "../../../core/errors.ts";
import type { Product } from "../../../core/records/product.ts";
import type { ProductView } from "../../../core/views.ts";
import { publicProductFacts } from "./access.ts";
import type { PublicProductFacts } from "../../../core/public-list.ts";
import type { ChangeSummary, HistoryEntry, RecordDocument } from "../../../core/record-document.ts";

type ViewOf<K extends ViewKey["kind"]> = Extract<StateView, { kind: K }>;

export function summarize(entry: IndexedEntry): ChangeSummary {
  return {
    op: entry.signed.record.op,
    actor: entry.signed.record.actor,
    recordHash: entry.recordHash,
    txId: entry.txId,
    blockNumber: entry.blockNumber,
    blockTime: entry.blockTime,
    body: entry.signed.record.body,
  };
}

/** NOT_FOUND naming what was asked for (the caller's own id: nothing it did not know). */
export function notFound(kind: string, id: string): LedgerError {
  return new LedgerError("NOT_FOUND", `no ${kind} ${id}`, { kind, id });
}

export class RecordReader {
  constructor(
    private readonly backend: LedgerBackend,
    private readonly store: IndexStore,
    private readonly receipts: ReceiptSource,
  ) {}

  /** The document of (kind, id), its view typed by its kind (the chain's view of that kind). */
  async document<K extends ViewKey["kind"]>(kind: K, id: string): Promise<RecordDocument<ViewOf<K>>> {
    const history = await this.store.historyOf(kind, id);
    const view = await this.backend.view({ kind, id });
    if (history.length === 0 && !view) throw notFound(kind, id);
    const [first, ...rest] = history;
    return {
      kind,
      id,
      view: (view ?? null) as ViewOf<K> | null,
      created: first ? first.signed.record.body : null,
      changes: rest.map(summarize),
    };
  }

  /** A product's public facts (what a recipient of it may see), or NOT_FOUND. */
  async productFacts(productId: string): Promise<PublicProductFacts> {
    const { body, entry } = await this.creation<Product>("product", productId);
    const view = (await this.backend.view({ kind: "product", id: productId })) as ProductView | undefined;
    return publicProductFacts(body, entry.signed.record.actor, view);
  }

  /** The record that created (kind, id), or NOT_FOUND. */
  async creation<T>(kind: string, id: string): Promise<{ body: T; entry: IndexedEntry }> {
    const first = (await this.store.historyOf(kind, id))[0];
    if (!first) throw notFound(kind, id);
    return { body: first.signed.record.body as T, entry: first };
  }

  receiptOf(leafIndex: number): Promise<unknown> {
    return this.receipts.receipt(leafIndex);
  }

  /** Every signed record that touched (kind, id), oldest first, each with its latest receipt. */
  async history(kind: string, id: string): Promise<HistoryEntry[]> {
    const entries = await this.store.historyOf(kind, id);
    if (entries.length === 0) throw notFound(kind, id);
    return Promise.all(
      entries.map(async (e): Promise<HistoryEntry> => ({
        ...summarize(e),
        // The same body, typed by its operation (the spread keeps its place in the JSON).
        body: e.signed.record.body,
        signature: e.signed.signature,
        record: e.signed.record,
        leafIndex: e.leafIndex,
        receipt: e.leafIndex >= 0 ? await this.receipts.receipt(e.leafIndex) : null,
      })),
    );
  }
}
