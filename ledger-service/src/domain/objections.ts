import type { SourceObjection } from "../../../core/listing-report.ts";
import { isOverdue } from "../../../core/overdue.ts";
import type { ObjectionView } from "../../../core/views.ts";
import type { LedgerBackend } from "../chain/backend.ts";
import type { IndexStore } from "../indexes/index-store.ts";
import { evidenceOf } from "./evidence.ts";

/** The chain's view of every objection the indexes know, in filing order. */
export async function objectionViews(d: { store: IndexStore; backend: LedgerBackend }): Promise<ObjectionView[]> {
  const views: ObjectionView[] = [];
  for (const id of await d.store.idsOfKind("objection")) {
    const view = (await d.backend.view({ kind: "objection", id })) as ObjectionView | undefined;
    if (view) views.push(view);
  }
  return views.sort((a, b) => a.filedAt - b.filedAt || a.id.localeCompare(b.id));
}

/**
 * The unanswered objections against the resource versions a product is built on, for its
 * listing verification report: each with its deadline and whether that passed at `at`.
 */
export async function sourceObjections(
  d: { store: IndexStore; backend: LedgerBackend },
  used: readonly { resourceId: string; versions: readonly number[] }[],
  at: number,
): Promise<SourceObjection[]> {
  const builtOn = (v: ObjectionView) =>
    used.some((u) => u.resourceId === v.resourceId && u.versions.includes(v.version));
  const out: SourceObjection[] = [];
  for (const view of await objectionViews(d)) {
    if (view.status !== "open" || !builtOn(view)) continue;
    const [filed] = await d.store.historyOf("objection", view.id);
    out.push({
      objectionId: view.id,
      resourceId: view.resourceId,
      version: view.version,
      category: view.category,
      filedAt: view.filedAt,
      deadline: view.deadline,
      overdue: isOverdue(view.deadline, at),
      evidence: filed ? evidenceOf(filed) : null,
    });
  }
  return out;
}
