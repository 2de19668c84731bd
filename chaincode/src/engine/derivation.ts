import type { ScopeEntry } from "../../../core/records/common.ts";
import type { HopInput } from "../../../core/records/lineage.ts";
import type { Ledger } from "../ledger/ledger.ts";
import { K } from "./state.ts";

/**
 * What a hop's output derives from: every resource and field that reached it, through its own
 * resource inputs and, transitively, through the artifacts it took in. Kept per hop when the
 * hop is recorded, so a later check of an artifact input is one lookup however long the chain
 * of hops behind it; the set is bounded by the grant's scope, since every hop stays under one
 * grant.
 */
export async function derivationOf(ledger: Ledger, hopId: string): Promise<ScopeEntry[]> {
  return (await ledger.get<ScopeEntry[]>(K.derivedFrom, hopId)) ?? [];
}

/** The union of the inputs' resources and fields, in the order they first appear. */
export async function deriveFrom(ledger: Ledger, inputs: readonly HopInput[]): Promise<ScopeEntry[]> {
  const union = new Map<string, Set<string>>();
  const add = (entry: ScopeEntry) => {
    const fields = union.get(entry.resourceId) ?? new Set<string>();
    for (const f of entry.fields) fields.add(f);
    union.set(entry.resourceId, fields);
  };
  for (const input of inputs) {
    if (input.kind === "resource") add(input);
    else for (const entry of await derivationOf(ledger, input.hopId)) add(entry);
  }
  return [...union].map(([resourceId, fields]) => ({ resourceId, fields: [...fields] }));
}

export function recordDerivation(ledger: Ledger, hopId: string, derived: readonly ScopeEntry[]): void {
  ledger.put(K.derivedFrom, [hopId], derived);
}
