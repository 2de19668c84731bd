import type { z } from "zod";
import { sm3 } from "../../../core/crypto/sm3.ts";
import { v7 as uuidV7 } from "uuid";
import type { Operation } from "../../../core/records/lineage.ts";
import type { LineageDocument } from "../../../core/lineage-graph.ts";
import { FACETS, facetSchemaUrl, type ArtifactDatasetFacet, type HopRunFacet } from "./openlineage-facets.ts";

/**
 * OpenLineage (spec 2-0-2) run events for a lineage graph, laid out in docs/LINEAGE.md: each hop
 * is one run with a START and a COMPLETE event at its block time. Inputs are resources (at the
 * version used, with the fields used) or the artifacts of earlier hops, named by the hop that
 * generated them; the output is the hop's artifact, its SM3 hash as the dataset version. Column
 * lineage is the standard facet; the hop as recorded and the artifact travel in the custom
 * facets `pdl_hop` and `pdl_artifact`, whose schemas the service serves.
 */
export const PRODUCER = "urn:pdl:ledger-service";
const RUN_EVENT = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
const STANDARD = {
  schema: "https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet",
  columnLineage:
    "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet",
  version: "https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet",
};

/**
 * A run's id: a UUIDv7 whose time is the hop's block time and whose other bits come from SM3 of
 * the hop id, so that every export names the same run alike (Marquez merges its events by id).
 */
export function runIdOf(hopId: string, blockTime: number): string {
  // Derived, not random, bits: the same hop gets the same run id in every export.
  return uuidV7({ msecs: blockTime * 1000, random: sm3(`pdl-hop:${hopId}`).subarray(0, 16) });
}

interface InputField {
  namespace: string;
  name: string;
  field: string;
  transformations: { type: "DIRECT" | "INDIRECT"; subtype?: string; description: string; masking?: boolean }[];
}

/**
 * What a hop's operation does to each field it carries (OpenLineage's transformation types). A
 * trained model has no columns: its inputs bear on the whole output.
 */
const TRANSFORMATION: Record<Operation, InputField["transformations"][number]> = {
  collect: { type: "DIRECT", subtype: "IDENTITY", description: "collected" },
  clean: { type: "DIRECT", subtype: "TRANSFORMATION", description: "cleaned" },
  "de-identify": { type: "DIRECT", subtype: "TRANSFORMATION", description: "de-identified", masking: true },
  fuse: { type: "DIRECT", subtype: "TRANSFORMATION", description: "fused with the hop's other inputs" },
  aggregate: { type: "DIRECT", subtype: "AGGREGATION", description: "aggregated" },
  deliver: { type: "DIRECT", subtype: "TRANSFORMATION", description: "delivered under the recipient's watermark" },
  train: { type: "INDIRECT", description: "used to train a model" },
};

const facet = (schemaURL: string) => ({ _producer: PRODUCER, _schemaURL: schemaURL });

/**
 * @param base the scheme and host the service is reached at: the custom facets' `_schemaURL`s
 * point there.
 */
export function toOpenLineage(
  g: LineageDocument,
  base: string,
  namespace = "pdl://longhua",
): Record<string, unknown>[] {
  const resources = `${namespace}/resources`;
  const artifacts = `${namespace}/artifacts`;
  // The columns of each artifact, by the hop that generated it: a hop records the fields it used,
  // not its output columns, so each field is taken to reach the output under its own name.
  const columnsOf = new Map<string, Map<string, InputField[]>>();
  const events: Record<string, unknown>[] = [];
  for (const node of g.hops) {
    const h = node.hop;
    const t = TRANSFORMATION[h.operation];
    const carried = new Map<string, InputField[]>();
    const carry = (column: string, from: Omit<InputField, "transformations">) =>
      (carried.get(column) ?? carried.set(column, []).get(column)!).push({ ...from, transformations: [t] });
    const inputs = h.inputs.map((input) => {
      if (input.kind === "resource") {
        for (const field of input.fields) carry(field, { namespace: resources, name: input.resourceId, field });
        return {
          namespace: resources,
          name: input.resourceId,
          facets: {
            version: { ...facet(STANDARD.version), datasetVersion: String(input.version) },
            schema: { ...facet(STANDARD.schema), fields: input.fields.map((name) => ({ name })) },
          },
        };
      }
      for (const column of columnsOf.get(input.hopId)?.keys() ?? [])
        carry(column, { namespace: artifacts, name: input.hopId, field: column });
      return {
        namespace: artifacts,
        name: input.hopId,
        facets: { version: { ...facet(STANDARD.version), datasetVersion: input.hash } },
      };
    });
    const trained = t.type === "INDIRECT";
    columnsOf.set(h.id, trained ? new Map() : carried);

    const hopFacet: z.input<typeof HopRunFacet> = {
      grantId: h.grantId,
      actor: node.actor,
      operation: h.operation,
      environment: h.environment,
      txId: node.txId,
      recordHash: node.recordHash,
    };
    const artifactFacet: z.input<typeof ArtifactDatasetFacet> = {
      productId: h.productId,
      sm3: h.outputHash,
      recordCount: h.recordCount,
      ...(h.outputGrade !== undefined ? { grade: h.outputGrade } : {}),
      ...(h.delivery ? { recipient: h.delivery.recipient, fingerprintRoot: h.delivery.fingerprintRoot } : {}),
    };
    const run = {
      runId: runIdOf(h.id, node.blockTime),
      facets: { [FACETS.hop.key]: { ...facet(facetSchemaUrl(base, "hop")), ...hopFacet } },
    };
    const job = { namespace: `${namespace}/grants/${h.grantId}`, name: `${h.productId}.${h.id}`, facets: {} };
    const columns = [...(trained ? [] : carried.keys())];
    const output = {
      namespace: artifacts,
      name: h.id,
      facets: {
        version: { ...facet(STANDARD.version), datasetVersion: h.outputHash },
        [FACETS.artifact.key]: { ...facet(facetSchemaUrl(base, "artifact")), ...artifactFacet },
        ...(columns.length > 0
          ? { schema: { ...facet(STANDARD.schema), fields: columns.map((name) => ({ name })) } }
          : {}),
        ...(carried.size > 0
          ? {
              columnLineage: {
                ...facet(STANDARD.columnLineage),
                fields: Object.fromEntries(columns.map((c) => [c, { inputFields: carried.get(c)! }])),
                ...(trained ? { dataset: [...carried.values()].flat() } : {}),
              },
            }
          : {}),
      },
    };
    const time = new Date(node.blockTime * 1000).toISOString();
    for (const eventType of ["START", "COMPLETE"] as const)
      events.push({
        eventType,
        eventTime: time,
        run,
        job,
        inputs,
        outputs: eventType === "COMPLETE" ? [output] : [],
        producer: PRODUCER,
        schemaURL: RUN_EVENT,
      });
  }
  return events;
}

/** The events as NDJSON: one complete event per line, each ready to POST to an OpenLineage endpoint. */
export function toNdjson(events: readonly unknown[]): string {
  return events.map((e) => `${JSON.stringify(e)}\n`).join("");
}
