import type { Page } from "./public-list.ts";

/**
 * The agency's directory as the service answers it and the console reads it: the registered
 * organisations (GET /v1/actors) and the blacklist (GET /v1/blacklist), both in cursor pages. A
 * wire format, so it lives beside the records; the service builds them in
 * ledger-service/src/http/routes/directory-routes.ts.
 */

/** An organisation's ban as the chain holds it at the answer's time. */
export interface BanState {
  readonly bannedUntil: number;
  /** Whether the ban is in force at the answer's time. */
  readonly active: boolean;
}

export interface RegisteredOrganisation {
  readonly orgId: string;
  readonly name: string;
  readonly role: string;
  readonly publicKey: string;
  /** Block time of its registration. */
  readonly registeredAt: number;
  /** Null when it was never banned. */
  readonly blacklist: BanState | null;
}

export interface OrganisationList extends Page {
  /** The chain's time the ban states are judged at. */
  readonly at: number;
  readonly actors: readonly RegisteredOrganisation[];
}

/**
 * Why an organisation is on the blacklist (黑名单): the agency's blacklist.add, or a grant it held
 * ended by an exit for a violation, which bans the grantee in the same transaction (RULEBOOK,
 * grant.exit).
 */
export interface Ban {
  readonly op: "blacklist.add" | "grant.exit";
  /** Block time of the record that banned. */
  readonly at: number;
  readonly reason: string;
  readonly grantId: string | null;
  readonly recordHash: string;
}

/** An organisation ever banned: its ban now and every record that banned it, oldest first. */
export interface BannedOrganisation extends BanState {
  readonly orgId: string;
  /** Null when the organisation is not registered (any more) in the index. */
  readonly name: string | null;
  readonly role: string | null;
  readonly bans: readonly Ban[];
}

export interface Blacklist extends Page {
  readonly at: number;
  readonly entries: readonly BannedOrganisation[];
}
