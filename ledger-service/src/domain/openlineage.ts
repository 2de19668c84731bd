import { sm3 } from "../../../core/crypto/sm3.ts";
import type { LineageDocument } from "./lineage-graph.ts";

/**
 * OpenLineage (spec 2-0-2) run events for a lineage graph: each hop is one run with a START
 * and a COMPLETE event at its block time. Inputs are resources (with the fields used as
 * column lineage) or artifacts; the output is the hop's artifact. The grant, grade and
 * environment travel in a custom `pdl` facet.
 */
export const PRODUCER = "urn:pdl:ledger-service";
const SCHEMA_URL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
const FACET_SCHEMA = "urn:pdl:openlineage:facets:1";

/** A stable UUID for a hop (version 8, "custom"): the first 16 bytes of SM3 of its id. */
export function runIdOf(hopId: string): string {
  const b = sm3(`pdl-hop:${hopId}`).subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function toOpenLineage(g: LineageDocument, namespace = "pdl://longhua"): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  for (const node of g.hops) {
    const h = node.hop;
    const time = new Date(node.blockTime * 1000).toISOString();
    const run = {
      runId: runIdOf(h.id),
      facets: {
        pdl: {
          _producer: PRODUCER,
          _schemaURL: FACET_SCHEMA,
          grantId: h.grantId,
          actor: node.actor,
          environment: h.environment,
          operation: h.operation,
          txId: node.txId,
          recordHash: node.recordHash,
        },
      },
    };
    const job = { namespace: `${namespace}/grants/${h.grantId}`, name: `${h.productId}.${h.id}`, facets: {} };
    const inputs = h.inputs.map((input) =>
      input.kind === "resource"
        ? {
            namespace: `${namespace}/resources`,
            name: `${input.resourceId}@${input.version}`,
            facets: {
              schema: {
                _producer: PRODUCER,
                _schemaURL: "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json",
                fields: input.fields.map((name) => ({ name })),
              },
            },
          }
        : { namespace: `${namespace}/artifacts`, name: input.hash, facets: {} },
    );
    const fieldInputs = h.inputs.flatMap((input) =>
      input.kind === "resource"
        ? input.fields.map((field) => ({
            namespace: `${namespace}/resources`,
            name: `${input.resourceId}@${input.version}`,
            field,
          }))
        : [],
    );
    const outputs = [
      {
        namespace: `${namespace}/artifacts`,
        name: h.outputHash,
        facets: {
          pdl: {
            _producer: PRODUCER,
            _schemaURL: FACET_SCHEMA,
            productId: h.productId,
            grade: h.outputGrade ?? null,
            recordCount: h.recordCount,
            ...(h.delivery ? { recipient: h.delivery.recipient, fingerprintRoot: h.delivery.fingerprintRoot } : {}),
          },
          ...(fieldInputs.length > 0
            ? {
                columnLineage: {
                  _producer: PRODUCER,
                  _schemaURL: "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json",
                  fields: { "*": { inputFields: fieldInputs } },
                },
              }
            : {}),
        },
      },
    ];
    for (const eventType of ["START", "COMPLETE"] as const) {
      events.push({
        eventType,
        eventTime: time,
        run,
        job,
        inputs,
        outputs: eventType === "COMPLETE" ? outputs : [],
        producer: PRODUCER,
        schemaURL: SCHEMA_URL,
      });
    }
  }
  return events;
}
