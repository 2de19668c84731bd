import { z } from "zod";
import { ERROR_CODE_LIST } from "../../../core/errors.ts";
import { OPERATIONS } from "../../../core/operations.ts";
import { DELIVERY_EXAMPLE, OPERATION_EXAMPLES, exampleActor } from "../../../core/operation-examples.ts";
import type { ReadRoute, RouteResponses } from "./routes/route.ts";
import { AcceptedRecord, Health, OpenApi, PendingRecord, Readiness } from "./api-schemas.ts";
import { PARAMETER_EXAMPLES, signedExample } from "./request-examples.ts";
import { WRITE_ROUTES, openApiPath, type WriteRoute } from "./routes/write-routes.ts";

/**
 * The OpenAPI 3.1 document, generated from the same route tables that mount the routes, with
 * request schemas generated from the record schemas: it cannot drift from the code.
 */
export const SYSTEM_ROUTES = [
  { path: "/healthz", summary: "Liveness: the process is up", schema: Health },
  {
    path: "/readyz",
    summary: "Readiness: the chain, the log and the indexes are open and caught up (503 with the reason otherwise)",
    schema: Readiness,
  },
  { path: "/metrics", summary: "Prometheus metrics (text exposition format)", schema: "text/plain" },
  { path: "/openapi.json", summary: "This document", schema: OpenApi },
  { path: "/reference", summary: "The API reference page (HTML, bundled: no CDN)", schema: "text/html" },
  { path: "/reference/standalone.js", summary: "The reference page's script", schema: "application/javascript" },
  { path: "/reference/init.js", summary: "The reference page's configuration", schema: "application/javascript" },
] as const;

/** A zod schema as the JSON Schema 2020-12 that OpenAPI 3.1 embeds (requests as accepted, answers as sent). */
function jsonSchema(schema: z.ZodType, io: "input" | "output" = "input"): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    unrepresentable: "any",
    io,
    target: "draft-2020-12",
  });
  return rest;
}

const json = (schema: z.ZodType) => ({ "application/json": { schema: jsonSchema(schema, "output") } });

function successes(responses: RouteResponses): Record<string, unknown> {
  return {
    ...(responses[200]
      ? {
          "200": {
            description: responses.ndjson
              ? "OK (as NDJSON: one value of the application/x-ndjson schema a line)"
              : "OK",
            content: {
              ...json(responses[200]),
              ...(responses.ndjson
                ? { "application/x-ndjson": { schema: jsonSchema(responses.ndjson, "output") } }
                : {}),
            },
          },
        }
      : {}),
    ...(responses[201] ? { "201": { description: "Created", content: json(responses[201]) } } : {}),
    ...(responses[202]
      ? {
          "202": {
            description: "The outcome is not known yet: poll again after Retry-After",
            content: json(responses[202]),
          },
        }
      : {}),
  };
}

const ErrorBody = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", enum: ERROR_CODE_LIST },
        message: { type: "string", description: "In English or Chinese, by Accept-Language" },
        detail: { type: "string" },
        details: { type: "object" },
      },
    },
  },
};

const SIGNED_HEADERS = ["X-PDL-Actor", "X-PDL-Timestamp", "X-PDL-Nonce", "X-PDL-Signature"];

function pathParameters(path: string) {
  return [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
    name: m[1]!,
    in: "path",
    required: true,
    schema: { type: "string" },
    example: PARAMETER_EXAMPLES[m[1]!],
  }));
}

/** A write route's example request: the operation's example body, signed (the generic route shows a product registration). */
function writeExample(route: Pick<WriteRoute, "deliver"> & { op?: WriteRoute["op"] }): unknown {
  const op = route.op ?? "product.register";
  if (
    op === "actor.bootstrap" ||
    op === "anchor.checkpoint" ||
    op === "complaint.lodge" ||
    op === "alert.raise" ||
    op === "report.issue"
  )
    throw new Error(`${op} has no write route`);
  const body = route.deliver ? DELIVERY_EXAMPLE : OPERATION_EXAMPLES[op];
  return signedExample(op, exampleActor(OPERATIONS[op].roles), body);
}

