import type { OverdueGrant, GrantView } from "../../../../core/views.ts";
import type { DestructionCertificate } from "../../../../core/records/destruction.ts";
import type { LineageHop } from "../../../../core/records/lineage.ts";
import type { LedgerBackend } from "../../chain/backend.ts";
import { lineageGraph, txInfo } from "../../domain/lineage-graph.ts";
import type { HopNode } from "../../../../core/lineage-graph.ts";
import type { RecordReader } from "../../domain/record-reader.ts";
import type { IndexStore, IndexedEntry } from "../../indexes/index-store.ts";
import type {
  AttributionEvidence,
  CertificateFinding,
  DeliveryFinding,
  LineageStep,
  OrgRef,
  TraceReport,
  UnattributedMatch,
} from "../../../../core/trace-report.ts";
import type { TraceResult } from "../attribution.ts";

/**
 * Turns a trace result (which deliveries the leaked records match, with proofs and watermark
 * scores) into the supervisor's answer, from signed records only: for each matched delivery,
 * the recipient, the organisation that delivered, the product, the delivery's lineage path back
 * to the resources, the grant and whether it was active at delivery time, the destruction
 * certificates and whether one already covered the data when it leaked, and the receipts of the
 * records relied on.
 */
export interface ReportDeps {
  readonly store: IndexStore;
  readonly backend: LedgerBackend;
  readonly reader: RecordReader;
}

export const DESTRUCTION_DAYS = 30;
const DAY = 86_400;

const GRANT_STATUS_AFTER: Readonly<Record<string, string>> = {
  "grant.issue": "active",
  "grant.suspend": "suspended",
  "grant.resume": "active",
  "grant.revoke": "revoked",
  "grant.exit": "exiting",
  "grant.close": "closed",
};

async function first(store: IndexStore, kind: string, id: string): Promise<IndexedEntry> {
  const entry = (await store.historyOf(kind, id))[0];
  if (!entry) throw new Error(`no ${kind} ${id} in the index`);
  return entry;
}

export async function buildTraceReport(result: TraceResult, leakAt: number, deps: ReportDeps): Promise<TraceReport> {
  // Which deliveries hold each leaked record as delivered: a record held by one only is unique.
  const holders = new Map<number, Set<string>>();
  for (const e of result.exact)
    for (const m of e.matches)
      (holders.get(m.leakedIndex) ?? holders.set(m.leakedIndex, new Set()).get(m.leakedIndex)!).add(e.deliveryId);
  const uniqueIn = (exact: TraceResult["exact"][number]) =>
    new Set(exact.matches.filter((m) => holders.get(m.leakedIndex)!.size === 1).map((m) => m.leakedIndex)).size;
  const overdue = await deps.backend.overdue(leakAt);
  const orgs = new OrgDirectory(deps.store);

  // Only a delivery whose evidence reached the bound is named; a record found as delivered that
  // the marks left unchanged is also in the unmarked original and says nothing about who leaked.
  const deliveries: DeliveryFinding[] = [];
  for (const id of result.attributed) {
    const exact = result.exact.find((e) => e.deliveryId === id);
    const watermark = result.watermark.find((w) => w.deliveryId === id);
    const marked = result.markedExact.find((m) => m.deliveryId === id);
    const evidence: AttributionEvidence[] = [];
    if (watermark?.detected) {
      const { total, matched, pValue, level, threshold } = watermark;
      evidence.push({ kind: "watermark", total, matched, pValue, level, threshold });
    }
    if (marked?.detected) {
      const { records, marked: hits, pValue, level, threshold } = marked;
      evidence.push({ kind: "marked-exact-match", records, marked: hits, pValue, level, threshold });
    }
    const uniqueRecords = exact ? uniqueIn(exact) : 0;
    deliveries.push(
      await finding(id, { exact, uniqueRecords, watermark, evidence, result, leakAt, overdue }, deps, orgs),
    );
  }
  const unattributed: UnattributedMatch[] = result.exact
    .filter((e) => !result.attributed.includes(e.deliveryId))
    .map((e) => ({
      deliveryId: e.deliveryId,
      matchedRecords: e.matchedRecords,
      uniqueRecords: uniqueIn(e),
      markedRecords: e.marked.length,
    }));

  return {
    leakAt,
    records: result.records,
    unmatchedRecords: result.unmatchedRecords,
    alpha: result.alpha,
    comparisons: result.comparisons,
    verdict: deliveries.length > 0 ? "attributed" : unattributed.length > 0 ? "exact match only" : "no match",
    attributedTo: deliveries.map((d) => d.deliveryId),
    violations: deliveries.filter((d) => d.destruction.violation).map((d) => d.deliveryId),
    deliveries,
    unattributed,
    watermark: result.watermark,
    markedExact: result.markedExact,
  };
}

