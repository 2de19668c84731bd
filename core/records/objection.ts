import { z } from "zod";
import { Hash, Id, Text } from "./common.ts";

/**
 * Data-quality objections (异议处置): a consumer, the operator or a partner objects to a version
 * of a resource; one of the resource's source units answers within 15 days. Unanswered
 * objections past their deadline are overdue, and the listing verification report of every
 * product built on that version shows them.
 */
export const OBJECTION_CATEGORIES = ["accuracy", "completeness", "timeliness", "consistency", "other"] as const;
export const OBJECTION_DECISIONS = ["corrected", "explained", "rejected"] as const;
export const OBJECTION_STATUSES = ["open", "answered"] as const;
export type ObjectionDecision = (typeof OBJECTION_DECISIONS)[number];
export type ObjectionStatus = (typeof OBJECTION_STATUSES)[number];

export const Objection = z.strictObject({
  id: Id,
  resourceId: Id,
  version: z.number().int().min(1).max(1_000_000),
  category: z.enum(OBJECTION_CATEGORIES),
  summary: Text(512),
  /** SM3 of the objection's evidence (sample records, the comparison), kept off chain. */
  evidenceHash: Hash,
});
export type Objection = z.infer<typeof Objection>;

export const ObjectionAnswer = z.strictObject({
  objectionId: Id,
  decision: z.enum(OBJECTION_DECISIONS),
  /** SM3 of the source unit's answer (the correction made, or why the data stands). */
  answerHash: Hash,
});
export type ObjectionAnswer = z.infer<typeof ObjectionAnswer>;