/** GET /v1/grants/:grantId/audit → get.grants.grantId.audit (unique as the method and path are). */
function operationIdOf(method: string, path: string): string {
  const parts = path
    .replace(/^\/v1\//, "/")
    .split(/[/.]/)
    .filter(Boolean)
    .map((p) => p.replace(/^:/, ""));
  return [method, ...parts].join(".");
}

export function openApiDocument(reads: readonly ReadRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const errors = {
    "4XX": {
      description: "Rejected, with a stable error code",
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    },
    "5XX": {
      description: "Not answered: the chain is unavailable or does not match (Retry-After), or an internal error",
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    },
  };
  for (const route of SYSTEM_ROUTES) {
    (paths[route.path] ??= {}).get = {
      summary: route.summary,
      operationId: operationIdOf("get", route.path),
      tags: ["system"],
      security: [],
      responses: {
        "200": {
          description: "OK",
          content:
            typeof route.schema === "string" ? { [route.schema]: { schema: { type: "string" } } } : json(route.schema),
        },
        ...(route.path === "/readyz" ? { "503": { description: "Not ready", content: json(Readiness) } } : {}),
      },
    };
  }
  for (const route of reads) {
    (paths[openApiPath(route.path)] ??= {})[route.method ?? "get"] = {
      summary: route.summary,
      operationId: operationIdOf(route.method ?? "get", route.path),
      tags: [route.tag],
      security: route.auth === "public" ? [] : [{ pdlSignature: [] }],
      parameters: [
        ...pathParameters(route.path),
        ...(route.query ?? []).map((q) => ({
          name: q.name,
          in: "query",
          required: q.required ?? false,
          description: q.description,
          schema: { type: "string" },
          example: q.example,
        })),
      ],
      ...(route.requestBody
        ? {
            requestBody: {
              required: true,
              content: {
                "application/json": {
                  schema: jsonSchema(route.requestBody.schema),
                  example: route.requestBody.example,
                },
              },
            },
          }
        : {}),
      responses: { ...successes(route.responses), ...errors },
    };
  }
  const writes = [
    ...WRITE_ROUTES.map((r) => ({ ...r })),
    {
      op: undefined,
      method: "post" as const,
      path: "/v1/records",
      summary: "Submit any signed record",
      tag: "records",
    },
  ];
  for (const route of writes) {
    const record = route.op
      ? {
          type: "object",
          required: ["v", "op", "actor", "nonce", "body"],
          properties: {
            v: { const: 1 },
            op: { const: route.op },
            actor: { type: "string" },
            nonce: { type: "string", pattern: "^[0-9a-f]{32}$" },
            body: jsonSchema(OPERATIONS[route.op].body),
          },
        }
      : { $ref: "#/components/schemas/Record" };
    (paths[openApiPath(route.path)] ??= {})[route.method] = {
      summary: route.summary,
      tags: [route.tag],
      operationId: route.op ? `${route.op}${"deliver" in route && route.deliver ? ".delivery" : ""}` : "records.submit",
      security: [{ pdlSignature: [] }],
      parameters: pathParameters(route.path),
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: {
              type: "object",
              required: ["record", "signature"],
              properties: { record, signature: { type: "string", pattern: "^[0-9a-f]{128}$" } },
            },
            example: writeExample(route),
          },
        },
      },
      responses: {
        "201": {
          description: "Accepted on chain and logged; the body carries the transaction and the receipt",
          content: json(AcceptedRecord),
        },
        "202": {
          description:
            "Sent to the chain, outcome not known within the wait: poll GET /v1/receipts/{recordHash} (Retry-After, Location)",
          content: json(PendingRecord),
        },
        ...errors,
        "503": {
          description: "Chain unavailable; nothing was written (Retry-After)",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Public Data Ledger",
      version,
      description:
        "Registration, grants, lineage, deliveries, exits and evidence for the authorized operation of public data. Writes carry a signed record; requests are signed with SM2 (scheme PDL1-SM2-SM3, see the README).",
    },
    servers: [{ url: "/" }],
    components: {
      securitySchemes: {
        pdlSignature: {
          type: "apiKey",
          in: "header",
          name: "X-PDL-Signature",
          description: `SM2 signature over the canonical request (or, for a POST whose body is exactly one signed record of the caller, that record's signature); also send ${SIGNED_HEADERS.join(", ")}`,
        },
      },
      schemas: {
        Error: ErrorBody,
        Record: {
          type: "object",
          required: ["v", "op", "actor", "nonce", "body"],
          properties: {
            v: { const: 1 },
            op: { type: "string", enum: Object.keys(OPERATIONS) },
            actor: { type: "string" },
            nonce: { type: "string" },
            body: { type: "object" },
          },
        },
      },
    },
    paths,
  };
}
