import type { AssetClass } from "./records/destruction.ts";
import type { ComplaintOutcome, ComplaintStatus } from "./records/complaint.ts";
import type { ObjectionDecision, ObjectionStatus } from "./records/objection.ts";
import type { GrantStatus } from "./records/grant.ts";
import type { PartnerStatus } from "./records/partner.ts";
import type { ChargeUnit, ProductStatus } from "./records/product.ts";
import type { Role } from "./records/common.ts";
import type { RecordKind } from "./operations.ts";

/**
 * The state views both chain variants answer in the same shape: what the rules themselves
 * read and write. The conformance suite compares these between variants; the ledger service
 * keeps richer records in its indexes, rebuilt from the signed records in chain events.
 * Absent times are 0.
 */
export interface ActorView {
  kind: "actor";
  orgId: string;
  role: Role;
  publicKey: string;
}
export interface ResourceView {
  kind: "resource";
  id: string;
  status: "active" | "withdrawn";
  version: number;
  grade: number;
  fieldCount: number;
  updateFrequency: "daily" | "monthly" | "quarterly" | "annual";
  /** When the current version (or the registration) was accepted. */
  lastVersionAt: number;
  /** The last on-time second of the next version (core/time.ts nextVersionDue). */
  nextVersionDue: number;
  /** Versions accepted after their due second. */
  lateVersions: number;
}
export interface GrantView {
  kind: "grant";
  id: string;
  grantee: string;
  status: GrantStatus;
  validFrom: number;
  validUntil: number;
  /** When the grant ended (revocation or the start of an exit); 0 while it has not. */
  endedAt: number;
  exitKind: "voluntary" | "violation" | "expiry" | "";
  exitNoticeAt: number;
}
export interface PartnerView {
  kind: "partner";
  id: string;
  grantId: string;
  partner: string;
  status: PartnerStatus;
  validUntil: number;
}
export interface PriceCapView {
  kind: "price-cap";
  domain: string;
  chargeUnit: ChargeUnit;
  maxPriceFen: number;
}
/** A verification report the service issued (report.issue), by its hash. */
export interface ReportView {
  kind: "report";
  id: string;
  productId: string;
  verdict: "pass" | "fail";
  issuedAt: number;
  /** Whether it is the latest report issued for its product (the one a listing may name). */
  latest: boolean;
  /** The hash of the latest report issued for its product. */
  latestReportHash: string;
}
export interface ProductView {
  kind: "product";
  id: string;
  grantId: string;
  operator: string;
  status: ProductStatus;
  model: "public-welfare" | "industry";
  chargeUnit: ChargeUnit;
  priceFen: number;
  hopCount: number;
  reportHash: string;
}
export interface HopView {
  kind: "hop";
  id: string;
  grantId: string;
  productId: string;
  actor: string;
  outputHash: string;
  outputGrade: number;
}
export interface CertificateView {
  kind: "certificate";
  id: string;
  grantId: string;
  holder: string;
  assetClass: AssetClass;
  late: boolean;
}
export interface BlacklistView {
  kind: "blacklist";
  orgId: string;
  bannedUntil: number;
}
export interface EvaluationView {
  kind: "evaluation";
  grantId: string;
  year: number;
  grade: "excellent" | "qualified" | "unqualified";
}
/**
 * An operator's product and service list duty: published at least every 91 days
 * (core/time.ts serviceListDue), the clock starting at its first product's registration.
 */
export interface ServiceListView {
  kind: "service-list";
  operator: string;
  /** When the duty started: the operator's first product registration. */
  since: number;
  /** When the latest list was accepted; 0 before the first. */
  publishedAt: number;
  entryCount: number;
  publications: number;
  /** Lists accepted after their due second. */
  lateLists: number;
  /** The last on-time second of the next list. */
  nextListDue: number;
}
/**
 * An operator's permitted revenue for a year (收益分配机制): the agency's maximum, the operator's
 * report and the deviation between them; in the lower band (≤ 10 %), the guidance item.
 */
export interface RevenueView {
  kind: "revenue";
  operator: string;
  year: number;
  /** The domains the maximum covers: a report above 10 % holds prices in these. */
  domains: string[];
  operatingCostFen: number;
  permittedProfitFen: number;
  taxFen: number;
  /** Operating cost + permitted profit + tax. */
  maximumFen: number;
  /** When the agency last set the maximum. */
  setAt: number;
  /** When the operator filed its actual revenue; 0 before. */
  reportedAt: number;
  actualRevenueFen: number;
  /** ⌈|actual − maximum| × 10000 / maximum⌉; 0 before the report. */
  deviationBp: number;
  /** "" before the report. */
  band: "" | "guidance" | "cap-adjustment";
  /** The lower band's item: open until the operator reprices or the agency guides; "" otherwise. */
  guidance: "" | "open" | "repriced" | "guided";
  /** When the guidance item was closed; 0 while open. */
  guidanceClosedAt: number;
}
export interface AnchorView {
  kind: "anchor";
  origin: string;
  treeSize: number;
  rootHash: string;
  checkpointHash: string;
}

/** A complaint as the chain keeps it: the subject and the commitment, never the content. */
export interface ComplaintView {
  kind: "complaint";
  id: string;
  subjectKind: "product" | "operator";
  subjectId: string;
  commitment: string;
  lodgedAt: number;
  /** The last second on which the outcome is on time (core/time.ts complaintDeadline). */
  deadline: number;
  status: ComplaintStatus;
  outcome: ComplaintOutcome | "";
  concludedAt: number;
  /** Concluded after the deadline. */
  late: boolean;
}

/** A data-quality objection against one version of a resource. */
export interface ObjectionView {
  kind: "objection";
  id: string;
  resourceId: string;
  version: number;
  filer: string;
  category: "accuracy" | "completeness" | "timeliness" | "consistency" | "other";
  filedAt: number;
  /** The last second on which the answer is on time (core/time.ts objectionDeadline). */
  deadline: number;
  status: ObjectionStatus;
  decision: ObjectionDecision | "";
  answeredAt: number;
  /** Answered after the deadline. */
  late: boolean;
}

/** A risk alert: the grant it concerns, its signal, and what the agency did from it. */
export interface AlertView {
  kind: "alert";
  id: string;
  grantId: string;
  signal:
    | "volume-exceeded"
    | "recipient-rate-exceeded"
    | "sensitive-input-delivered"
    | "leak-attributed"
    | "read-rate-exceeded";
  raisedAt: number;
  action: "grant-suspended" | "";
  actedAt: number;
}

export type StateView =
  | ActorView
  | ResourceView
  | GrantView
  | PartnerView
  | PriceCapView
  | ProductView
  | ReportView
  | HopView
  | CertificateView
  | BlacklistView
  | EvaluationView
  | AnchorView
  | ComplaintView
  | ObjectionView
  | AlertView
  | ServiceListView
  | RevenueView;

/** What is missing for a grant past its destruction deadline. */
export interface OverdueGrant {
  grantId: string;
  endedAt: number;
  deadline: number;
  missing: { holder: string; assetClass: AssetClass }[];
}

/**
 * How to address a view: by kind and id. Ids of composite records: price caps
 * "<domain>/<chargeUnit>", evaluations "<grantId>/<year>", anchors "<origin>" (the latest),
 * service lists the operator's org id, revenue "<operator>/<year>".
 */
export interface ViewKey {
  kind: Exclude<RecordKind, "resource-review" | "exit-notice">;
  id: string;
}
