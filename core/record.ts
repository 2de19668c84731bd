import { z } from "zod";
import { canonicalBytes, contentHash } from "./canonical.ts";
import { sign, verify } from "./crypto/sm2.ts";
import { OPERATIONS, OPERATION_NAMES, type OperationBody, type OperationName } from "./operations.ts";
import { OrgId, SignatureHex } from "./records/common.ts";
import { validate } from "./validate.ts";

/**
 * The signed record: what an author submits, what both chains store and what the log anchors.
 *
 *   record = { v: 1, op, actor, nonce, body }          (canonical form: RFC 8785)
 *   hash   = SM3(canonical(record))                     (the record hash, lowercase hex)
 *   sig    = SM2-sign(canonical(record)), default ID    (r‖s, 128 lowercase hex)
 *
 * The nonce makes every signed record unique, so a record hash identifies one act of one
 * author; the chains refuse a record hash they have already accepted.
 */
export const RECORD_VERSION = 1;

export const Nonce = z.string().regex(/^[0-9a-f]{32}$/, "must be 16 random bytes as 32 lowercase hex characters");

const Envelope = z.strictObject({
  v: z.literal(RECORD_VERSION),
  op: z.enum(OPERATION_NAMES as [OperationName, ...OperationName[]]),
  actor: OrgId,
  nonce: Nonce,
  body: z.unknown(),
});

export interface SignedRecord<O extends OperationName = OperationName> {
  readonly record: LedgerRecord<O>;
  readonly signature: string;
}

export interface LedgerRecord<O extends OperationName = OperationName> {
  readonly v: typeof RECORD_VERSION;
  readonly op: O;
  readonly actor: string;
  readonly nonce: string;
  readonly body: OperationBody<O>;
}

/** Validates the envelope and the body against its operation's schema (INVALID_RECORD otherwise). */
export function parseRecord(value: unknown): LedgerRecord {
  const envelope = validate(Envelope, value, "record");
  const spec = OPERATIONS[envelope.op];
  const body = validate(spec.body as z.ZodType, envelope.body, "record.body");
  return { ...envelope, body } as LedgerRecord;
}

/**
 * What parseSignedRecord returned: deeply frozen, so it still is what was validated, and
 * passing it through another layer that validates (the route, then the chain adapter) costs
 * nothing the second time.
 */
const validated = new WeakSet<object>();

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export function parseSignedRecord(value: unknown): SignedRecord {
  if (typeof value === "object" && value !== null && validated.has(value)) return value as SignedRecord;
  const outer = validate(z.strictObject({ record: z.unknown(), signature: SignatureHex }), value, "signed record");
  const signed = deepFreeze({ record: parseRecord(outer.record), signature: outer.signature });
  validated.add(signed);
  return signed;
}

export function recordHash(record: LedgerRecord): string {
  return contentHash(record);
}

export function recordBytes(record: LedgerRecord): Buffer {
  return canonicalBytes(record);
}

/** The record's affected id (for events and indexes). */
export function recordId(record: LedgerRecord): string {
  const spec = OPERATIONS[record.op];
  return (spec.recordId as (b: unknown) => string)(record.body);
}

export function signRecord<O extends OperationName>(record: LedgerRecord<O>, privateKeyHex: string): SignedRecord<O> {
  return { record, signature: sign(recordBytes(record), privateKeyHex) };
}

export function verifyRecord(signed: SignedRecord, publicKeyHex: string): boolean {
  return verify(recordBytes(signed.record), signed.signature, publicKeyHex);
}
