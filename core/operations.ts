import type { z } from "zod";
import type { Role } from "./records/common.ts";
import { Actor } from "./records/actor.ts";
import { Anchor } from "./records/anchor.ts";
import { DestructionCertificate } from "./records/destruction.ts";
import { Complaint, ComplaintHandling } from "./records/complaint.ts";
import { Objection, ObjectionAnswer } from "./records/objection.ts";
import { BlacklistEntry, Evaluation } from "./records/governance.ts";
import { Alert } from "./records/alert.ts";
import { ExitNotice, Grant, GrantAction, GrantClosure, GrantExit, GrantSuspension } from "./records/grant.ts";
import { LineageHop } from "./records/lineage.ts";
import { PartnerAdmission, PartnerApproval, PartnerRevocation } from "./records/partner.ts";
import { PriceCap, Product, ProductDelisting, ProductListing, ProductRepricing } from "./records/product.ts";
import { ReportIssue } from "./records/report.ts";
import { RevenueGuidance, RevenueMaximum, RevenueReport } from "./records/revenue.ts";
import { Resource, ResourceReview, ResourceVersion, ResourceWithdrawal } from "./records/resource.ts";
import { ServiceList } from "./records/service-list.ts";

/**
 * Every write of the rulebook. An operation is submitted as a signed record (see record.ts)
 * whose `op` names it and whose `body` matches its schema. The table says which kind of record
 * the operation creates or changes, how to find that record's id in the body, which roles may
 * author it, whether it creates a new record (ids of creations are unique, which also stops
 * replays of the signed record), and the past-tense event both chains emit once it is accepted.
 *
 * Roles are the first gate only: each operation has further rules (docs/RULEBOOK.md).
 */
