import type { OverdueItem, OverdueKind } from "../../../../core/overdue.ts";
import type { LedgerBackend } from "../../chain/backend.ts";
import type { IndexedEntry, IndexStore } from "../../indexes/index-store.ts";

/** What a source of overdue items reads: the chain's views (the rules' own deadlines) and the indexes. */
export interface OverdueContext {
  readonly at: number;
  readonly backend: LedgerBackend;
  readonly store: IndexStore;
}

/** One kind of overdue duty: lists the items overdue at `ctx.at`. */
export interface OverdueSource {
  readonly kind: OverdueKind;
  collect(ctx: OverdueContext): Promise<OverdueItem[]>;
}

/** The `startedBy` of an item: the indexed record that started the clock. */
export function startedBy(entry: IndexedEntry | undefined, fallback: { kind: string; id: string; at: number }) {
  return entry
    ? { kind: entry.kind, id: entry.id, recordHash: entry.recordHash, at: entry.blockTime }
    : { ...fallback, recordHash: null };
}

/** The latest record in (kind, id)'s history whose event is one of `events`. */
export async function latestWithEvent(
  store: IndexStore,
  kind: string,
  id: string,
  events: readonly string[],
): Promise<IndexedEntry | undefined> {
  const history = await store.historyOf(kind, id);
  for (let i = history.length - 1; i >= 0; i--) if (events.includes(history[i]!.event)) return history[i];
  return undefined;
}
