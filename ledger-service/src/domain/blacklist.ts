import type { BlacklistEntry } from "../../../core/records/governance.ts";
import type { GrantExit } from "../../../core/records/grant.ts";
import type { IndexStore } from "../indexes/index-store.ts";
import type { Ban } from "../../../core/directory.ts";

/**
 * Every organisation ever banned, with the records that banned it (core/directory.ts Ban), oldest
 * first. The chain keeps only the ban's end (the blacklist view), so the records are read from the
 * history index alone (the blacklist's records, and each grant's exit for a violation): it holds
 * on a data directory with history and after `npm run reindex` without an index of its own.
 */
export async function bansByOrganisation(store: IndexStore): Promise<Map<string, Ban[]>> {
  const bans = new Map<string, (Ban & { seq: number })[]>();
  const add = (orgId: string, seq: number, ban: Ban) => bans.set(orgId, [...(bans.get(orgId) ?? []), { ...ban, seq }]);
  for (const orgId of await store.idsOfKind("blacklist"))
    for (const entry of await store.historyOf("blacklist", orgId)) {
      const body = entry.signed.record.body as BlacklistEntry;
      add(orgId, entry.seq, ban(entry, "blacklist.add", body.reason, body.grantId ?? null));
    }
  for (const grantId of await store.idsOfKind("grant")) {
    const history = await store.historyOf("grant", grantId);
    const exit = history.find(
      (e) => e.signed.record.op === "grant.exit" && (e.signed.record.body as GrantExit).kind === "violation",
    );
    const issue = history.find((e) => e.signed.record.op === "grant.issue");
    if (!exit || !issue) continue;
    const grantee = (issue.signed.record.body as { grantee: string }).grantee;
    add(grantee, exit.seq, ban(exit, "grant.exit", (exit.signed.record.body as GrantExit).reason, grantId));
  }
  // Chain order: two bans in one block keep the order the chain applied them in.
  return new Map(
    [...bans].map(([orgId, list]) => [orgId, list.sort((a, b) => a.seq - b.seq).map(({ seq: _, ...b }) => b)]),
  );
}

function ban(
  entry: { blockTime: number; recordHash: string },
  op: Ban["op"],
  reason: string,
  grantId: string | null,
): Ban {
  return { op, at: entry.blockTime, reason, grantId, recordHash: entry.recordHash };
}
