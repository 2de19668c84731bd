import { z } from "zod";
import { Hash, Id, OrgId, Scope, Text, Timestamp, uniqueList } from "./common.ts";

/**
 * Grant (授权): whole authorization (整体授权) of resources and a field subset to one operator,
 * for permitted scenarios, for at most 5 years. It carries 数据加工使用权; the grantee can never
 * re-grant.
 */
export const Grant = z.strictObject({
  id: Id,
  grantee: OrgId,
  scope: Scope,
  scenarios: uniqueList(Text(128), 1, 32, "scenarios"),
  validFrom: Timestamp,
  validUntil: Timestamp,
  agreementHash: Hash,
});
export type Grant = z.infer<typeof Grant>;

export const GRANT_STATUSES = ["active", "suspended", "revoked", "exiting", "closed"] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

/** Suspend, resume or revoke: the agency's emergency stop and its reversal. */
export const GrantAction = z.strictObject({ grantId: Id, reason: Text(512) });
export type GrantAction = z.infer<typeof GrantAction>;

/** A suspension, from a risk alert when it names one (the alert then records the suspension). */
export const GrantSuspension = GrantAction.extend({ alertId: Id.optional() });
export type GrantSuspension = z.infer<typeof GrantSuspension>;

/** The operator's exit plan (退出方案), filed at least 3 months before a voluntary exit. */
export const ExitNotice = z.strictObject({ grantId: Id, planHash: Hash });
export type ExitNotice = z.infer<typeof ExitNotice>;

export const EXIT_KINDS = ["voluntary", "violation", "expiry"] as const;
export const GrantExit = z.strictObject({ grantId: Id, kind: z.enum(EXIT_KINDS), reason: Text(512) });
export type GrantExit = z.infer<typeof GrantExit>;

export const GrantClosure = z.strictObject({ grantId: Id });
export type GrantClosure = z.infer<typeof GrantClosure>;
