import type { Request, RequestHandler, Response } from "express";
import { ipKeyGenerator, rateLimit, type ValueDeterminingMiddleware } from "express-rate-limit";
import { LedgerError } from "../../../core/errors.ts";

/**
 * Per-caller rate limits (express-rate-limit, fixed windows in memory): a caller over its limit
 * is answered 429 RATE_LIMITED with Retry-After (seconds to the window's end), in the service's
 * error format. The counters hold one entry per key seen in the current window, so their memory
 * is bounded by the callers of one window.
 */
export interface RateLimits {
  readonly windowSeconds: number;
  readonly perCaller: number;
  readonly refusedPerAddress: number;
  readonly publicPerAddress: number;
}

const addressOf = (ip: string | undefined) => ipKeyGenerator(ip ?? "unknown");

function limiter(
  windowSeconds: number,
  limit: number,
  key: ValueDeterminingMiddleware<string>,
  what: string,
  countRefusedOnly = false,
): RequestHandler {
  return rateLimit({
    windowMs: windowSeconds * 1000,
    limit,
    keyGenerator: key,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    skipSuccessfulRequests: countRefusedOnly,
    // Addresses go through ipKeyGenerator (IPv6 by /56), which the source check cannot see.
    validate: { keyGeneratorIpFallback: false },
    // Only the client's own faults count as refusals. Not counted: a 429 (not another refusal);
    // a 404 (an answer: a client polling for its write's receipt sees 404 until it is indexed);
    // a 5xx (ours: the chain unavailable, the service failing). Otherwise a client whose writes met
    // an outage would be locked out of the reads that tell it what became of them.
    requestWasSuccessful: (_req, res) =>
      res.statusCode < 400 || res.statusCode === 404 || res.statusCode === 429 || res.statusCode >= 500,
    handler: (_req, _res, next) =>
      next(
        new LedgerError("RATE_LIMITED", `more than ${limit} ${what} in ${windowSeconds} s`, {
          limit,
          windowSeconds,
        }),
      ),
  });
}

/** Signed requests per authenticated caller (mounted after authentication). */
export function perCaller(limits: RateLimits): RequestHandler {
  return limiter(
    limits.windowSeconds,
    limits.perCaller,
    (req) => `caller:${req.caller?.orgId ?? addressOf(req.ip)}`,
    "requests from this organisation",
  );
}

/**
 * Refused requests (4xx answers but 404) per client address, before any signature is verified: a client
 * sending bad input (forged, malformed, replayed) is slowed down before it costs SM2 verifications.
 */
export function refusedPerAddress(limits: RateLimits): RequestHandler {
  return limiter(
    limits.windowSeconds,
    limits.refusedPerAddress,
    (req) => `refused:${addressOf(req.ip)}`,
    "refused requests from this address",
    true,
  );
}

/** Anchors on request per authenticated caller: each one costs a chain transaction. */
export function anchorRequestsPerCaller(limit: number, windowSeconds: number): RequestHandler {
  return limiter(
    windowSeconds,
    limit,
    (req) => `anchor:${req.caller?.orgId ?? addressOf(req.ip)}`,
    "anchor requests from this organisation",
  );
}

/** Unsigned requests to the public routes per client address. */
export function publicPerAddress(limits: RateLimits): RequestHandler {
  return limiter(
    limits.windowSeconds,
    limits.publicPerAddress,
    (req) => `public:${addressOf(req.ip)}`,
    "public requests from this address",
  );
}

/**
 * Complaints, the one write that needs no account: per client address and from everyone
 * together, each per hour, so that no sender can flood the supervisors or the chain. The
 * addresses live in the counters' memory for one window and are never written anywhere.
 */
export function complaintLimits(limits: { complaintsPerAddressPerHour: number; complaintsPerHour: number }) {
  const perAddress = limiter(
    3600,
    limits.complaintsPerAddressPerHour,
    (req) => `complaint:${addressOf(req.ip)}`,
    "complaints from this address",
  );
  const total = limiter(3600, limits.complaintsPerHour, () => "complaint:all", "complaints from everyone");
  const run = (handler: RequestHandler, req: Request, res: Response) =>
    new Promise<void>((ok, fail) => {
      void handler(req, res, (err?: unknown) => (err ? fail(err) : ok()));
    });
  return async (req: Request, res: Response): Promise<void> => {
    await run(perAddress, req, res);
    await run(total, req, res);
  };
}
