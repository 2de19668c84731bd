import sm2 from "sm-crypto/src/sm2/index.js";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "./canonical.ts";
import { sm3Hex } from "./crypto/sm3.ts";
import { sm4Open, sm4Seal } from "./crypto/sm4.ts";
import { Id, OrgId, Text } from "./records/common.ts";
import type { ComplaintView } from "./views.ts";

/**
 * The sealed form of a complaint (为举报人保密): the statement and any contact details are sealed
 * with a fresh SM4 key (SM4-CTR + HMAC-SM3, core/crypto/sm4.ts, the complaint id as associated
 * data), and that key is SM2-encrypted (GB/T 32918.4, C1C3C2) to each supervisor registered when
 * the complaint was lodged. Only the supervisors' private keys open it: not the service, not the
 * agency. The chain holds the SM3 commitment to the envelope's RFC 8785 form.
 */
export const ComplaintContent = z.strictObject({
  /** What happened, in the complainant's words. */
  text: Text(4000),
  /** How to reach the complainant, if they want to be reached. */
  contact: Text(200).optional(),
});
export type ComplaintContent = z.infer<typeof ComplaintContent>;

export const ENVELOPE_ALGORITHM = "SM4-CTR+HMAC-SM3;SM2-C1C3C2";

export const ComplaintEnvelope = z.strictObject({
  v: z.literal(1),
  alg: z.literal(ENVELOPE_ALGORITHM),
  complaintId: Id,
  /** base64 of the SM4-sealed content (version ‖ IV ‖ ciphertext ‖ tag). */
  sealed: z.string().regex(/^[A-Za-z0-9+/]+=*$/, "must be base64"),
  /** The content key SM2-encrypted to each supervisor, hex C1‖C3‖C2. */
  keys: z.array(z.strictObject({ orgId: OrgId, wrappedKey: z.string().regex(/^[0-9a-f]+$/) })).min(1),
});
export type ComplaintEnvelope = z.infer<typeof ComplaintEnvelope>;

/**
 * GET /v1/complaints/:complaintId/sealed: the envelope for a supervisor to open with its own key,
 * its commitment and whether that is the one on chain (the service cannot open it).
 */
export interface SealedComplaint {
  readonly envelope: ComplaintEnvelope;
  readonly commitment: string;
  readonly matchesChain: boolean;
  readonly complaint: ComplaintView;
}

export interface Recipient {
  readonly orgId: string;
  readonly publicKey: string;
}

export function sealComplaint(
  complaintId: string,
  content: ComplaintContent,
  supervisors: readonly Recipient[],
): ComplaintEnvelope {
  if (supervisors.length === 0) throw new RangeError("a complaint is sealed for at least one supervisor");
  const key = randomBytes(32);
  const sealed = sm4Seal(key, Buffer.from(canonicalJson(content), "utf8"), Buffer.from(complaintId, "utf8"));
  const keys = supervisors.map((s) => ({ orgId: s.orgId, wrappedKey: sm2.doEncrypt(key, s.publicKey, 1) }));
  key.fill(0);
  return { v: 1, alg: ENVELOPE_ALGORITHM, complaintId, sealed: sealed.toString("base64"), keys };
}

/** The commitment recorded on chain: SM3 over the envelope's canonical JSON. */
export function envelopeCommitment(envelope: ComplaintEnvelope): string {
  return sm3Hex(canonicalJson(envelope));
}

/**
 * Opens an envelope with a supervisor's private key. Throws when the envelope was not sealed for
 * `orgId`, the key does not decrypt it or the content was altered.
 */
export function openComplaint(envelope: ComplaintEnvelope, orgId: string, privateKey: string): ComplaintContent {
  const mine = envelope.keys.find((k) => k.orgId === orgId);
  if (!mine) throw new Error(`complaint ${envelope.complaintId} was not sealed for ${orgId}`);
  const key = Buffer.from(sm2.doDecrypt(mine.wrappedKey, privateKey, 1, { output: "array" }));
  if (key.length !== 32) throw new Error(`the key of complaint ${envelope.complaintId} does not decrypt with this key`);
  const plain = sm4Open(key, Buffer.from(envelope.sealed, "base64"), Buffer.from(envelope.complaintId, "utf8"));
  key.fill(0);
  return ComplaintContent.parse(JSON.parse(plain.toString("utf8")));
}
