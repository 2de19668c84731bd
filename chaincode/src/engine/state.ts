import type { AssetClass } from "../../../core/records/destruction.ts";
import type { ResourceField, UpdateFrequency } from "../../../core/records/resource.ts";
import type { ScopeEntry } from "../../../core/records/common.ts";
import type { Actor } from "../../../core/records/actor.ts";
import type {
  AlertView,
  ComplaintView,
  ObjectionView,
  GrantView,
  PartnerView,
  ProductView,
  RevenueView,
  ServiceListView,
} from "../../../core/views.ts";

/**
 * What the chaincode keeps in world state, by composite-key object type. Records are stored
 * as the rules need them; the signed records themselves travel in the transaction's event
 * and the block, from which the ledger service builds its richer indexes.
 */
export const K = {
  meta: "meta", //                     [name]
  actor: "actor", //                   [orgId]                       → ActorState
  evmAddress: "evm-address", //        [address]                     → orgId
  resource: "resource", //             [resourceId]                  → ResourceState
  review: "review", //                 [resourceId, schemaHash, unit]→ ReviewState
  grant: "grant", //                   [grantId]                     → GrantState
  grantOf: "grant-of", //              [grantee, grantId]            → 1
  ended: "ended", //                   [grantId]                     → endedAt (grants awaiting close)
  notice: "exit-notice", //            [grantId]                     → NoticeState
  partner: "partner", //               [admissionId]                 → PartnerState
  liveAdmission: "live-admission", //  [grantId, partner]            → admissionId
  holder: "holder", //                 [grantId, org]                → admissionId
  cap: "price-cap", //                 [domain, chargeUnit]          → maxPriceFen
  product: "product", //               [productId]                   → ProductState
  report: "report", //                 [reportHash]                  → ReportState (reports.ts)
  latestReport: "latest-report", //    [productId]                   → reportHash
  hop: "hop", //                       [hopId]                       → HopState
  hopOfProduct: "hop-of-product", //   [productId, hopId]            → 1
  hopOfGrant: "hop-of-grant", //       [grantId, hopId]              → 1
  derivedFrom: "derived-from", //      [hopId]                       → ScopeEntry[] (derivation.ts)
  certificate: "certificate", //       [certificateId]               → CertificateState
  certified: "certified", //           [grantId, holder, assetClass] → certificateId
  blacklist: "blacklist", //           [orgId]                       → bannedUntil
  evaluation: "evaluation", //         [grantId, year]               → grade
  anchor: "anchor", //                 [origin]                      → AnchorState (latest)
  complaint: "complaint", //         [complaintId]                 → ComplaintState
  objection: "objection", //         [objectionId]                 → ObjectionState
  alert: "alert", //                 [alertId]                     → AlertState
  serviceList: "service-list", //      [operator]                    → ServiceListState
  revenue: "revenue", //               [operator, year]              → RevenueState (revenue.ts)
  latestRevenue: "latest-revenue", //  [operator]                    → year of its latest report
  revenueHold: "revenue-hold", //      [operator, domain]            → RevenueHold (a report above 10 %)
  capSetAt: "cap-set-at", //           [domain, chargeUnit]          → when the cap was last set
  seen: "seen", //                     [recordHash]                  → 1
} as const;

export type ActorState = Actor;

export interface ResourceVersionState {
  version: number;
  grade: number;
  schemaHash: string;
  fields: ResourceField[];
}

export interface ResourceState {
  id: string;
  status: "active" | "withdrawn";
  sourceUnits: string[];
  holder: string;
  versions: ResourceVersionState[];
  updateFrequency: UpdateFrequency;
  lastVersionAt: number;
  lateVersions: number;
}

export interface ReviewState {
  decision: "approved" | "rejected";
  reportHash: string;
}

export interface GrantState extends Omit<GrantView, "kind"> {
  scope: ScopeEntry[];
}

export interface NoticeState {
  at: number;
  planHash: string;
}

export interface PartnerState extends Omit<PartnerView, "kind"> {
  scope: ScopeEntry[];
  products: string[];
}

export interface ProductState extends Omit<ProductView, "kind"> {
  domain: string;
  sources: string[];
  personalInfo: boolean;
  tradeSecret: boolean;
}

export interface HopState {
  id: string;
  grantId: string;
  productId: string;
  actor: string;
  outputHash: string;
  outputGrade: number;
}

export interface CertificateState {
  id: string;
  grantId: string;
  holder: string;
  assetClass: AssetClass;
  late: boolean;
}

export interface AnchorState {
  origin: string;
  treeSize: number;
  rootHash: string;
  checkpointHash: string;
}

export type ComplaintState = Omit<ComplaintView, "kind" | "deadline">;
export type ObjectionState = Omit<ObjectionView, "kind" | "deadline">;
export type AlertState = Omit<AlertView, "kind">;
export type ServiceListState = Omit<ServiceListView, "kind" | "nextListDue">;
export type RevenueState = Omit<RevenueView, "kind">;
/** The report above 10 % that holds an operator's prices in a domain. */
export interface RevenueHold {
  year: number;
  reportedAt: number;
}

export function currentVersion(resource: ResourceState): ResourceVersionState {
  const v = resource.versions[resource.versions.length - 1];
  if (!v) throw new Error(`resource ${resource.id} has no version`);
  return v;
}
