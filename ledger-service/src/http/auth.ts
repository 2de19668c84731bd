import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { SignatureVerifier } from "../crypto/sm2-verifier.ts";
import type { Caller } from "../domain/access.ts";
import type { NonceStore } from "./nonce-store.ts";
import { HEADERS, canonicalRequest, recordSignatureOf } from "../../../core/request-signing.ts";
import { LedgerError } from "../../../core/errors.ts";
import { parseSignedRecord, recordBytes, recordHash } from "../../../core/record.ts";
import type { Metrics } from "../metrics.ts";

export interface ActorDirectory {
  actor(orgId: string): Promise<{ orgId: string; role: string; publicKey: string } | undefined>;
}

declare module "express-serve-static-core" {
  interface Request {
    caller?: Caller;
    rawBody?: Buffer;
  }
}

const NONCE = /^[0-9a-f]{32}$/;
const TIMESTAMP = /^[0-9]{1,12}$/;

/**
 * Verifies the PDL1-SM2-SM3 request signature (see core/request-signing.ts): known actor, fresh
 * timestamp (±window), unused nonce, valid signature over the canonical request, or, for a write
 * whose body is exactly a signed record of the caller carrying that record's signature, valid
 * signature over the record (then passed on in `caller.verifiedRecord`, so the write is verified
 * once). The nonce is claimed only after the signature verifies, so forged requests cannot burn
 * nonces.
 */
export function authenticate(
  directory: ActorDirectory,
  nonces: NonceStore,
  verifier: SignatureVerifier,
  windowSeconds: number,
  now: () => number,
  metrics?: Metrics,
): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    void (async () => {
      const actor = req.get(HEADERS.actor);
      const timestamp = req.get(HEADERS.timestamp);
      const nonce = req.get(HEADERS.nonce);
      const signature = req.get(HEADERS.signature);
      const missing = (Object.keys(HEADERS) as (keyof typeof HEADERS)[]).find((h) => !req.get(HEADERS[h]));
      if (!actor || !timestamp || !nonce || !signature || missing)
        throw new LedgerError("AUTH_REQUIRED", `no ${HEADERS[missing ?? "actor"]} header`, {
          header: HEADERS[missing ?? "actor"],
        });
      if (!TIMESTAMP.test(timestamp))
        throw new LedgerError("AUTH_REQUIRED", "the timestamp header is not Unix seconds", {
          header: HEADERS.timestamp,
        });
      if (!NONCE.test(nonce))
        throw new LedgerError("AUTH_REQUIRED", "malformed nonce header", { header: HEADERS.nonce });
      const ts = Number(timestamp);
      const current = now();
      if (Math.abs(current - ts) > windowSeconds)
        throw new LedgerError("AUTH_CLOCK_SKEW", `the request was signed at ${ts}`, {
          serverTime: current,
          maxSkewSeconds: windowSeconds,
        });
      const known = await directory.actor(actor);
      if (!known) throw new LedgerError("AUTH_SIGNATURE_INVALID", `unknown actor ${actor}`, { actor });
      let verifiedRecord: Caller["verifiedRecord"];
      if (recordSignatureOf(req.method, req.body, actor) === signature) {
        // A malformed record is refused here as it would be by the route, naming its field.
        const signed = parseSignedRecord(req.body);
        const { record } = signed;
        req.body = signed; // the route takes the record as validated here
        metrics?.sm2Verifications.inc({ signed: "record" });
        if (!(await verifier.verify(recordBytes(record), signature, known.publicKey)))
          throw new LedgerError("AUTH_SIGNATURE_INVALID", `the record's signature is not ${actor}'s`, { actor });
        verifiedRecord = { hash: recordHash(record), signature, publicKey: known.publicKey };
      } else {
        const message = canonicalRequest({
          method: req.method,
          pathAndQuery: req.originalUrl,
          body: req.rawBody ?? Buffer.alloc(0),
          timestamp: ts,
          nonce,
          actor,
        });
        metrics?.sm2Verifications.inc({ signed: "request" });
        if (!(await verifier.verify(message, signature, known.publicKey)))
          throw new LedgerError("AUTH_SIGNATURE_INVALID", `the request's signature is not ${actor}'s`, { actor });
      }
      if (!(await nonces.claim(actor, nonce, current)))
        throw new LedgerError("AUTH_NONCE_REPLAYED", `nonce ${nonce}`, { actor, nonce });
      req.caller = { orgId: known.orgId, role: known.role, ...(verifiedRecord ? { verifiedRecord } : {}) };
    })().then(() => next(), next);
  };
}
