import type { LineageDocument } from "../../../../../../core/lineage-graph.ts";

export type NodeKind = "resource" | "hop" | "artifact" | "delivery" | "recipient";

/** The ledger record a node stands for: its history route's kind and id, and the hash when known. */
export interface RecordRef {
  readonly kind: "resource" | "hop" | "actor" | "grant" | "partner" | "product" | "certificate";
  readonly id: string;
  readonly recordHash?: string;
}

export interface GraphNode {
  readonly id: string;
  readonly kind: NodeKind;
  readonly label: string;
  readonly detail: string;
  readonly record: RecordRef;
}

export interface GraphEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
}

export interface LineageElements {
  readonly nodes: GraphNode[];
  readonly edges: GraphEdge[];
}

const short = (hash: string) => hash.slice(0, 10);

/**
 * The graph the supervisor follows: resources (at the versions used) → hops → the artifacts they
 * output → further hops → deliveries → recipients. A delivery's own output is what the
 * recipient received, so the delivery points at the recipient instead of at an artifact. The
 * grant that authorised every hop is one fact of the page, not an edge to each hop.
 */
export function lineageElements(doc: LineageDocument): LineageElements {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const names = new Map(doc.organisations.map((o) => [o.orgId, o.name]));
  const producers = new Map(doc.hops.map((h) => [h.hop.outputHash, h]));
  const add = (n: GraphNode) => void (nodes.has(n.id) || nodes.set(n.id, n));
  const link = (source: string, target: string) => {
    const id = `${source}→${target}`;
    if (!edges.has(id)) edges.set(id, { id, source, target });
  };
  const artifact = (hash: string, producerHopId?: string) => {
    const producer = producers.get(hash);
    const hopId = producer?.hop.id ?? producerHopId ?? "";
    add({
      id: `artifact:${hash}`,
      kind: "artifact",
      label: short(hash),
      detail: hash,
      record: { kind: "hop", id: hopId, ...(producer ? { recordHash: producer.recordHash } : {}) },
    });
    return `artifact:${hash}`;
  };

  for (const r of doc.resources)
    for (const v of r.versionsUsed)
      add({
        id: `resource:${r.id}@${v}`,
        kind: "resource",
        label: `${r.id} v${v}`,
        detail: r.name,
        record: { kind: "resource", id: r.id },
      });

  for (const h of doc.hops) {
    const delivery = h.hop.delivery;
    const id = `hop:${h.hop.id}`;
    add({
      id,
      kind: delivery ? "delivery" : "hop",
      label: `${h.hop.id} · ${h.hop.operation}`,
      detail: names.get(h.actor) || h.actor,
      record: { kind: "hop", id: h.hop.id, recordHash: h.recordHash },
    });
    for (const input of h.hop.inputs) {
      if (input.kind === "resource") {
        const rid = `resource:${input.resourceId}@${input.version}`;
        // A recipient's view carries no resources; a hop may still name one.
        add({
          id: rid,
          kind: "resource",
          label: `${input.resourceId} v${input.version}`,
          detail: "",
          record: { kind: "resource", id: input.resourceId },
        });
        link(rid, id);
      } else link(artifact(input.hash, input.hopId), id);
    }
    if (delivery) {
      const rid = `recipient:${delivery.recipient}`;
      add({
        id: rid,
        kind: "recipient",
        label: names.get(delivery.recipient) || delivery.recipient,
        detail: delivery.recipient,
        record: { kind: "actor", id: delivery.recipient },
      });
      link(id, rid);
    } else link(id, artifact(h.hop.outputHash, h.hop.id));
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}
