import { sm3Hex } from "./crypto/sm3.ts";

/**
 * The request-signing scheme (PDL1-SM2-SM3). Every non-public request carries four headers:
 *
 *   X-PDL-Actor:     the caller's unified social credit code
 *   X-PDL-Timestamp: Unix seconds; the service accepts ±5 minutes
 *   X-PDL-Nonce:     16 random bytes as 32 lowercase hex; never reused by the same actor
 *   X-PDL-Signature: SM2 (user ID 1234567812345678) over the canonical string, 128 hex r‖s
 *
 * The canonical string is these lines joined by "\n" (no trailing newline):
 *
 *   PDL1-SM2-SM3
 *   <HTTP method, upper case>
 *   <path and query exactly as sent, e.g. /v1/grants/G-1?include=partners>
 *   <SM3 of the raw body bytes, lowercase hex (SM3 of the empty string when there is no body)>
 *   <timestamp>
 *   <nonce>
 *   <actor>
 */
export const SCHEME = "PDL1-SM2-SM3";

export const HEADERS = {
  actor: "x-pdl-actor",
  timestamp: "x-pdl-timestamp",
  nonce: "x-pdl-nonce",
  signature: "x-pdl-signature",
} as const;

export interface RequestToSign {
  readonly method: string;
  readonly pathAndQuery: string;
  readonly body: Uint8Array;
  readonly timestamp: number;
  readonly nonce: string;
  readonly actor: string;
}

/**
 * A write whose body is exactly one signed record by the caller, `{"record": {…, "actor": A},
 * "signature": S}` posted by A, may carry the record's own signature S as X-PDL-Signature instead
 * of a signature over the canonical string. The service then verifies one signature, not two:
 * the record's signature authenticates the body, its ids' uniqueness refuses a second landing
 * of the same record, and timestamp and nonce are still checked (a replayed request still meets
 * its used nonce). Any other body, and every read, needs the canonical-string signature.
 *
 * Returns S when `body` (the parsed JSON) has that shape for `method` and `actor`.
 */
export function recordSignatureOf(method: string, body: unknown, actor: string): string | undefined {
  if (method.toUpperCase() !== "POST" || typeof body !== "object" || body === null || Array.isArray(body))
    return undefined;
  const keys = Object.keys(body);
  if (keys.length !== 2 || !keys.includes("record") || !keys.includes("signature")) return undefined;
  const { record, signature } = body as { record: unknown; signature: unknown };
  if (typeof signature !== "string" || typeof record !== "object" || record === null) return undefined;
  return (record as { actor?: unknown }).actor === actor ? signature : undefined;
}

export function canonicalRequest(r: RequestToSign): string {
  return [SCHEME, r.method.toUpperCase(), r.pathAndQuery, sm3Hex(r.body), String(r.timestamp), r.nonce, r.actor].join(
    "\n",
  );
}
