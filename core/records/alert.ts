import { z } from "zod";
import { Hash, Id, Text, uniqueList } from "./common.ts";

/**
 * Risk alerts (数据风险评估): the service raises a signed alert about a grant from what it sees,
 * citing the records behind it; the agency may suspend the grant from the alert (the emergency
 * stop of 应急处置), and the alert then records what was done and when.
 */
export const ALERT_SIGNALS = [
  "volume-exceeded",
  "recipient-rate-exceeded",
  "sensitive-input-delivered",
  "leak-attributed",
  "read-rate-exceeded",
] as const;
export type AlertSignal = (typeof ALERT_SIGNALS)[number];
export const ALERT_ACTIONS = ["grant-suspended"] as const;

export const AlertEvidence = z.strictObject({ kind: Text(32), id: Text(64), recordHash: Hash });

export const Alert = z.strictObject({
  id: Id,
  grantId: Id,
  signal: z.enum(ALERT_SIGNALS),
  summary: Text(512),
  evidence: uniqueList(AlertEvidence, 1, 32, "evidence records"),
});
export type Alert = z.infer<typeof Alert>;
