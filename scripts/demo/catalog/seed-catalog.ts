import { readFileSync } from "node:fs";
import { z } from "zod";
import { Role, Text, OrgId } from "../../../core/records/common.ts";
import { Product, ChargeUnit } from "../../../core/records/product.ts";
import { Resource, schemaHashOf } from "../../../core/records/resource.ts";
import { validate } from "../../../core/validate.ts";

/**
 * The seed catalog as data: the organisations of the Longhua plan, the 10 resources of its
 * Table 1 (with grades and the reasons for them) and the 11 products of its Table 2. The JSON
 * files are the source; this module validates them against the record schemas.
 */
export const CatalogOrganisation = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9-]*$/),
  orgId: OrgId,
  name: Text(128),
  nameEn: Text(128),
  role: Role,
});
export type CatalogOrganisation = z.infer<typeof CatalogOrganisation>;

/** A catalog resource is a resource registration without its schema hash, which is derived. */
export const CatalogResource = Resource.omit({ schemaHash: true });
export type CatalogResource = z.infer<typeof CatalogResource>;

/** A catalog product is a product registration before it has a grant and a price. */
export const CatalogProduct = Product.omit({ grantId: true, pricing: true }).extend({
  model: z.enum(["public-welfare", "industry"]),
  chargeUnit: ChargeUnit,
});
export type CatalogProduct = z.infer<typeof CatalogProduct>;

export interface SeedCatalog {
  readonly organisations: readonly CatalogOrganisation[];
  readonly resources: readonly Resource[];
  readonly products: readonly CatalogProduct[];
}

function readJson(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./${name}`, import.meta.url), "utf8"));
}

export function loadSeedCatalog(): SeedCatalog {
  const orgFile = validate(
    z.object({ organisations: z.array(CatalogOrganisation) }),
    readJson("organisations.json"),
    "organisations.json",
  );
  const resFile = validate(
    z.object({ resources: z.array(CatalogResource) }),
    readJson("resources.json"),
    "resources.json",
  );
  const prodFile = validate(
    z.object({ products: z.array(CatalogProduct) }),
    readJson("products.json"),
    "products.json",
  );
  const resources = resFile.resources.map((r) =>
    validate(Resource, { ...r, schemaHash: schemaHashOf(r.fields) }, `resource ${r.id}`),
  );
  return { organisations: orgFile.organisations, resources, products: prodFile.products };
}

export function organisation(catalog: SeedCatalog, key: string): CatalogOrganisation {
  const found = catalog.organisations.find((o) => o.key === key);
  if (!found) throw new RangeError(`no organisation "${key}" in the seed catalog`);
  return found;
}
