import { z } from "zod";

/**
 * The ledger's custom OpenLineage facets. OpenLineage (and Marquez) expect a custom facet's key
 * to be `{prefix}_{name}` and its `_schemaURL` to resolve to a JSON Schema that extends the base
 * facet, in the shape of the standard facet files: the service serves each one
 * (GET /v1/public/openlineage/facets/{version}/{file}), generated from the zod definitions below,
 * so the schema and the facets the export writes cannot drift apart.
 */
export const OPENLINEAGE_SPEC = "https://openlineage.io/spec/2-0-2/OpenLineage.json";
export const FACET_PREFIX = "pdl";
export const FACET_VERSION = "1-0-0";
export const FACET_PATH = "/v1/public/openlineage/facets";

const Hex32 = z.string().regex(/^[0-9a-f]{64}$/);

export const HopRunFacet = z.object({
  grantId: z.string().describe("the grant the hop was recorded under"),
  actor: z.string().describe("the unified social credit code of the organisation that recorded the hop"),
  operation: z.string().describe("the hop's operation: collect, clean, de-identify, fuse, train, aggregate or deliver"),
  environment: z.string().describe("where it ran: plain, sandbox, tee, mpc or federated"),
  txId: z.string().describe("the chain transaction that recorded the hop"),
  recordHash: Hex32.describe("SM3 of the signed hop record (its receipt: GET /v1/receipts/{recordHash})"),
});

export const ArtifactDatasetFacet = z.object({
  productId: z.string().describe("the product whose hop generated the artifact"),
  sm3: Hex32.describe("SM3 of the artifact's content, as the hop record states it"),
  recordCount: z.number().int().min(0).describe("the number of records the hop output"),
  grade: z.number().int().min(1).max(4).optional().describe("the output's data grade, when the hop states one"),
  recipient: z.string().optional().describe("for a delivery: the recipient's unified social credit code"),
  fingerprintRoot: Hex32.optional().describe(
    "for a delivery: the Merkle root of the delivered records' keyed fingerprints",
  ),
});

interface FacetSpec {
  /** The facet's key in a `facets` object. */
  readonly key: string;
  readonly file: string;
  readonly definition: string;
  /** The OpenLineage base facet it extends. */
  readonly base: "RunFacet" | "DatasetFacet";
  readonly schema: z.ZodType;
  readonly description: string;
}

export const FACETS = {
  hop: {
    key: `${FACET_PREFIX}_hop`,
    file: "PdlHopRunFacet.json",
    definition: "PdlHopRunFacet",
    base: "RunFacet",
    schema: HopRunFacet,
    description: "The signed lineage hop this run is, as the ledger recorded it.",
  },
  artifact: {
    key: `${FACET_PREFIX}_artifact`,
    file: "PdlArtifactDatasetFacet.json",
    definition: "PdlArtifactDatasetFacet",
    base: "DatasetFacet",
    schema: ArtifactDatasetFacet,
    description: "The artifact a lineage hop generated, by its SM3 hash; for a delivery, whom it went to.",
  },
} as const satisfies Record<string, FacetSpec>;

export type FacetName = keyof typeof FACETS;

/** Where a facet's schema is served, for the service reached at `base` (scheme and host). */
export function facetSchemaUrl(base: string, name: FacetName): string {
  const f = FACETS[name];
  return `${base}${FACET_PATH}/${FACET_VERSION}/${f.file}#/$defs/${f.definition}`;
}

export function facetByFile(file: string): FacetName | undefined {
  return (Object.keys(FACETS) as FacetName[]).find((name) => FACETS[name].file === file);
}

/** The JSON Schema document of a facet, in the layout of OpenLineage's own facet files. */
export function facetSchemaDocument(base: string, name: FacetName): Record<string, unknown> {
  const f = FACETS[name];
  const { $schema: _dialect, ...fields } = z.toJSONSchema(f.schema, { target: "draft-2020-12", io: "output" });
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `${base}${FACET_PATH}/${FACET_VERSION}/${f.file}`,
    $defs: {
      [f.definition]: {
        description: f.description,
        allOf: [{ $ref: `${OPENLINEAGE_SPEC}#/$defs/${f.base}` }, { ...fields, additionalProperties: true }],
        type: "object",
      },
    },
    type: "object",
    properties: { [f.key]: { $ref: `#/$defs/${f.definition}` } },
  };
}
