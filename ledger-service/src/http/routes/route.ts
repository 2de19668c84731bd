import type { Request, Response } from "express";
import type { z } from "zod";
import type { LedgerBackend } from "../../chain/backend.ts";
import type { Config } from "../../config.ts";
import type { Access } from "../../domain/access.ts";
import type { AlertScanner } from "../../domain/alerts.ts";
import type { RecordReader } from "../../domain/record-reader.ts";
import type { RecordService } from "../../domain/record-service.ts";
import type { IndexStore } from "../../indexes/index-store.ts";
import type { Keyring } from "../../keys/keyring.ts";
import type { Checkpointer } from "../../log/checkpointer.ts";
import type { MerkleLog } from "../../log/merkle-log.ts";
import type { Logger } from "../../logger.ts";
import type { Metrics } from "../../metrics.ts";
import { LedgerError } from "../../../../core/errors.ts";

/**
 * A read endpoint (the write endpoints are one per operation: write-routes.ts). `auth: "public"` routes need no signature; every other one needs a signed
 * request and applies the role rules of domain/access.ts.
 */
export interface ReadRoute {
  /** GET by default; POST for queries that take a document (a leaked file to trace). */
  readonly method?: "get" | "post";
  readonly path: string;
  readonly auth: "public" | "signed";
  readonly summary: string;
  readonly tag: string;
  /** Query parameters, each with an example value for the OpenAPI document. */
  readonly query?: readonly { name: string; description: string; required?: boolean; example: string }[];
  /**
   * A POST's body: its schema and an example that passes it, for the OpenAPI document (the API
   * suite validates every example against the document and fails on a body without one).
   */
  readonly requestBody?: { readonly schema: z.ZodType; readonly example: unknown };
  /**
   * The schema of each success answer by status (api-schemas.ts): the OpenAPI document is
   * generated from them and the API suite validates every real answer against it.
   */
  readonly responses: RouteResponses;
  readonly handler: (req: Request, res: Response) => Promise<void>;
}

/** At least one success: 200, or 201 for a POST that creates (a report issue). */
export type RouteResponses = (
  { readonly 200: z.ZodType; readonly 201?: z.ZodType } | { readonly 200?: undefined; readonly 201: z.ZodType }
) & {
  readonly 202?: z.ZodType;
  /** A 200 that may also come as NDJSON (application/x-ndjson): the schema of each line. */
  readonly ndjson?: z.ZodType;
};

/** Extra read routes other modules add to the service (trace, reports). */
export type RouteContributor = (ctx: ServiceContext) => ReadRoute[] | Promise<ReadRoute[]>;

/** What route contributors get: the opened parts of the running service. */
export interface ServiceContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly keyring: Keyring;
  readonly backend: LedgerBackend;
  readonly store: IndexStore;
  readonly log: MerkleLog;
  readonly checkpointer: Checkpointer;
  readonly reader: RecordReader;
  readonly access: Access;
  readonly records: RecordService;
  /** Raises risk alerts (on request, on its timer, from a trace). */
  readonly alerts: AlertScanner;
  /** Registers cleanup that runs when the service stops (after the HTTP server closed). */
  readonly onClose: (close: () => Promise<void>) => void;
}

/** A path parameter, bounded (MALFORMED_REQUEST otherwise). */
export function param(req: Request, name: string): string {
  const value = req.params[name];
  if (typeof value !== "string" || value.length === 0 || value.length > 200)
    throw new LedgerError("MALFORMED_REQUEST", `bad path parameter ${name}`, { field: name });
  return value;
}

/** The `at` query parameter in Unix seconds, or the chain's time when absent. */
export async function atQuery(req: Request, backend: LedgerBackend): Promise<number> {
  const at = req.query.at === undefined ? await backend.now() : Number(req.query.at);
  if (!Number.isSafeInteger(at) || at < 0)
    throw new LedgerError("MALFORMED_REQUEST", "at must be Unix seconds", { field: "at" });
  return at;
}
