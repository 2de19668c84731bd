import { ROLES } from "../../../../core/records/common.ts";
import type { BlacklistView } from "../../../../core/views.ts";
import type { BanState, Blacklist, OrganisationList } from "../../../../core/directory.ts";
import type { LedgerBackend } from "../../chain/backend.ts";
import { bansByOrganisation } from "../../domain/blacklist.ts";
import * as S from "../api-schemas.ts";
import { enumFilter, pageOf, pageRequest, PAGE_QUERY } from "./paging.ts";
import type { ReadRoute, RouteContributor } from "./route.ts";

const BAN_STATES = ["active", "ended"] as const;

/** An organisation's ban as the chain holds it at `at`, or null when it was never banned. */
async function banState(backend: LedgerBackend, orgId: string, at: number): Promise<BanState | null> {
  const view = (await backend.view({ kind: "blacklist", id: orgId })) as BlacklistView | undefined;
  return view ? { bannedUntil: view.bannedUntil, active: at < view.bannedUntil } : null;
}

/**
 * The agency's directory: the registered organisations and the blacklist, in cursor pages.
 * Organisations: the agency, supervisors and the exchange (who read every record) list them all;
 * any other organisation finds only itself, as it may read only its own blacklist entry. The
 * blacklist: the roles ROLE_READS.blacklist names.
 */
export const directoryRoutes: RouteContributor = ({ store, backend, access }): ReadRoute[] => [
  {
    path: "/v1/actors",
    auth: "signed",
    summary:
      "Registered organisations (the agency, supervisors and the exchange: all; any other: itself), filtered by role, in cursor pages: name, role, key, when registered and the blacklist state",
    tag: "actors",
    responses: { 200: S.ActorList },
    query: [{ name: "role", description: `one of ${ROLES.join(", ")}`, example: "operator" }, ...PAGE_QUERY],
    handler: async (req, res) => {
      const caller = req.caller!;
      const role = enumFilter(req, "role", ROLES);
      const page = pageRequest(req);
      const at = await backend.now();
      const ids = access.readsEverything(caller) ? await store.idsOfKind("actor") : [caller.orgId];
      const { items, nextCursor } = await pageOf(ids, page, async (orgId) => {
        const actor = await store.actor(orgId);
        if (!actor || (role && actor.role !== role)) return undefined;
        return { ...actor, blacklist: await banState(backend, orgId, at) };
      });
      res.json({ at, actors: items, nextCursor } satisfies OrganisationList);
    },
  },
  {
    path: "/v1/blacklist",
    auth: "signed",
    summary:
      "Every organisation ever blacklisted (the agency, supervisors, the exchange), active or ended, in cursor pages: the ban's end and each record that banned it (blacklist.add, or an exit for a violation) with its reason",
    tag: "governance",
    responses: { 200: S.BlacklistList },
    query: [{ name: "state", description: "active (banned now) or ended", example: "active" }, ...PAGE_QUERY],
    handler: async (req, res) => {
      access.requireRead(req.caller!, "blacklist");
      const state = enumFilter(req, "state", BAN_STATES);
      const page = pageRequest(req);
      const at = await backend.now();
      const bans = await bansByOrganisation(store);
      const { items, nextCursor } = await pageOf(bans.keys(), page, async (orgId) => {
        const ban = await banState(backend, orgId, at);
        if (!ban || (state && (state === "active") !== ban.active)) return undefined;
        const actor = await store.actor(orgId);
        return { orgId, name: actor?.name ?? null, role: actor?.role ?? null, ...ban, bans: bans.get(orgId)! };
      });
      res.json({ at, entries: items, nextCursor } satisfies Blacklist);
    },
  },
];
