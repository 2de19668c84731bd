import { LedgerError } from "../../../core/errors.ts";
import type { Objection } from "../../../core/records/objection.ts";
import type { Product } from "../../../core/records/product.ts";
import type { Resource } from "../../../core/records/resource.ts";
import type { ProductView } from "../../../core/views.ts";
import type { PublicProductFacts } from "../../../core/public-list.ts";
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
 * to, and what hangs off them; source units read the resources they supply; a recipient (any
 * organisation a delivery names, typically a consumer) reads its own deliveries and the public
 * facts of the products delivered to it (those the public product list shows), never another
 * recipient's delivery, the product's other hops or its full record. The public reads only the
 * published product list and the log's checkpoints (public routes). Refusals are `FORBIDDEN`.
 */
const READS_EVERYTHING = new Set(["agency", "supervisor", "exchange"]);

export interface FullScope {
  readonly kind: "full";
}
/** A recipient's slice of a product: its public facts and these deliveries (hop ids) made to the caller. */
export interface RecipientScope {
  readonly kind: "recipient";
  readonly deliveries: ReadonlySet<string>;
}
export type ProductScope = FullScope | RecipientScope | { readonly kind: "none" };
const FULL: FullScope = { kind: "full" };
const NONE: ProductScope = { kind: "none" };

export function publicProductFacts(body: Product, operator: string, view: ProductView | undefined): PublicProductFacts {
  const pricing = view ? { model: view.model, priceFen: view.priceFen, chargeUnit: view.chargeUnit } : body.pricing;
  return {
    id: body.id,
    name: body.name,
    domain: body.domain,
    scenario: body.scenario,
    serviceForm: body.serviceForm,
    operator: view?.operator ?? operator,
    status: view?.status ?? null,
    charge: pricing.model === "public-welfare" ? "free" : "charged",
    priceFen: pricing.priceFen,
    chargeUnit: pricing.chargeUnit,
  };
}

/** Reads open to some roles only, whatever the record they concern. */
export const ROLE_READS = {
  /** The listing queue (GET /v1/exchange/queue): the exchange decides, the agency and supervisors watch. */
  listingQueue: ["exchange", "agency", "supervisor"],
  /** Issuing a listing verification report (POST /v1/products/:productId/verification-report): the exchange asks before listing. */
  reportIssue: ["exchange", "agency"],
  /** Tracing a leaked file (POST /v1/trace). */
  trace: ["agency", "supervisor"],
  /** A delivery's trace keys and fingerprint deposit: the delivering organisations. */
  deliveryKeys: ["operator", "partner"],
  /** A delivery's fingerprint intake status, besides the delivery's author. */
  deliveryIntake: ["agency", "supervisor"],
  /**
   * The whole blacklist (GET /v1/blacklist): the agency keeps it, supervisors oversee it, the
   * exchange's seller check reads it; an organisation reads its own entry (GET /v1/blacklist/:orgId).
   */
  blacklist: ["agency", "supervisor", "exchange"],
} as const satisfies Record<string, readonly string[]>;
export type RoleRead = keyof typeof ROLE_READS;

export class Access {
  constructor(private readonly store: IndexStore) {}

  readsEverything(caller: Caller): boolean {
    return READS_EVERYTHING.has(caller.role);
  }

  /** Refuses (FORBIDDEN, naming the caller's role and what it asked for) unless `condition`. */
  require(condition: boolean, caller: Caller, asked: { kind?: string; id?: string } = {}): void {
    if (!condition) throw forbidden(caller, asked);
  }

  /** Refuses (FORBIDDEN) a role-gated read to the roles it is not open to. */
  requireRead(caller: Caller, read: RoleRead): void {
    this.require((ROLE_READS[read] as readonly string[]).includes(caller.role), caller, { kind: read });
  }

  /** A delivery's trace material: its author, and for `intake` the roles ROLE_READS names. */
  requireDeliveryAccess(caller: Caller, author: string, read?: "deliveryIntake"): void {
    this.require(
      author === caller.orgId || (read !== undefined && (ROLE_READS[read] as readonly string[]).includes(caller.role)),
      caller,
      { kind: "delivery" },
    );
  }

  async grantsOf(orgId: string): Promise<Set<string>> {
    return new Set(await this.store.linked("org.grants", orgId));
  }

  async canSeeGrant(caller: Caller, grantId: string): Promise<boolean> {
    if (this.readsEverything(caller)) return true;
    return (await this.grantsOf(caller.orgId)).has(grantId);
  }