export const RECORD_KINDS = [
  "actor",
  "resource",
  "resource-review",
  "grant",
  "exit-notice",
  "partner",
  "price-cap",
  "product",
  "report",
  "hop",
  "certificate",
  "blacklist",
  "evaluation",
  "anchor",
  "complaint",
  "objection",
  "alert",
  "service-list",
  "revenue",
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

interface OperationSpec<S extends z.ZodType> {
  readonly kind: RecordKind;
  readonly body: S;
  readonly roles: readonly Role[];
  readonly creates: boolean;
  readonly event: string;
  readonly recordId: (body: z.infer<S>) => string;
}

function op<S extends z.ZodType>(spec: OperationSpec<S>): OperationSpec<S> {
  return spec;
}

// The table the rest of the code derives from, one operation a line (not reflowed by the formatter).
// prettier-ignore
export const OPERATIONS = {
  "actor.bootstrap": op({ kind: "actor", body: Actor, roles: [], creates: true, event: "AgencyBootstrapped", recordId: (b) => b.orgId }),
  "actor.register": op({ kind: "actor", body: Actor, roles: ["agency"], creates: true, event: "ActorRegistered", recordId: (b) => b.orgId }),

  "resource.review": op({ kind: "resource-review", body: ResourceReview, roles: ["source-unit"], creates: false, event: "ResourceReviewed", recordId: (b) => b.resourceId }),
  "resource.register": op({ kind: "resource", body: Resource, roles: ["agency"], creates: true, event: "ResourceRegistered", recordId: (b) => b.id }),
  "resource.version": op({ kind: "resource", body: ResourceVersion, roles: ["agency"], creates: false, event: "ResourceVersionPublished", recordId: (b) => b.resourceId }),
  "resource.withdraw": op({ kind: "resource", body: ResourceWithdrawal, roles: ["agency"], creates: false, event: "ResourceWithdrawn", recordId: (b) => b.resourceId }),

  "grant.issue": op({ kind: "grant", body: Grant, roles: ["agency"], creates: true, event: "GrantIssued", recordId: (b) => b.id }),
  "grant.suspend": op({ kind: "grant", body: GrantSuspension, roles: ["agency"], creates: false, event: "GrantSuspended", recordId: (b) => b.grantId }),
  "grant.resume": op({ kind: "grant", body: GrantAction, roles: ["agency"], creates: false, event: "GrantResumed", recordId: (b) => b.grantId }),
  "grant.revoke": op({ kind: "grant", body: GrantAction, roles: ["agency"], creates: false, event: "GrantRevoked", recordId: (b) => b.grantId }),
  "grant.exitNotice": op({ kind: "exit-notice", body: ExitNotice, roles: ["operator"], creates: false, event: "ExitNoticeFiled", recordId: (b) => b.grantId }),
  "grant.exit": op({ kind: "grant", body: GrantExit, roles: ["agency"], creates: false, event: "GrantExitStarted", recordId: (b) => b.grantId }),
  "grant.close": op({ kind: "grant", body: GrantClosure, roles: ["agency"], creates: false, event: "GrantClosed", recordId: (b) => b.grantId }),

  "partner.propose": op({ kind: "partner", body: PartnerAdmission, roles: ["operator"], creates: true, event: "PartnerProposed", recordId: (b) => b.id }),
  "partner.approve": op({ kind: "partner", body: PartnerApproval, roles: ["agency"], creates: false, event: "PartnerApproved", recordId: (b) => b.admissionId }),
  "partner.revoke": op({ kind: "partner", body: PartnerRevocation, roles: ["agency", "operator"], creates: false, event: "PartnerRevoked", recordId: (b) => b.admissionId }),

  "cap.set": op({ kind: "price-cap", body: PriceCap, roles: ["agency"], creates: false, event: "PriceCapSet", recordId: (b) => `${b.domain}/${b.chargeUnit}` }),
  "product.register": op({ kind: "product", body: Product, roles: ["operator"], creates: true, event: "ProductRegistered", recordId: (b) => b.id }),
  "product.reprice": op({ kind: "product", body: ProductRepricing, roles: ["operator"], creates: false, event: "ProductRepriced", recordId: (b) => b.productId }),
  "report.issue": op({ kind: "report", body: ReportIssue, roles: ["agency"], creates: true, event: "ReportIssued", recordId: (b) => b.reportHash }),
  "product.list": op({ kind: "product", body: ProductListing, roles: ["exchange"], creates: false, event: "ProductListed", recordId: (b) => b.productId }),
  "product.delist": op({ kind: "product", body: ProductDelisting, roles: ["exchange"], creates: false, event: "ProductDelisted", recordId: (b) => b.productId }),
  "revenue.setMaximum": op({ kind: "revenue", body: RevenueMaximum, roles: ["agency"], creates: false, event: "RevenueMaximumSet", recordId: (b) => `${b.operator}/${b.year}` }),
  "revenue.report": op({ kind: "revenue", body: RevenueReport, roles: ["operator"], creates: false, event: "RevenueReported", recordId: (b) => `${b.operator}/${b.year}` }),
  "revenue.guide": op({ kind: "revenue", body: RevenueGuidance, roles: ["agency"], creates: false, event: "RevenueGuidanceRecorded", recordId: (b) => `${b.operator}/${b.year}` }),
  "serviceList.publish": op({ kind: "service-list", body: ServiceList, roles: ["operator"], creates: false, event: "ServiceListPublished", recordId: (b) => b.operator }),

  "lineage.hop": op({ kind: "hop", body: LineageHop, roles: ["operator", "partner"], creates: true, event: "HopRecorded", recordId: (b) => b.id }),
  "destruction.certify": op({ kind: "certificate", body: DestructionCertificate, roles: ["operator", "partner"], creates: true, event: "DestructionCertified", recordId: (b) => b.id }),

  "blacklist.add": op({ kind: "blacklist", body: BlacklistEntry, roles: ["agency"], creates: false, event: "OrganisationBlacklisted", recordId: (b) => b.orgId }),
  "evaluation.record": op({ kind: "evaluation", body: Evaluation, roles: ["agency"], creates: false, event: "EvaluationRecorded", recordId: (b) => `${b.grantId}/${b.year}` }),
  "anchor.checkpoint": op({ kind: "anchor", body: Anchor, roles: ["agency"], creates: false, event: "CheckpointAnchored", recordId: (b) => `${b.origin}/${b.treeSize}` }),

  "complaint.lodge": op({ kind: "complaint", body: Complaint, roles: ["agency"], creates: true, event: "ComplaintLodged", recordId: (b) => b.id }),
  "complaint.handle": op({ kind: "complaint", body: ComplaintHandling, roles: ["supervisor"], creates: false, event: "ComplaintHandled", recordId: (b) => b.complaintId }),
  "objection.file": op({ kind: "objection", body: Objection, roles: ["consumer", "operator", "partner"], creates: true, event: "ObjectionFiled", recordId: (b) => b.id }),
  "alert.raise": op({ kind: "alert", body: Alert, roles: ["agency"], creates: true, event: "AlertRaised", recordId: (b) => b.id }),
  "objection.answer": op({ kind: "objection", body: ObjectionAnswer, roles: ["source-unit"], creates: false, event: "ObjectionAnswered", recordId: (b) => b.objectionId }),
} as const;

export type OperationName = keyof typeof OPERATIONS;
export const OPERATION_NAMES = Object.keys(OPERATIONS) as OperationName[];
export type OperationBody<O extends OperationName> = z.infer<(typeof OPERATIONS)[O]["body"]>;

export function isOperationName(value: unknown): value is OperationName {
  return typeof value === "string" && Object.hasOwn(OPERATIONS, value);
}

/** Fabric function name of an operation: "grant.issue" → "grant:issue" (contract:function). */
export function fabricFunctionName(op: OperationName): string {
  return op.replace(".", ":");
}