interface Evidence {
  readonly exact: TraceResult["exact"][number] | undefined;
  readonly uniqueRecords: number;
  readonly watermark: TraceResult["watermark"][number] | undefined;
  readonly evidence: readonly AttributionEvidence[];
  readonly result: TraceResult;
  readonly leakAt: number;
  readonly overdue: readonly OverdueGrant[];
}

async function finding(
  deliveryId: string,
  ev: Evidence,
  deps: ReportDeps,
  orgs: OrgDirectory,
): Promise<DeliveryFinding> {
  const { store, backend, reader } = deps;
  const hopEntry = await first(store, "hop", deliveryId);
  const hop = hopEntry.signed.record.body as LineageHop;
  const actor = hopEntry.signed.record.actor;
  const graph = await lineageGraph(store, hop.productId);
  const productEntry = await first(store, "product", hop.productId);
  const grantHistory = await store.historyOf("grant", hop.grantId);
  const grantEntry = grantHistory[0]!;
  const grantNow = (await backend.view({ kind: "grant", id: hop.grantId })) as GrantView | undefined;

  // The grant as the delivery met it: its status replayed from the signed history before the
  // delivery (the chain refused the delivery otherwise: rule lineage.hop step 3).
  let statusAtDelivery = "unknown";
  for (const e of grantHistory)
    if (e.seq < hopEntry.seq) statusAtDelivery = GRANT_STATUS_AFTER[e.signed.record.op] ?? statusAtDelivery;
  const inTermAtDelivery = graph.grant.validFrom <= hopEntry.blockTime && hopEntry.blockTime < graph.grant.validUntil;
  const endedAt = grantNow?.endedAt ?? 0;

  const path = lineagePath(graph.hops, deliveryId);
  const certificates = await certificatesOf(hop, actor, deps);
  const coveredAtLeak = certificates.some((c) => c.covers && c.coveredSince <= ev.leakAt);

  const certificateReceipts: Record<string, unknown> = {};
  for (const c of certificates)
    if (c.record.leafIndex >= 0) certificateReceipts[c.id] = await reader.receiptOf(c.record.leafIndex);

  return {
    deliveryId,
    attributed: ev.evidence.length > 0,
    evidence: ev.evidence,
    exact: ev.exact
      ? {
          matchedRecords: ev.exact.matchedRecords,
          uniqueRecords: ev.uniqueRecords,
          markedRecords: ev.exact.marked.length,
          treeSize: ev.exact.treeSize ?? hop.recordCount,
          fingerprintRoot: hop.delivery!.fingerprintRoot,
          proofsVerified: ev.exact.verified && ev.exact.fingerprintRoot === hop.delivery!.fingerprintRoot,
          proofs: ev.exact.proofs,
        }
      : null,
    watermark: ev.watermark
      ? { ...withoutId(ev.watermark), alpha: ev.result.alpha, comparisons: ev.result.comparisons }
      : null,
    deliveredAt: hopEntry.blockTime,
    delivery: { ...txInfo(hopEntry), actor, hop },
    recipient: await orgs.get(hop.delivery!.recipient),
    deliveredBy: await orgs.get(actor),
    product: {
      id: graph.product.id,
      name: graph.product.name,
      serviceForm: graph.product.serviceForm,
      scenario: graph.product.scenario,
      operator: await orgs.get(graph.product.operator),
      record: txInfo(productEntry),
    },
    grant: {
      id: graph.grant.id,
      grantee: await orgs.get(graph.grant.grantee),
      scenarios: graph.grant.scenarios,
      validFrom: graph.grant.validFrom,
      validUntil: graph.grant.validUntil,
      statusAtDelivery,
      inTermAtDelivery,
      activeAtDelivery: statusAtDelivery === "active" && inTermAtDelivery,
      statusNow: grantNow?.status ?? "unknown",
      endedAt,
      destructionDeadline: endedAt > 0 ? endedAt + DESTRUCTION_DAYS * DAY : 0,
      record: txInfo(grantEntry),
    },
    lineage: {
      hops: path,
      resources: resourcesOf(path, graph.resources),
      organisations: await Promise.all(
        [...new Set([graph.grant.grantee, ...path.map((h) => h.actor), hop.delivery!.recipient])].map((o) =>
          orgs.get(o),
        ),
      ),
      unresolvedInputs: graph.unresolved.filter((u) => path.some((h) => h.id === u.hopId)).length,
    },
    destruction: {
      leakAt: ev.leakAt,
      certificates,
      coveredAtLeak,
      // Decided at the false-attribution bound like any attribution (`evidence`).
      violation: coveredAtLeak && ev.evidence.length > 0,
      overdueAtLeak: ev.overdue.some((g) => g.grantId === hop.grantId),
    },
    receipts: {
      delivery: hopEntry.leafIndex >= 0 ? await reader.receiptOf(hopEntry.leafIndex) : null,
      grant: grantEntry.leafIndex >= 0 ? await reader.receiptOf(grantEntry.leafIndex) : null,
      product: productEntry.leafIndex >= 0 ? await reader.receiptOf(productEntry.leafIndex) : null,
      certificates: certificateReceipts,
    },
  };
}

