import type { Grant } from "../../../core/records/grant.ts";
import type { HopInput, LineageHop } from "../../../core/records/lineage.ts";
import type { Product } from "../../../core/records/product.ts";
import type { Resource } from "../../../core/records/resource.ts";
import type { IndexStore, IndexedEntry } from "../indexes/index-store.ts";
import { LedgerError } from "../../../core/errors.ts";
import type { PublicProductFacts } from "../../../core/public-list.ts";
import type { HopNode, LineageEdge, LineageGraph, RecipientLineage, TxInfo } from "../../../core/lineage-graph.ts";

/** Where an indexed record sits (the lineage's nodes and the trace report's records alike). */
export function txInfo(e: IndexedEntry): TxInfo {
  return {
    recordHash: e.recordHash,
    txId: e.txId,
    blockNumber: e.blockNumber,
    blockTime: e.blockTime,
    leafIndex: e.leafIndex,
  };
}

export const nodeId = {
  resource: (id: string, version: number) => `resource:${id}@${version}`,
  artifact: (hash: string) => `artifact:${hash}`,
  hop: (id: string) => `hop:${id}`,
  product: (id: string) => `product:${id}`,
  grant: (id: string) => `grant:${id}`,
};

export async function lineageGraph(store: IndexStore, productId: string): Promise<LineageGraph> {
  const productEntry = (await store.historyOf("product", productId))[0];
  if (!productEntry) throw new LedgerError("NOT_FOUND", `no product ${productId}`, { kind: "product", id: productId });
  const product = productEntry.signed.record.body as Product;
  const grantEntry = (await store.historyOf("grant", product.grantId))[0];
  if (!grantEntry)
    throw new LedgerError("NOT_FOUND", `no grant ${product.grantId}`, { kind: "grant", id: product.grantId });
  const grant = grantEntry.signed.record.body as Grant;

  // Hops of the product, plus earlier hops of the grant that produced artifacts they used.
  const hops = new Map<string, HopNode>();
  const queue = await store.linked("product.hops", productId);
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (hops.has(id)) continue;
    const entry = (await store.historyOf("hop", id))[0];
    if (!entry) continue;
    const hop = entry.signed.record.body as LineageHop;
    hops.set(id, { hop, actor: entry.signed.record.actor, ...txInfo(entry) });
    for (const input of hop.inputs) if (input.kind === "artifact") queue.push(input.hopId);
  }

  const versions = new Map<string, Set<number>>();
  const edges: LineageEdge[] = [];
  const unresolved: { hopId: string; input: HopInput }[] = [];
  for (const { hop } of hops.values()) {
    for (const input of hop.inputs) {
      if (input.kind === "resource") {
        (versions.get(input.resourceId) ?? versions.set(input.resourceId, new Set()).get(input.resourceId)!).add(
          input.version,
        );
        edges.push({ from: nodeId.resource(input.resourceId, input.version), to: nodeId.hop(hop.id), type: "used" });
      } else {
        const producer = hops.get(input.hopId);
        if (!producer || producer.hop.outputHash !== input.hash || producer.hop.grantId !== hop.grantId)
          unresolved.push({ hopId: hop.id, input });
        edges.push({ from: nodeId.artifact(input.hash), to: nodeId.hop(hop.id), type: "used" });
      }
    }
    edges.push({ from: nodeId.hop(hop.id), to: nodeId.artifact(hop.outputHash), type: "generated" });
    edges.push({ from: nodeId.grant(hop.grantId), to: nodeId.hop(hop.id), type: "authorised" });
  }

  const resources: (Resource & { versionsUsed: number[] })[] = [];
  for (const [id, used] of versions) {
    const entry = (await store.historyOf("resource", id))[0];
    if (!entry) {
      for (const node of hops.values())
        for (const input of node.hop.inputs)
          if (input.kind === "resource" && input.resourceId === id) unresolved.push({ hopId: node.hop.id, input });
      continue;
    }
    resources.push({ ...(entry.signed.record.body as Resource), versionsUsed: [...used].sort((a, b) => a - b) });
  }

  const orgIds = new Set<string>([
    grant.grantee,
    productEntry.signed.record.actor,
    ...[...hops.values()].map((h) => h.actor),
  ]);
  const onBehalfOf: Record<string, string> = {};
  for (const node of hops.values()) if (node.actor !== grant.grantee) onBehalfOf[node.actor] = grant.grantee;
  const organisations = [];
  for (const orgId of orgIds) {
    const actor = await store.actor(orgId);
    organisations.push({ orgId, name: actor?.name ?? "", role: actor?.role ?? "" });
  }

  return {
    scope: "full",
    product: { ...product, operator: productEntry.signed.record.actor },
    productTx: txInfo(productEntry),
    grant,
    grantTx: txInfo(grantEntry),
    resources,
    hops: [...hops.values()].sort((a, b) => a.blockNumber - b.blockNumber || a.leafIndex - b.leafIndex),
    onBehalfOf,
    organisations,
    edges,
    unresolved,
  };
}

/** Edges of one hop: its inputs used, its output generated, its grant authorising it. */
function hopEdges(hop: LineageHop): LineageEdge[] {
  return [
    ...hop.inputs.map((input) => ({
      from: input.kind === "resource" ? nodeId.resource(input.resourceId, input.version) : nodeId.artifact(input.hash),
      to: nodeId.hop(hop.id),
      type: "used" as const,
    })),
    { from: nodeId.hop(hop.id), to: nodeId.artifact(hop.outputHash), type: "generated" },
    { from: nodeId.grant(hop.grantId), to: nodeId.hop(hop.id), type: "authorised" },
  ];
}

/** The lineage a recipient sees (domain/access.ts decides who is one and which deliveries are its own). */
export async function recipientLineage(
  store: IndexStore,
  facts: PublicProductFacts,
  deliveries: ReadonlySet<string>,
): Promise<RecipientLineage> {
  const hops: HopNode[] = [];
  for (const id of deliveries) {
    const entry = (await store.historyOf("hop", id))[0];
    if (!entry) continue;
    hops.push({ hop: entry.signed.record.body as LineageHop, actor: entry.signed.record.actor, ...txInfo(entry) });
  }
  hops.sort((a, b) => a.blockNumber - b.blockNumber || a.leafIndex - b.leafIndex);
  const orgIds = new Set<string>([
    facts.operator,
    ...hops.map((h) => h.actor),
    ...hops.map((h) => h.hop.delivery!.recipient),
  ]);
  const onBehalfOf: Record<string, string> = {};
  for (const node of hops) if (node.actor !== facts.operator) onBehalfOf[node.actor] = facts.operator;
  const organisations = [];
  for (const orgId of orgIds) {
    const actor = await store.actor(orgId);
    organisations.push({ orgId, name: actor?.name ?? "", role: actor?.role ?? "" });
  }
  return {
    scope: "recipient",
    product: facts,
    resources: [],
    hops,
    onBehalfOf,
    organisations,
    edges: hops.flatMap((h) => hopEdges(h.hop)),
    unresolved: [],
  };
}
