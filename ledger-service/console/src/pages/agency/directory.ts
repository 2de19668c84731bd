/**
 * The answers of GET /v1/actors and GET /v1/blacklist as the organisations and blacklist pages
 * read them (the service's api-schemas.ts ActorList and BlacklistList).
 */
export interface BanState {
  readonly bannedUntil: number;
  readonly active: boolean;
}

export interface Organisation {
  readonly orgId: string;
  readonly name: string;
  readonly role: string;
  readonly publicKey: string;
  readonly registeredAt: number;
  readonly blacklist: BanState | null;
}

export interface BlacklistEntry extends BanState {
  readonly orgId: string;
  readonly name: string | null;
  readonly role: string | null;
  readonly bans: readonly {
    readonly op: "blacklist.add" | "grant.exit";
    readonly at: number;
    readonly reason: string;
    readonly grantId: string | null;
    readonly recordHash: string;
  }[];
}
