import type { Caller } from "../http/auth.ts";
import { HttpError } from "../http/errors.ts";
import type { IndexStore } from "../index/store.ts";

/**
 * Who may read what. The agency, supervisors and the exchange read everything; operators and
 * partners read the grants they hold or were admitted to, and what hangs off them; source
 * units read the resources they supply; consumers read the deliveries made to them. The
 * public reads only the published product list and the log's checkpoints (public routes).
 */
const READS_EVERYTHING = new Set(["agency", "supervisor", "exchange"]);

export class Access {
  constructor(private readonly store: IndexStore) {}

  readsEverything(caller: Caller): boolean {
    return READS_EVERYTHING.has(caller.role);
  }

  require(condition: boolean): void {
    if (!condition) throw new HttpError("FORBIDDEN");
  }

  requireRole(caller: Caller, ...roles: string[]): void {
    this.require(roles.includes(caller.role));
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
}
