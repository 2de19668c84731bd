import type { Page } from "./public-list.ts";
import type { Objection } from "./records/objection.ts";
import type { Resource } from "./records/resource.ts";
import type { GrantView, ObjectionView, PriceCapView, ResourceView } from "./views.ts";

/**
 * The lists the desks read, as the service answers them and the console reads them: the resource
 * catalog (GET /v1/resources), the grants a caller may see (GET /v1/grants), the price caps in
 * force (GET /v1/price-caps) and the data-quality objections (GET /v1/objections), all in cursor pages. Wire formats, so they live beside the records; the service builds them in
 * ledger-service/src/http/routes/read-routes.ts.
 */

/** A resource of the catalog: its registration and the chain's view (null if the chain holds none). */
export interface CatalogResource {
  readonly id: string;
  readonly record: Resource;
  readonly view: ResourceView | null;
}

export interface ResourceCatalog extends Page {
  readonly resources: readonly CatalogResource[];
}

/** A grant the caller may see, as the chain holds it. */
export interface ListedGrant {
  readonly id: string;
  readonly view: GrantView;
}

export interface GrantList extends Page {
  readonly grants: readonly ListedGrant[];
}

/**
 * A price cap in force: the most an industry product of its domain may charge in its unit (a
 * later cap.set of the same domain and unit replaces it), and the record that set it last.
 */
export interface PriceCapInForce {
  /** `domain/chargeUnit`, the cap's record id. */
  readonly id: string;
  readonly view: PriceCapView;
  /** When it was last set: the block time of that record, Unix seconds. */
  readonly setAt: number;
  /** The hash of the record that set it last (its receipt: GET /v1/receipts/:recordHash). */
  readonly recordHash: string;
}

export interface PriceCapList extends Page {
  readonly caps: readonly PriceCapInForce[];
}

/** A data-quality objection the caller may read: as filed, and the chain's view of it. */
export interface ListedObjection {
  readonly id: string;
  readonly record: Objection;
  readonly view: ObjectionView;
}

export interface ObjectionList extends Page {
  readonly objections: readonly ListedObjection[];
}
