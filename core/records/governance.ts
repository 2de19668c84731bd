import { z } from "zod";
import { Hash, Id, OrgId, Text } from "./common.ts";

/** Blacklist entry (黑名单): a 5-year market ban, recorded by the agency. */
export const BlacklistEntry = z.strictObject({
  orgId: OrgId,
  reason: Text(512),
  grantId: Id.optional(),
});
export type BlacklistEntry = z.infer<typeof BlacklistEntry>;

/** Annual evaluation (年度评估): three consecutive "unqualified" years revoke the grant. */
export const EVALUATION_GRADES = ["excellent", "qualified", "unqualified"] as const;
export const Evaluation = z.strictObject({
  grantId: Id,
  year: z.number().int().min(2000).max(2200),
  grade: z.enum(EVALUATION_GRADES),
  reportHash: Hash,
});
export type Evaluation = z.infer<typeof Evaluation>;
