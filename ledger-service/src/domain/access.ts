import { LedgerError } from "../../../core/errors.ts";
import type { IndexStore } from "../indexes/index-store.ts";

/** Who is calling, once the request signature verified (http/auth.ts). */
export interface Caller {
  readonly orgId: string;
  readonly role: string;
  /**
   * Set when the request was authenticated by the signature of the record it carries
   * (core/request-signing.ts, recordSignatureOf): that signature already verified under this key
   * for the record of this hash, so the write path does not verify it a second time.
   */
  readonly verifiedRecord?: { readonly hash: string; readonly signature: string; readonly publicKey: string };
}

/**
 * Who may read what: the one read-access policy of the service. The agency, supervisors and the
 * exchange read everything; operators and partners read the grants they hold or were admitted
 * to, and what hangs off them; source units read the resources they supply; consumers read the
 * deliveries made to them. The public reads only the published product list and the log's
 * checkpoints (public routes). Refusals are `FORBIDDEN`.
 */
const READS_EVERYTHING = new Set(["agency", "supervisor", "exchange"]);

/** Reads open to some roles only, whatever the record they concern. */
export const ROLE_READS = {
  /** Overdue destruction certificates (GET /v1/overdue). */
  overdue: ["agency", "supervisor"],
  /** Tracing a leaked file (POST /v1/trace). */
  trace: ["agency", "supervisor"],
  /** A delivery's trace keys and fingerprint deposit: the delivering organisations. */
  deliveryKeys: ["operator", "partner"],
  /** A delivery's fingerprint intake status, besides the delivery's author. */
  deliveryIntake: ["agency", "supervisor"],
} as const satisfies Record<string, readonly string[]>;
export type RoleRead = keyof typeof ROLE_READS;

export class Access {
  constructor(private readonly store: IndexStore) {}

  readsEverything(caller: Caller): boolean {
    return READS_EVERYTHING.has(caller.role);
  }

  require(condition: boolean): void {
    if (!condition) throw new LedgerError("FORBIDDEN");
  }

  /** Refuses (FORBIDDEN) a role-gated read to the roles it is not open to. */
  requireRead(caller: Caller, read: RoleRead): void {
    this.require((ROLE_READS[read] as readonly string[]).includes(caller.role));
  }

  /** A delivery's trace material: its author, and for `intake` the roles ROLE_READS names. */
  requireDeliveryAccess(caller: Caller, author: string, read?: "deliveryIntake"): void {
    this.require(
      author === caller.orgId || (read !== undefined && (ROLE_READS[read] as readonly string[]).includes(caller.role)),
    );
  }

  async grantsOf(orgId: string): Promise<Set<string>> {
    return new Set(await this.store.linked("org.grants", orgId));
  }

  async canSeeGrant(caller: Caller, grantId: string): Promise<boolean> {
    if (this.readsEverything(caller)) return true;
    return (await this.grantsOf(caller.orgId)).has(grantId);
  }

  /** A product is visible with its grant; a consumer sees products delivered to it. */
  async canSeeProduct(caller: Caller, productId: string, grantId: string | undefined): Promise<boolean> {
    if (this.readsEverything(caller)) return true;
    if (grantId && (await this.canSeeGrant(caller, grantId))) return true;
    const deliveries = new Set(await this.store.linked("org.deliveries", caller.orgId));
    if (deliveries.size === 0) return false;
    const productDeliveries = await this.store.linked("product.deliveries", productId);
    return productDeliveries.some((d) => deliveries.has(d));
  }

  async canSeeResource(caller: Caller, sourceUnits: readonly string[]): Promise<boolean> {
    if (this.readsEverything(caller) || caller.role === "operator" || caller.role === "partner") return true;
    return sourceUnits.includes(caller.orgId);
  }

  /** The grant a product was registered under, from its first record. */
  async grantOfProduct(productId: string): Promise<string | undefined> {
    const first = (await this.store.historyOf("product", productId))[0];
    return first ? (first.signed.record.body as { grantId: string }).grantId : undefined;
  }

  /** Refuses (FORBIDDEN) unless the caller may read the record `kind`/`id`. */
  async assertCanSee(caller: Caller, kind: string, id: string): Promise<void> {
    if (this.readsEverything(caller)) return;
    switch (kind) {
      case "actor":
      case "price-cap":
      case "anchor":
        return;
      case "resource": {
        const first = (await this.store.historyOf("resource", id))[0];
        const units = first ? ((first.signed.record.body as { sourceUnits?: string[] }).sourceUnits ?? []) : [];
        return this.require(await this.canSeeResource(caller, units));
      }
      case "grant":
      case "evaluation":
        return this.require(await this.canSeeGrant(caller, kind === "grant" ? id : id.split("/")[0]!));
      case "product":
        return this.require(await this.canSeeProduct(caller, id, await this.grantOfProduct(id)));
      case "partner":
      case "hop":
      case "certificate": {
        const first = (await this.store.historyOf(kind, id))[0];
        const grantId = first ? (first.signed.record.body as { grantId: string }).grantId : undefined;
        if (kind === "hop" && first) {
          const delivery = (first.signed.record.body as { delivery?: { recipient: string } }).delivery;
          if (delivery?.recipient === caller.orgId) return;
        }
        return this.require(grantId !== undefined && (await this.canSeeGrant(caller, grantId)));
      }
      case "blacklist":
        return this.require(id === caller.orgId);
      default:
        throw new LedgerError("FORBIDDEN");
    }
  }
}
