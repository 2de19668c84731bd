import { z } from "zod";
import { Hash, Id, OrgId, Scope, Text, Timestamp, uniqueList } from "./common.ts";

/**
 * Partner admission (运营合作方准入), hanging off a grant: proposed by the operator with the
 * data-security joint-liability agreement (expert review item 7), approved by the agency,
 * never beyond the grant's scope or end date. `products` narrows the partner to some products;
 * an empty list means any product of the grant.
 */
export const PartnerAdmission = z.strictObject({
  id: Id,
  grantId: Id,
  partner: OrgId,
  scope: Scope,
  products: uniqueList(Id, 0, 64, "products"),
  validUntil: Timestamp,
  jointLiabilityHash: Hash,
});
export type PartnerAdmission = z.infer<typeof PartnerAdmission>;

export const PARTNER_STATUSES = ["proposed", "approved", "revoked"] as const;
export type PartnerStatus = (typeof PARTNER_STATUSES)[number];

export const PartnerApproval = z.strictObject({ admissionId: Id });
export type PartnerApproval = z.infer<typeof PartnerApproval>;

export const PartnerRevocation = z.strictObject({ admissionId: Id, reason: Text(512) });
export type PartnerRevocation = z.infer<typeof PartnerRevocation>;
