import express, { type Express, type NextFunction, type Request, type Response } from "express";
import { pinoHttp } from "pino-http";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics.ts";
import { authenticate, type ActorDirectory } from "./auth.ts";
import { consoleFiles } from "./console-files.ts";
import { errorHandler, notFoundHandler } from "./error-handler.ts";
import type { NonceStore } from "./nonce-store.ts";
import { openApiDocument } from "./openapi.ts";
import { mountApiReference } from "./api-reference.ts";
import type { ReadRoute } from "./routes/route.ts";
import { mountWriteRoutes } from "./routes/write-handlers.ts";
import type { RecordService } from "../domain/record-service.ts";
import type { SignatureVerifier } from "../crypto/sm2-verifier.ts";
import { LedgerError } from "../../../core/errors.ts";
import { perCaller, publicPerAddress, refusedPerAddress, type RateLimits } from "./rate-limits.ts";

export interface AppDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly directory: ActorDirectory;
  readonly nonces: NonceStore;
  readonly verifier: SignatureVerifier;
  readonly records: RecordService;
  readonly reads: readonly ReadRoute[];
  readonly bodyLimitBytes: number;
  readonly authWindowSeconds: number;
  readonly now: () => number;
  /** Ready once the chain answers and holds this ledger's history; otherwise why not, in one line. */
  readonly readiness: () => Promise<{ readonly ready: boolean; readonly reason?: string }>;
  readonly limits: RateLimits;
  readonly version: string;
  /** The built web console to serve at `/` (default: ledger-service/console/dist). */
  readonly consoleDir?: string;
}

/**
 * The HTTP application: raw body capture (the request signature covers the exact bytes), JSON
 * parsing, SM2 authentication on every non-public route, the route tables, one error handler.
 */
export function createApp(d: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.use(
    pinoHttp({
      logger: d.logger,
      autoLogging: { ignore: (req) => req.url === "/metrics" || req.url === "/healthz" || req.url === "/readyz" },
      quietReqLogger: true,
      // One short line a request: method, path, status, time and the signing organisation.
      // Headers (signatures, nonces) and bodies are never logged.
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
      customProps: (req, res) => {
        const code = (res as Response).locals?.errorCode as string | undefined;
        return { ...(req.caller ? { actor: req.caller.orgId } : {}), ...(code ? { code } : {}) };
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : "info"),
      customSuccessMessage: (req, res, ms) => `${req.method} ${req.url} ${res.statusCode} ${Math.round(ms)}ms`,
      customErrorMessage: (req, res) => `${req.method} ${req.url} ${res.statusCode}`,
    }),
  );
  app.use((req, res, next) => {
    const end = d.metrics.http.startTimer({ method: req.method });
    res.on("finish", () =>
      end({ route: (req.route?.path as string | undefined) ?? "unmatched", status: String(res.statusCode) }),
    );
    next();
  });

  const openapi = openApiDocument(d.reads, d.version);
  app.get("/healthz", (_req, res) => void res.json({ status: "ok" }));
  app.get("/readyz", async (_req, res) => {
    const { ready, reason } = await d.readiness().catch((err: unknown) => ({
      ready: false,
      reason: `readiness check failed: ${(err as Error).message}`,
    }));
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not ready", ...(reason ? { reason } : {}) });
  });
  app.get("/metrics", async (_req, res) => {
    res.type(d.metrics.registry.contentType).send(await d.metrics.registry.metrics());
  });
  app.get("/openapi.json", (_req, res) => void res.json(openapi));
  mountApiReference(app);
  // The web console's files (GET only; anything else falls through to the API).
  app.use(consoleFiles(d.consoleDir));

  // Before anything costly (body parsing, SM2 verification): an address that keeps sending
  // refused requests is answered 429 until its window ends.
  app.use(refusedPerAddress(d.limits));

  // Keep the raw bytes for the signature, then parse JSON ourselves: a body that is not JSON is
  // a 400, never a 500.
  app.use(express.raw({ type: () => true, limit: d.bodyLimitBytes }));
  app.use((req: Request, _res: Response, next: NextFunction) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    req.rawBody = raw;
    req.body = undefined;
    if (raw.length > 0) {
      try {
        req.body = JSON.parse(raw.toString("utf8"));
      } catch {
        return next(new LedgerError("MALFORMED_REQUEST", "the body is not valid JSON", { field: "body" }));
      }
    }
    next();
  });

  const publicLimit = publicPerAddress(d.limits);
  for (const route of d.reads.filter((r) => r.auth === "public"))
    app[route.method ?? "get"](route.path, publicLimit, route.handler);

  const signed = express.Router();
  signed.use(authenticate(d.directory, d.nonces, d.verifier, d.authWindowSeconds, d.now, d.metrics));
  signed.use(perCaller(d.limits));
  for (const route of d.reads.filter((r) => r.auth === "signed"))
    signed[route.method ?? "get"](route.path, route.handler);
  mountWriteRoutes(signed, d.records);
  app.use(signed);

  app.use(notFoundHandler);
  app.use(errorHandler(d.logger));
  return app;
}
