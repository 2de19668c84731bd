import { canonicalBytes } from "../../../core/canonical.ts";
import { sign } from "../../../core/crypto/sm2.ts";
import { sm3Hex } from "../../../core/crypto/sm3.ts";
import type { Grant } from "../../../core/records/grant.ts";
import type { LineageHop } from "../../../core/records/lineage.ts";
import { MIN_MARKED_CELLS, PRIVACY_ENVIRONMENTS } from "../../../core/records/lineage.ts";
import type { Product } from "../../../core/records/product.ts";
import type { Resource } from "../../../core/records/resource.ts";
import { destructionDeadline, toCstIso } from "../../../core/time.ts";
import { isValidUscc } from "../../../core/uscc.ts";
import type {
  Evidence,
  ListingReport,
  ReportCheck,
  SignedReport,
  SourceFreshness,
} from "../../../core/listing-report.ts";
import type { AuditedDelivery, AuditedHop, AuditedRecord, GrantAudit } from "../../../core/grant-audit.ts";
import type {
  BlacklistView,
  CertificateView,
  EvaluationView,
  GrantView,
  PartnerView,
  PriceCapView,
  ProductView,
  ResourceView,
} from "../../../core/views.ts";
import { isOverdue } from "../../../core/overdue.ts";
import type { LedgerBackend } from "../chain/backend.ts";
import type { IndexStore, IndexedEntry } from "../indexes/index-store.ts";
import { verifyReceiptOffline } from "../log/receipt.ts";
import { evidenceOf } from "./evidence.ts";
import { lineageGraph } from "./lineage-graph.ts";
import { sourceObjections } from "./objections.ts";
import type { ReceiptSource } from "./record-service.ts";

/**
 * Evidence reports built from signed records and the chain's current views: the exchange's
 * listing verification report (the checks of an exchange listing checklist that the ledger can
 * judge, each with the record ids and receipts behind it, signed by the service) and the grant
 * audit (everything derived from a grant).
 */

export interface ReportSigner {
  readonly keyName: string;
  readonly publicKey: string;
  readonly privateKey: string;
}

export function signReport<T>(report: T, signer: ReportSigner): SignedReport<T> {
  const bytes = canonicalBytes(report);
  return {
    report,
    reportHash: sm3Hex(bytes),
    signature: sign(bytes, signer.privateKey),
    signer: { keyName: signer.keyName, publicKey: signer.publicKey },
  };
}

export interface ReportDeps {
  readonly store: IndexStore;
  readonly backend: LedgerBackend;
  readonly receipts: ReceiptSource;
  readonly logPublicKey: string;
}

const first = async (store: IndexStore, kind: string, id: string) => (await store.historyOf(kind, id))[0];

/** The freshness of each resource at `at`, from the chain's views (due seconds are the rules' own). */
export async function sourceFreshness(
  d: Pick<ReportDeps, "store" | "backend">,
  resourceIds: readonly string[],
  at: number,
): Promise<SourceFreshness[]> {
  const out: SourceFreshness[] = [];
  for (const resourceId of resourceIds) {
    const view = (await d.backend.view({ kind: "resource", id: resourceId })) as ResourceView | undefined;
    if (!view) continue;
    const latest = (await d.store.historyOf("resource", resourceId))
      .filter((e) => e.event === "ResourceRegistered" || e.event === "ResourceVersionPublished")
      .at(-1);
    out.push({
      resourceId,
      updateFrequency: view.updateFrequency,
      version: view.version,
      lastVersionAt: view.lastVersionAt,
      nextVersionDue: view.nextVersionDue,
      overdue: view.status === "active" && isOverdue(view.nextVersionDue, at),
      lateVersions: view.lateVersions,
      evidence: latest ? evidenceOf(latest) : null,
    });
  }
  return out;
}

/**
 * The listing verification report for product `productId` at chain time `at`. A check the
 * ledger cannot judge (documents held outside it) says so rather than passing.
 */
