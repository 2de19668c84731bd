import { ROLES } from "../../../../core/records/common.ts";
import { COMPLAINT_OUTCOMES, COMPLAINT_STATUSES, COMPLAINT_SUBJECTS } from "../../../../core/records/complaint.ts";
import { OBJECTION_CATEGORIES, OBJECTION_DECISIONS } from "../../../../core/records/objection.ts";
import { ALERT_ACTIONS, ALERT_SIGNALS } from "../../../../core/records/alert.ts";
import { ASSET_CLASSES } from "../../../../core/records/destruction.ts";
import { EVALUATION_GRADES } from "../../../../core/records/governance.ts";
import { EXIT_KINDS, GRANT_STATUSES } from "../../../../core/records/grant.ts";
import { ENVIRONMENTS, HOP_OPERATIONS } from "../../../../core/records/lineage.ts";
import { PARTNER_STATUSES } from "../../../../core/records/partner.ts";
import { PRICING_MODELS, PRODUCT_STATUSES } from "../../../../core/records/product.ts";
import { REPORT_VERDICTS } from "../../../../core/records/report.ts";
import { GUIDANCE_STATUSES, REVENUE_BANDS } from "../../../../core/records/revenue.ts";
import { REVIEW_DECISIONS, UPDATE_FREQUENCIES } from "../../../../core/records/resource.ts";

/**
 * The one convention for enumerations on the EVM: a value is its index in the core/records list
 * plus one, and 0 means "none" (an unset storage slot). contracts/RegistryBase.sol names every
 * value with the prefix given here (ROLE_AGENCY = 1, …); test/contracts/enumerations.test.ts
 * checks the constants against these lists, so a reordered list fails there.
 */
export const EVM_ENUMERATIONS = {
  ROLE: ROLES,
  GRANT: GRANT_STATUSES,
  EXIT: EXIT_KINDS,
  PARTNER: PARTNER_STATUSES,
  PRODUCT: PRODUCT_STATUSES,
  PRICING: PRICING_MODELS,
  REVIEW: REVIEW_DECISIONS,
  OP: HOP_OPERATIONS,
  ENV: ENVIRONMENTS,
  ASSET: ASSET_CLASSES,
  EVAL: EVALUATION_GRADES,
  FREQ: UPDATE_FREQUENCIES,
  SUBJECT: COMPLAINT_SUBJECTS,
  CASE: COMPLAINT_STATUSES,
  OUTCOME: COMPLAINT_OUTCOMES,
  CATEGORY: OBJECTION_CATEGORIES,
  DECISION: OBJECTION_DECISIONS,
  SIGNAL: ALERT_SIGNALS,
  ACTION: ALERT_ACTIONS,
  VERDICT: REPORT_VERDICTS,
  BAND: REVENUE_BANDS,
  GUIDANCE: GUIDANCE_STATUSES,
} as const;

/** The EVM value of `value` in `list` (index + 1); throws for a value the list lacks. */
export function toEvmEnum<T extends string>(list: readonly T[], value: T): number {
  const index = list.indexOf(value);
  if (index < 0) throw new RangeError(`"${value}" is not one of ${list.join(", ")}`);
  return index + 1;
}

/** The list value of an EVM enumeration, or undefined for 0 (none) and out-of-range values. */
export function fromEvmEnum<T extends string>(list: readonly T[], value: number | bigint): T | undefined {
  const n = Number(value);
  return n >= 1 && n <= list.length ? list[n - 1] : undefined;
}