function withoutId<T extends { deliveryId: string }>(w: T): Omit<T, "deliveryId"> {
  const { deliveryId: _id, ...rest } = w;
  return rest;
}

/** The delivery hop and every hop whose artifact it derives from, oldest first. */
function lineagePath(hops: readonly HopNode[], deliveryId: string): LineageStep[] {
  const byId = new Map(hops.map((h) => [h.hop.id, h]));
  const seen = new Set<string>();
  const queue = [deliveryId];
  while (queue.length > 0) {
    const id = queue.shift()!;
    const node = byId.get(id);
    if (!node || seen.has(id)) continue;
    seen.add(id);
    for (const input of node.hop.inputs) if (input.kind === "artifact") queue.push(input.hopId);
  }
  return hops
    .filter((h) => seen.has(h.hop.id))
    .map((h) => ({
      id: h.hop.id,
      operation: h.hop.operation,
      actor: h.actor,
      environment: h.hop.environment,
      inputs: h.hop.inputs,
      outputHash: h.hop.outputHash,
      recordCount: h.hop.recordCount,
      recordHash: h.recordHash,
      txId: h.txId,
      blockNumber: h.blockNumber,
      blockTime: h.blockTime,
      leafIndex: h.leafIndex,
    }));
}

function resourcesOf(path: readonly LineageStep[], registered: readonly { id: string; name: string; grade: number }[]) {
  const versions = new Map<string, Set<number>>();
  for (const step of path) {
    for (const input of step.inputs as LineageHop["inputs"]) {
      if (input.kind === "resource")
        (versions.get(input.resourceId) ?? versions.set(input.resourceId, new Set()).get(input.resourceId)!).add(
          input.version,
        );
    }
  }
  return [...versions].map(([id, used]) => {
    const r = registered.find((x) => x.id === id);
    return { id, name: r?.name ?? "", grade: r?.grade ?? 0, versionsUsed: [...used].sort((a, b) => a - b) };
  });
}

/**
 * The grant's destruction certificates, each with whether it covers the delivered data: it lists
 * the delivered dataset (its output hash or fingerprint root) as a destroyed asset, or it is the
 * delivering organisation's certificate for traded products (what a delivery is).
 */
async function certificatesOf(hop: LineageHop, actor: string, deps: ReportDeps): Promise<CertificateFinding[]> {
  const out: CertificateFinding[] = [];
  const delivered = new Set([hop.outputHash, hop.delivery!.fingerprintRoot]);
  for (const id of await deps.store.linked("grant.certificates", hop.grantId)) {
    const entry = await first(deps.store, "certificate", id);
    const cert = entry.signed.record.body as DestructionCertificate;
    const holder = entry.signed.record.actor;
    let covers = true;
    let why: string;
    if (cert.assets.some((a) => delivered.has(a.hash))) why = "lists the delivered dataset among the destroyed assets";
    else if (cert.assetClass === "traded-products" && holder === actor)
      why = "certifies the destruction of the traded products of the organisation that made the delivery";
    else {
      covers = false;
      why = `a ${cert.assetClass} certificate by ${holder === actor ? "the delivering organisation" : "another holder"} that does not list the delivered dataset`;
    }
    out.push({
      id,
      holder,
      assetClass: cert.assetClass,
      destroyedAt: cert.destroyedAt,
      filedAt: entry.blockTime,
      covers,
      why,
      coveredSince: Math.min(cert.destroyedAt, entry.blockTime),
      record: txInfo(entry),
    });
  }
  return out;
}

class OrgDirectory {
  private readonly cache = new Map<string, Promise<OrgRef>>();
  constructor(private readonly store: IndexStore) {}

  get(orgId: string): Promise<OrgRef> {
    let hit = this.cache.get(orgId);
    if (!hit) {
      hit = this.store.actor(orgId).then((a) => ({ orgId, name: a?.name ?? "", role: a?.role ?? "" }));
      this.cache.set(orgId, hit);
    }
    return hit;
  }
}