export async function listingReport(d: ReportDeps, productId: string, at: number): Promise<ListingReport> {
  const { store, backend } = d;
  const graph = await lineageGraph(store, productId);
  const productEntry = (await first(store, "product", productId))!;
  const grantEntry = (await first(store, "grant", graph.product.grantId))!;
  const product: Product = graph.product;
  const grant: Grant = graph.grant;
  const seller = productEntry.signed.record.actor;
  const checks: ReportCheck[] = [];
  const add = (id: string, title: string, ok: boolean | "not-judged", detail: string, evidence: Evidence[]) =>
    checks.push({ id, title, result: ok === "not-judged" ? "not-judged" : ok ? "pass" : "fail", detail, evidence });

  // 1. Seller identity.
  const sellerActor = await store.actor(seller);
  const sellerEntry = await first(store, "actor", seller);
  const ban = (await backend.view({ kind: "blacklist", id: seller })) as BlacklistView | undefined;
  const banned = ban !== undefined && ban.bannedUntil > at;
  add(
    "seller-identity",
    "Seller identity: registered organisation, valid unified social credit code, not blacklisted",
    Boolean(sellerActor) &&
      isValidUscc(seller) &&
      (sellerActor!.role === "operator" || sellerActor!.role === "partner") &&
      !banned,
    sellerActor
      ? `${sellerActor.name} (${seller}), role ${sellerActor.role}${banned ? `, blacklisted until ${toCstIso(ban.bannedUntil)}` : ""}`
      : `${seller} is not registered`,
    sellerEntry ? [evidenceOf(sellerEntry)] : [],
  );

  // 2. Grant chain.
  const grantView = (await backend.view({ kind: "grant", id: grant.id })) as GrantView | undefined;
  const grantOk = grantView?.status === "active" && grantView.validFrom <= at && at < grantView.validUntil;
  const grantEvidence = [
    evidenceOf(grantEntry),
    ...(await store.historyOf("grant", grant.id)).slice(1).map(evidenceOf),
  ];
  let partnerOk = true;
  let partnerDetail = "";
  if (seller !== grant.grantee) {
    partnerOk = false;
    for (const admissionId of await store.linked("grant.partners", grant.id)) {
      const view = (await backend.view({ kind: "partner", id: admissionId })) as PartnerView | undefined;
      const entry = await first(store, "partner", admissionId);
      if (view?.partner === seller && view.status === "approved" && at < view.validUntil) {
        partnerOk = true;
        partnerDetail = `; partner admission ${admissionId} approved until ${toCstIso(view.validUntil)}`;
        if (entry) grantEvidence.push(evidenceOf(entry));
      }
    }
    if (!partnerOk) partnerDetail = `; ${seller} holds no approved partner admission under the grant`;
  }
  add(
    "grant-chain",
    "Grant chain: the product's grant is active and covers now; a partner product has an approved admission",
    grantOk && partnerOk,
    `grant ${grant.id} is ${grantView?.status ?? "unknown"}, valid ${grantView ? `${toCstIso(grantView.validFrom)} – ${toCstIso(grantView.validUntil)}` : "?"}${partnerDetail}`,
    grantEvidence,
  );

  // 3. Source legality: every declared source and every resource input within the grant's scope.
  const scope = new Map(grant.scope.map((s) => [s.resourceId, new Set(s.fields)]));
  const outOfScope: string[] = [];
  for (const source of product.sources) if (!scope.has(source)) outOfScope.push(`source ${source} is not granted`);
  for (const node of graph.hops) {
    for (const input of node.hop.inputs) {
      if (input.kind !== "resource") continue;
      const granted = scope.get(input.resourceId);
      if (!granted) outOfScope.push(`hop ${node.hop.id} uses ${input.resourceId}, not granted`);
      else
        for (const f of input.fields)
          if (!granted.has(f)) outOfScope.push(`hop ${node.hop.id} uses ${input.resourceId}.${f}, not granted`);
    }
  }
  const resourceEvidence: Evidence[] = [];
  for (const r of graph.resources) {
    const e = await first(store, "resource", r.id);
    if (e) resourceEvidence.push(evidenceOf(e));
  }
  add(
    "source-legality",
    "Source legality: every source and every field used is within the grant's scope",
    outOfScope.length === 0,
    outOfScope.length === 0
      ? `${product.sources.length} source(s), ${graph.hops.length} hop(s) within scope`
      : outOfScope.join("; "),
    resourceEvidence,
  );

  // 4. Lineage complete.
  const hopEvidence = graph.hops.map((h) => ({
    kind: "hop",
    id: h.hop.id,
    recordHash: h.recordHash,
    txId: h.txId,
    blockNumber: h.blockNumber,
    leafIndex: h.leafIndex,
  }));
  const lineageOk = graph.hops.length > 0 && graph.unresolved.length === 0;
  add(
    "lineage-complete",
    "Lineage complete: every output traces back through signed hops to registered resources",
    lineageOk,
    graph.hops.length === 0
      ? "no lineage hop is recorded for the product"
      : graph.unresolved.length === 0
        ? `${graph.hops.length} signed hop(s) back to ${graph.resources.length} registered resource(s)`
        : `unresolved inputs: ${graph.unresolved.map((u) => `${u.hopId}←${u.input.kind === "resource" ? u.input.resourceId : u.input.hopId}`).join(", ")}`,
    hopEvidence,
  );

  // 5. Grade and personal information.
  const gradeOf = new Map<string, number>(graph.resources.map((r: Resource) => [r.id, r.grade]));
  const gradeProblems: string[] = [];
  for (const node of graph.hops) {
    const hop: LineageHop = node.hop;
    const inputGrade = Math.max(
      0,
      ...hop.inputs.map((i) => (i.kind === "resource" ? (gradeOf.get(i.resourceId) ?? 0) : 0)),
    );
    if (inputGrade >= 3 && !PRIVACY_ENVIRONMENTS.includes(hop.environment))
      gradeProblems.push(`hop ${hop.id} processed grade ${inputGrade} data in ${hop.environment}`);
    if (hop.delivery && product.personalInfo && !hop.delivery.consentRef)
      gradeProblems.push(`delivery ${hop.id} of personal information has no consent reference`);
    if (hop.delivery?.crossBorder && !hop.delivery.assessmentRef)
      gradeProblems.push(`delivery ${hop.id} crosses the border without an assessment reference`);
  }
  add(
    "grade-and-privacy",
    "Grade and privacy: grade 3+ inputs processed only in privacy environments; personal information delivered with consent; cross-border with an assessment",
    gradeProblems.length === 0,
    gradeProblems.length === 0 ? "no finding" : gradeProblems.join("; "),
    hopEvidence,
  );

  // 6. Third-party reports: held outside the ledger.
  add(
    "third-party-reports",
    "Third-party compliance, quality and security reports",
    "not-judged",
    "these documents are held outside the ledger; the exchange checks them and records their hash with the listing",
    [],
  );

  // 7. Delivery mode fits the grade.
  const maxGrade = Math.max(0, ...graph.resources.map((r) => r.grade));
  const deliveries = graph.hops.filter((h) => h.hop.delivery);
  const modeOk = maxGrade < 3 || product.serviceForm !== "dataset";
  // A commitment alone proves no mark: the delivery's watermark must be readable in enough cells
  // for a leak of it to be attributed at all (a typo in the spec once shipped 0 marked cells).
  const unmarked = deliveries.filter(
    (h) =>
      !(h.hop.delivery!.watermarkCommitment && h.hop.delivery!.fingerprintRoot) ||
      (h.hop.delivery!.markedCells ?? 0) < MIN_MARKED_CELLS,
  );
  add(
    "delivery-mode",
    "Delivery mode fits the grade: grade 3+ products are served by API, model or report, not as datasets; every delivery is watermarked (readable in at least 30 cells) and fingerprinted",
    modeOk && unmarked.length === 0,
    `highest source grade ${maxGrade}, service form ${product.serviceForm}, ${deliveries.length} delivery(ies) with watermark commitments and fingerprint roots` +
      (deliveries.length > 0
        ? `, marked cells ${deliveries.map((h) => `${h.hop.id} ${h.hop.delivery!.markedCells ?? 0}`).join(", ")}`
        : "") +
      unmarked
        .map((h) => `; delivery ${h.hop.id} is not watermarked: fewer than ${MIN_MARKED_CELLS} marked cells`)
        .join(""),
    deliveries.map((h) => ({
      kind: "hop",
      id: h.hop.id,
      recordHash: h.recordHash,
      txId: h.txId,
      blockNumber: h.blockNumber,
      leafIndex: h.leafIndex,
    })),
  );

  // 8. Price at or below the cap; public-welfare products free.
  const productView = (await backend.view({ kind: "product", id: productId })) as ProductView | undefined;
  const pricing = productView
    ? { model: productView.model, chargeUnit: productView.chargeUnit, priceFen: productView.priceFen }
    : product.pricing;
  let priceOk: boolean;
  let priceDetail: string;
  const priceEvidence = (await store.historyOf("product", productId)).map(evidenceOf);
  if (pricing.model === "public-welfare") {
    priceOk = pricing.priceFen === 0;
    priceDetail = `public-welfare product at ${pricing.priceFen} fen`;
  } else {
    const cap = (await backend.view({ kind: "price-cap", id: `${product.domain}/${pricing.chargeUnit}` })) as
      PriceCapView | undefined;
    priceOk = cap !== undefined && pricing.priceFen <= cap.maxPriceFen;
    priceDetail = cap
      ? `${pricing.priceFen} fen ${pricing.chargeUnit}, cap ${cap.maxPriceFen} fen`
      : `no price cap is set for ${product.domain}/${pricing.chargeUnit}`;
    const capEntry = (await store.historyOf("price-cap", `${product.domain}/${pricing.chargeUnit}`)).at(-1);
    if (capEntry) priceEvidence.push(evidenceOf(capEntry));
  }
  add(
    "price-cap",
    "Price at or below the agency's cap; public-welfare products free",
    priceOk,
    priceDetail,
    priceEvidence,
  );

  // 9. Evidence verifies: each record above has a receipt that verifies offline with the log key.
  const logged = [
    productEntry,
    grantEntry,
    ...(await Promise.all(graph.hops.map((h) => first(store, "hop", h.hop.id)))),
  ].filter((e): e is IndexedEntry => e !== undefined && e.leafIndex >= 0);
  const states: Record<string, number> = {};
  const failures: string[] = [];
  for (const e of logged) {
    const verification = verifyReceiptOffline(await d.receipts.receipt(e.leafIndex), d.logPublicKey);
    states[verification.state ?? "invalid"] = (states[verification.state ?? "invalid"] ?? 0) + 1;
    if (verification.state !== "pending" && !verification.ok)
      failures.push(
        `${e.kind} ${e.id}: ${verification.checks
          .filter((c) => !c.ok)
          .map((c) => c.name)
          .join(", ")}`,
      );
  }
  // A signed checkpoint alone is the operator's word; the listing needs the chain's timestamp too.
  const notAnchored = logged.length - (states.anchored ?? 0);
  add(
    "evidence",
    "Evidence verifies: every record above is in the SM3 log under a signed checkpoint, anchored on chain",
    failures.length === 0 && notAnchored === 0,
    failures.length > 0
      ? failures.join("; ")
      : `${logged.length} receipt(s): ${Object.entries(states)
          .map(([s, n]) => `${n} ${s}`)
          .join(", ")}${notAnchored > 0 ? " (ask again after the next anchor)" : ""}`,
    logged.map(evidenceOf),
  );

  return {
    type: "listing-verification",
    productId,
    at,
    atCst: toCstIso(at),
    verdict: checks.some((c) => c.result === "fail") ? "fail" : "pass",
    checks,
    freshness: await sourceFreshness(d, [...new Set(graph.resources.map((r) => r.id))].sort(), at),
    objections: await sourceObjections(
      d,
      graph.resources.map((r) => ({ resourceId: r.id, versions: r.versionsUsed })),
      at,
    ),
  };
}

