import type { Page } from "./public-list.ts";
import type { Resource } from "./records/resource.ts";
import type { GrantView, ResourceView } from "./views.ts";

/**
 * The lists the desks read, as the service answers them and the console reads them: the resource
 * catalog (GET /v1/resources) and the grants a caller may see (GET /v1/grants), both in cursor
 * pages. Wire formats, so they live beside the records; the service builds them in
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
