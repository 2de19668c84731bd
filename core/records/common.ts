import { z } from "zod";
import { usccProblem } from "../uscc.ts";

/**
 * Building blocks of every record schema. Limits are part of the rulebook: they keep records
 * small enough for chain storage and give both chain variants the same bounds.
 */

/** Record identifiers: ASCII, at most 31 bytes so the EVM variant can store them as bytes32. */
export const Id = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]{0,30}$/,
    "must be 1–31 characters: letters, digits, '.', '_', ':' or '-', starting with a letter or digit",
  );

export const OrgId = z.string().superRefine((value, ctx) => {
  const problem = usccProblem(value);
  if (problem === undefined) return;
  const why = {
    length: "must be exactly 18 characters",
    alphabet:
      "uses characters outside the GB 32100 alphabet (digits and capitals except I, O, Z, S, V; positions 3–8 are digits)",
    authority: "starts with an unknown registration authority code",
    "check-character": "has a wrong check character (GB 32100-2015)",
  }[problem];
  ctx.addIssue({ code: "custom", message: `is not a unified social credit code: it ${why}` });
});

/** An SM3 (or SHA-256, where an external standard fixes it) digest: 64 lowercase hex. */
export const Hash = z.string().regex(/^[0-9a-f]{64}$/, "must be a 32-byte hash as 64 lowercase hex characters");

/** Unix time in whole seconds, up to the year 9999. */
export const Timestamp = z.number().int("must be whole seconds").min(0).max(253_402_300_799);

export const PublicKeyHex = z
  .string()
  .regex(/^04[0-9a-f]{128}$/, "must be an uncompressed SM2 public key: 04 followed by 128 lowercase hex characters");

export const SignatureHex = z
  .string()
  .regex(/^[0-9a-f]{128}$/, "must be an SM2 signature r‖s as 128 lowercase hex characters");

export const EvmAddress = z
  .string()
  .regex(/^0x[0-9a-f]{40}$/, "must be an EVM address: 0x and 40 lowercase hex characters");

/**
 * Free text. No transforms (no trimming): a schema must accept or reject the signed bytes as
 * they are, or the hash of the parsed record would differ from the hash that was signed.
 */
export const Text = (max: number) =>
  z
    .string()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`)
    .refine((s) => s.trim() === s, "must not start or end with white space");

/** A reference to an external document (consent, assessment, agreement) by its number or URI. */
export const Reference = Text(128);

export const Domain = z.enum(["finance", "trade", "health", "urban-governance"]);
export type Domain = z.infer<typeof Domain>;

export const ROLES = ["agency", "source-unit", "operator", "partner", "exchange", "supervisor", "consumer"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const FieldName = Text(64);

/** A non-empty list without repeats. */
export function uniqueList<T extends z.ZodType>(item: T, min: number, max: number, what: string) {
  return z
    .array(item)
    .min(min, `must list at least ${min} ${what}`)
    .max(max, `must list at most ${max} ${what}`)
    .refine((list) => new Set(list.map((x) => JSON.stringify(x))).size === list.length, `must not repeat ${what}`);
}

/** The resource/field scope used by grants and partner admissions. */
export const ScopeEntry = z.strictObject({
  resourceId: Id,
  fields: uniqueList(FieldName, 1, 255, "fields"),
});
export type ScopeEntry = z.infer<typeof ScopeEntry>;

export const Scope = z
  .array(ScopeEntry)
  .min(1, "must grant at least one resource")
  .max(64, "must list at most 64 resources")
  .refine((s) => new Set(s.map((e) => e.resourceId)).size === s.length, "must list each resource once");
