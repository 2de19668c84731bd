import type { OperationName } from "../../../../core/operations.ts";

/**
 * One endpoint per operation of the rulebook. The request body is the signed record
 * `{ "record": {…}, "signature": "…" }`; path parameters must equal the body fields they name
 * (`bind`), so a URL can never say one thing and the signed record another.
 */
export interface WriteRoute {
  readonly op: OperationName;
  readonly method: "post" | "put";
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  /** Path parameter → body field that must hold the same value. */
  readonly bind?: Readonly<Record<string, string>>;
  /** Extra body constraint of the route (deliveries vs other hops). */
  readonly deliver?: boolean;
}

// One route a line (not reflowed by the formatter).
// prettier-ignore
export const WRITE_ROUTES: readonly WriteRoute[] = [
  { op: "actor.register", method: "post", path: "/v1/actors", summary: "Register an organisation with its role and SM2 key (agency)", tag: "actors" },
  { op: "resource.review", method: "post", path: "/v1/resources/:resourceId/reviews", summary: "Review a resource schema (source unit)", tag: "resources", bind: { resourceId: "resourceId" } },
  { op: "resource.register", method: "post", path: "/v1/resources", summary: "Register a public data resource (agency)", tag: "resources" },
  { op: "resource.version", method: "post", path: "/v1/resources/:resourceId/versions", summary: "Publish a new resource version (agency)", tag: "resources", bind: { resourceId: "resourceId" } },
  { op: "resource.withdraw", method: "post", path: "/v1/resources/:resourceId/withdrawal", summary: "Withdraw a resource (agency)", tag: "resources", bind: { resourceId: "resourceId" } },
  { op: "grant.issue", method: "post", path: "/v1/grants", summary: "Issue a grant to the operator (agency)", tag: "grants" },
  { op: "grant.suspend", method: "post", path: "/v1/grants/:grantId/suspension", summary: "Suspend a grant: emergency stop (agency)", tag: "grants", bind: { grantId: "grantId" } },
  { op: "grant.resume", method: "post", path: "/v1/grants/:grantId/resumption", summary: "Resume a suspended grant (agency)", tag: "grants", bind: { grantId: "grantId" } },
  { op: "grant.revoke", method: "post", path: "/v1/grants/:grantId/revocation", summary: "Revoke a grant (agency)", tag: "grants", bind: { grantId: "grantId" } },
  { op: "grant.exitNotice", method: "post", path: "/v1/grants/:grantId/exit-notice", summary: "File the operator's exit plan (operator)", tag: "exit", bind: { grantId: "grantId" } },
  { op: "grant.exit", method: "post", path: "/v1/grants/:grantId/exit", summary: "Start an exit: voluntary, violation or expiry (agency)", tag: "exit", bind: { grantId: "grantId" } },
  { op: "grant.close", method: "post", path: "/v1/grants/:grantId/closure", summary: "Close an exited grant once destruction is certified (agency)", tag: "exit", bind: { grantId: "grantId" } },
  { op: "partner.propose", method: "post", path: "/v1/grants/:grantId/partners", summary: "Propose a partner admission (operator)", tag: "partners", bind: { grantId: "grantId" } },
  { op: "partner.approve", method: "post", path: "/v1/partners/:admissionId/approval", summary: "Approve a partner admission (agency)", tag: "partners", bind: { admissionId: "admissionId" } },
  { op: "partner.revoke", method: "post", path: "/v1/partners/:admissionId/revocation", summary: "Revoke a partner admission (agency or operator)", tag: "partners", bind: { admissionId: "admissionId" } },
  { op: "cap.set", method: "put", path: "/v1/price-caps/:domain/:chargeUnit", summary: "Set a price cap (agency)", tag: "products", bind: { domain: "domain", chargeUnit: "chargeUnit" } },
  { op: "product.register", method: "post", path: "/v1/products", summary: "Register a data product or service (operator)", tag: "products" },
  { op: "product.reprice", method: "put", path: "/v1/products/:productId/price", summary: "Change a product's price (operator)", tag: "products", bind: { productId: "productId" } },
  { op: "product.list", method: "post", path: "/v1/products/:productId/listing", summary: "List a verified product (exchange)", tag: "listing", bind: { productId: "productId" } },
  { op: "product.delist", method: "post", path: "/v1/products/:productId/delisting", summary: "Delist a product (exchange)", tag: "listing", bind: { productId: "productId" } },
  { op: "revenue.setMaximum", method: "post", path: "/v1/operators/:operator/revenue/maximum", summary: "Set the operator's maximum permitted revenue for a year: operating cost, permitted profit, tax, domains (agency)", tag: "revenue", bind: { operator: "operator" } },
  { op: "revenue.report", method: "post", path: "/v1/operators/:operator/revenue/report", summary: "File the operator's actual revenue for a year; the chain computes the deviation from the maximum (operator)", tag: "revenue", bind: { operator: "operator" } },
  { op: "revenue.guide", method: "post", path: "/v1/operators/:operator/revenue/guidance", summary: "Record the agency's guidance on a year's revenue report: closes its open guidance item (agency)", tag: "revenue", bind: { operator: "operator" } },
  { op: "serviceList.publish", method: "post", path: "/v1/operators/:operator/service-lists", summary: "Publish the operator's product and service list, at least every 91 days (operator)", tag: "products", bind: { operator: "operator" } },
  { op: "lineage.hop", method: "post", path: "/v1/hops", summary: "Record a lineage hop (operator or partner)", tag: "lineage", deliver: false },
  { op: "lineage.hop", method: "post", path: "/v1/deliveries", summary: "Record a delivery: a `deliver` hop (operator or partner)", tag: "lineage", deliver: true },
  { op: "destruction.certify", method: "post", path: "/v1/grants/:grantId/destruction-certificates", summary: "File a destruction certificate (operator or partner)", tag: "exit", bind: { grantId: "grantId" } },
  { op: "blacklist.add", method: "post", path: "/v1/blacklist", summary: "Blacklist an organisation for 5 years (agency)", tag: "governance" },
  { op: "evaluation.record", method: "post", path: "/v1/grants/:grantId/evaluations", summary: "Record an annual evaluation (agency)", tag: "governance", bind: { grantId: "grantId" } },
  { op: "objection.file", method: "post", path: "/v1/resources/:resourceId/objections", summary: "Object to the quality of a resource version (consumer, operator or partner)", tag: "objections", bind: { resourceId: "resourceId" } },
  { op: "objection.answer", method: "post", path: "/v1/objections/:objectionId/answer", summary: "Answer a data-quality objection (a source unit of the resource)", tag: "objections", bind: { objectionId: "objectionId" } },
  { op: "complaint.handle", method: "post", path: "/v1/complaints/:complaintId/handling", summary: "Record a complaint's handling or its outcome (supervisor)", tag: "complaints", bind: { complaintId: "complaintId" } },
];

/** The Express path pattern as an OpenAPI path template: /v1/grants/:grantId → /v1/grants/{grantId}. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, "{$1}");
}
