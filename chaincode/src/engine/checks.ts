import { ensure } from "../../../core/errors.ts";
import type { ScopeEntry } from "../../../core/records/common.ts";
import type { Ledger } from "../ledger/ledger.ts";
import {
  K,
  type ActorState,
  type GrantState,
  type PartnerState,
  type ProductState,
  type ResourceState,
} from "./state.ts";

/** Lookups and checks several operations share, each raising the rulebook's code. */

export async function requireActor(ledger: Ledger, orgId: string): Promise<ActorState> {
  const actor = await ledger.get<ActorState>(K.actor, orgId);
  ensure(actor, "NOT_FOUND", `organisation ${orgId} is not registered`, { id: orgId });
  return actor;
}

export async function requireActorWithRole(
  ledger: Ledger,
  orgId: string,
  role: ActorState["role"],
): Promise<ActorState> {
  const actor = await requireActor(ledger, orgId);
  ensure(actor.role === role, "ACTOR_ROLE_INVALID", `${orgId} is a ${actor.role}, not a ${role}`, { orgId });
  return actor;
}

export async function bannedUntil(ledger: Ledger, orgId: string): Promise<number> {
  return (await ledger.get<number>(K.blacklist, orgId)) ?? 0;
}

export async function ensureNotBlacklisted(ledger: Ledger, orgId: string, now: number): Promise<void> {
  const until = await bannedUntil(ledger, orgId);
  ensure(!(now < until), "ORG_BLACKLISTED", `${orgId} is banned until ${until}`, { orgId, bannedUntil: until });
}

export async function requireGrant(ledger: Ledger, grantId: string): Promise<GrantState> {
  const grant = await ledger.get<GrantState>(K.grant, grantId);
  ensure(grant, "NOT_FOUND", `grant ${grantId}`, { id: grantId });
  return grant;
}

export async function requireResource(ledger: Ledger, resourceId: string): Promise<ResourceState> {
  const resource = await ledger.get<ResourceState>(K.resource, resourceId);
  ensure(resource, "NOT_FOUND", `resource ${resourceId}`, { id: resourceId });
  return resource;
}

export async function requirePartner(ledger: Ledger, admissionId: string): Promise<PartnerState> {
  const partner = await ledger.get<PartnerState>(K.partner, admissionId);
  ensure(partner, "NOT_FOUND", `partner admission ${admissionId}`, { id: admissionId });
  return partner;
}

export async function requireProduct(ledger: Ledger, productId: string): Promise<ProductState> {
  const product = await ledger.get<ProductState>(K.product, productId);
  ensure(product, "NOT_FOUND", `product ${productId}`, { id: productId });
  return product;
}

/** A term is in force at t when validFrom ≤ t < validUntil. */
export function inForce(grant: Pick<GrantState, "validFrom" | "validUntil">, t: number): boolean {
  return grant.validFrom <= t && t < grant.validUntil;
}

export function ensureGrantUsable(grant: GrantState, now: number): void {
  ensure(grant.status === "active", "GRANT_NOT_ACTIVE", `grant ${grant.id} is ${grant.status}`, { grantId: grant.id });
  ensure(
    inForce(grant, now),
    "GRANT_OUTSIDE_TERM",
    `grant ${grant.id} is in force from ${grant.validFrom} until ${grant.validUntil}`,
    { grantId: grant.id },
  );
}

export function scopeEntry(scope: readonly ScopeEntry[], resourceId: string): ScopeEntry | undefined {
  return scope.find((e) => e.resourceId === resourceId);
}

/** Whether `entry` names a resource of `scope` and only fields granted for it. */
export function withinScope(scope: readonly ScopeEntry[], entry: ScopeEntry): boolean {
  const granted = scopeEntry(scope, entry.resourceId);
  return granted !== undefined && entry.fields.every((f) => granted.fields.includes(f));
}