/** Everything derived from a grant, with the evidence of each record. */
export async function grantAudit(d: ReportDeps, grantId: string, at: number): Promise<GrantAudit | undefined> {
  const { store, backend } = d;
  const history = await store.historyOf("grant", grantId);
  if (history.length === 0) return undefined;
  const view = ((await backend.view({ kind: "grant", id: grantId })) as GrantView | undefined) ?? null;
  const withViews = async <V extends PartnerView | ProductView | CertificateView>(kind: V["kind"], ids: string[]) =>
    Promise.all(
      ids.map(async (id): Promise<AuditedRecord<V>> => ({
        id,
        view: ((await backend.view({ kind, id })) as V | undefined) ?? null,
        evidence: evidenceOf((await first(store, kind, id))!),
      })),
    );
  const hops: AuditedHop[] = [];
  const deliveries: AuditedDelivery[] = [];
  for (const id of await store.linked("grant.hops", grantId)) {
    const entry = (await first(store, "hop", id))!;
    const hop = entry.signed.record.body as LineageHop;
    hops.push({
      id,
      productId: hop.productId,
      actor: entry.signed.record.actor,
      operation: hop.operation,
      recordCount: hop.recordCount,
      evidence: evidenceOf(entry),
    });
    if (hop.delivery)
      deliveries.push({
        id,
        productId: hop.productId,
        recipient: hop.delivery.recipient,
        recordCount: hop.recordCount,
        crossBorder: hop.delivery.crossBorder,
        evidence: evidenceOf(entry),
      });
  }
  const evaluations = await Promise.all(
    (await store.linked("grant.evaluations", grantId)).map(async (year) => ({
      year,
      view:
        ((await backend.view({ kind: "evaluation", id: `${grantId}/${year}` })) as EvaluationView | undefined) ?? null,
    })),
  );
  const overdue = (await backend.overdue(at)).find((o) => o.grantId === grantId);
  const ended = view !== null && view.endedAt > 0;
  return {
    type: "grant-audit",
    grantId,
    at,
    grant: history[0]!.signed.record.body as Grant,
    view,
    changes: history.map(evidenceOf),
    partners: await withViews<PartnerView>("partner", await store.linked("grant.partners", grantId)),
    products: await withViews<ProductView>("product", await store.linked("grant.products", grantId)),
    hops,
    deliveries,
    certificates: await withViews<CertificateView>("certificate", await store.linked("grant.certificates", grantId)),
    evaluations,
    exit: {
      status: view?.status ?? "unknown",
      kind: view?.exitKind ?? "",
      endedAt: view?.endedAt ?? 0,
      destructionDeadline: ended ? destructionDeadline(view.endedAt) : null,
      overdue: overdue?.missing ?? [],
    },
  };
}
