import type { ErrorRequestHandler, RequestHandler } from "express";
import { ERROR_CODES, LedgerError, errorMessage, localizedDetail, type ErrorCode } from "../../../core/errors.ts";
import type { FieldIssue } from "../../../core/validate.ts";
import { ChainMismatchError, ChainUnavailableError } from "../chain/backend.ts";
import type { Logger } from "../logger.ts";
import { preferredLanguage } from "./language.ts";

/**
 * One place that turns failures into HTTP answers:
 *   { "error": { "code": "PRICE_ABOVE_CAP", "message": "…", "detail": "…", "details": {…} } }
 * with the message in the caller's language and the status the code's table entry gives
 * (core/errors.ts): the layers below throw `LedgerError` only. Malformed input never becomes a 5xx.
 */

export const RETRY_AFTER_SECONDS = 5;

function classify(err: unknown): { code: ErrorCode; detail?: string; details?: Record<string, unknown> } {
  if (err instanceof LedgerError)
    return { code: err.code, detail: err.detail, details: err.details ? { ...err.details } : undefined };
  if (err instanceof ChainUnavailableError)
    return { code: "CHAIN_UNAVAILABLE", details: { retryAfterSeconds: RETRY_AFTER_SECONDS } };
  if (err instanceof ChainMismatchError)
    return { code: "CHAIN_MISMATCH", detail: err.message, details: { backend: err.backend } };
  const e = err as { type?: string; status?: number; statusCode?: number; limit?: unknown };
  if (e?.type === "entity.too.large")
    return {
      code: "PAYLOAD_TOO_LARGE",
      detail: `the body is larger than ${String(e.limit)} bytes`,
      details: { limitBytes: e.limit },
    };
  if (e?.type === "entity.parse.failed" || err instanceof SyntaxError)
    return { code: "MALFORMED_REQUEST", detail: "the body is not valid JSON", details: { field: "body" } };
  const status = e?.status ?? e?.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500)
    return { code: "MALFORMED_REQUEST", details: { field: "body" } };
  return { code: "INTERNAL" };
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const { code, detail, details } = classify(err);
    const spec = ERROR_CODES[code];
    res.locals.errorCode = code; // for the request's log line
    if (code === "INTERNAL") logger.error({ err, path: req.path }, "unhandled error");
    else logger.debug({ code, path: req.path }, "request rejected");
    if (code === "CHAIN_UNAVAILABLE") res.set("Retry-After", String(RETRY_AFTER_SECONDS));
    const lang = preferredLanguage(req);
    let localized = details;
    if (lang === "zh" && details && Array.isArray(details.issuesZh))
      localized = { ...details, issues: details.issuesZh };
    if (localized && "issuesZh" in localized) {
      const { issuesZh: _zh, ...rest } = localized;
      localized = rest;
    }
    const said = code === "INTERNAL" ? undefined : localizedDetail(detail, details, lang);
    res.status(spec.http).json({
      error: {
        code,
        message: errorMessage(code, lang),
        ...(said ? { detail: said } : {}),
        ...(localized ? { details: localized } : {}),
      },
    });
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) =>
  next(new LedgerError("ROUTE_NOT_FOUND", `${req.method} ${req.path}`, { method: req.method, path: req.path }));

export type { FieldIssue };