  /** A product's full record, its hops and deliveries are visible with its grant. */
  async canSeeProduct(caller: Caller, productId: string, grantId: string | undefined): Promise<boolean> {
    return (await this.productScope(caller, productId, grantId)).kind === "full";
  }

  /**
   * How much of a product the caller may see: all of it (with its grant), or as a recipient
   * only its public facts and the deliveries made to the caller, or nothing.
   */
  async productScope(caller: Caller, productId: string, grantId?: string): Promise<ProductScope> {
    if (this.readsEverything(caller)) return FULL;
    const grant = grantId ?? (await this.grantOfProduct(productId));
    if (grant && (await this.canSeeGrant(caller, grant))) return FULL;
    const mine = new Set(await this.store.linked("org.deliveries", caller.orgId));
    if (mine.size === 0) return NONE;
    const own = (await this.store.linked("product.deliveries", productId)).filter((d) => mine.has(d));
    return own.length > 0 ? { kind: "recipient", deliveries: new Set(own) } : NONE;
  }

  /** The product's scope for a caller, refusing (FORBIDDEN) a caller who may see nothing of it. */
  async requireProductScope(caller: Caller, productId: string): Promise<FullScope | RecipientScope> {
    const scope = await this.productScope(caller, productId);
    if (scope.kind === "none") throw forbidden(caller, { kind: "product", id: productId });
    return scope;
  }

  async canSeeResource(caller: Caller, sourceUnits: readonly string[]): Promise<boolean> {
    if (this.readsEverything(caller) || caller.role === "operator" || caller.role === "partner") return true;
    return sourceUnits.includes(caller.orgId);
  }

  /**
   * An objection is read by its filer and the source units of the resource it concerns (besides
   * those who read everything): it is between them. Not by the operator or partners of grants
   * using the resource, which would learn of a consumer's dispute with the data's supplier.
   */
  async canSeeObjection(caller: Caller, filer: string, resourceId: string): Promise<boolean> {
    if (this.readsEverything(caller) || filer === caller.orgId) return true;
    const registration = (await this.store.historyOf("resource", resourceId))[0];
    const units = (registration?.signed.record.body as Resource | undefined)?.sourceUnits ?? [];
    return units.includes(caller.orgId);
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
      case "service-list":
        return;
      case "resource": {
        const first = (await this.store.historyOf("resource", id))[0];
        const units = first ? ((first.signed.record.body as { sourceUnits?: string[] }).sourceUnits ?? []) : [];
        return this.require(await this.canSeeResource(caller, units), caller, { kind, id });
      }
      case "grant":
      case "evaluation":
        return this.require(await this.canSeeGrant(caller, kind === "grant" ? id : id.split("/")[0]!), caller, {
          kind,
          id,
        });
      case "product":
        return this.require(await this.canSeeProduct(caller, id, await this.grantOfProduct(id)), caller, { kind, id });
      case "report": {
        const first = (await this.store.historyOf("report", id))[0];
        const productId = first ? (first.signed.record.body as { productId: string }).productId : undefined;
        return this.require(
          productId !== undefined &&
            (await this.canSeeProduct(caller, productId, await this.grantOfProduct(productId))),
          caller,
          { kind, id },
        );
      }
      case "partner":
      case "hop":
      case "certificate": {
        const first = (await this.store.historyOf(kind, id))[0];
        const grantId = first ? (first.signed.record.body as { grantId: string }).grantId : undefined;
        if (kind === "hop" && first) {
          const delivery = (first.signed.record.body as { delivery?: { recipient: string } }).delivery;
          if (delivery?.recipient === caller.orgId) return;
        }
        return this.require(grantId !== undefined && (await this.canSeeGrant(caller, grantId)), caller, { kind, id });
      }
      case "blacklist":
        return this.require(id === caller.orgId, caller, { kind, id });
      case "revenue":
        // The operator's own years (the agency, supervisors and exchange read every record).
        return this.require(id.startsWith(`${caller.orgId}/`), caller, { kind, id });
      case "objection": {
        const first = (await this.store.historyOf("objection", id))[0];
        const concerned =
          first !== undefined &&
          (await this.canSeeObjection(
            caller,
            first.signed.record.actor,
            (first.signed.record.body as Objection).resourceId,
          ));
        return this.require(concerned, caller, { kind, id });
      }
      default:
        throw forbidden(caller, { kind, id });
    }
  }
}

function forbidden(caller: Caller, asked: { kind?: string; id?: string }): LedgerError {
  const what = asked.id ? `${asked.kind} ${asked.id}` : (asked.kind ?? "this");
  return new LedgerError("FORBIDDEN", `a ${caller.role} may not read ${what}`, { role: caller.role, ...asked });
}
