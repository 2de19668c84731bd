import ELK from "elkjs/lib/elk.bundled.js";
import type { LineageElements } from "./lineage-model.ts";

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 46;

export interface Positioned {
  readonly positions: ReadonlyMap<string, { x: number; y: number }>;
}

// One layered (Sugiyama) layout engine for the page; ELK's bundled build runs in this thread, so
// nothing is loaded at run time (the console's CSP allows scripts from its own origin only).
const elk = new ELK();

/**
 * Lays the lineage out left to right in layers, sources first, with ELK's layered algorithm:
 * edges mostly point one way and cross little, which keeps a few hundred nodes readable.
 */
export async function layoutLineage(elements: LineageElements): Promise<Positioned> {
  const graph = await elk.layout({
    id: "lineage",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.layered.spacing.nodeNodeBetweenLayers": "70",
      "elk.spacing.nodeNode": "18",
      "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
      "elk.layered.crossingMinimization.strategy": "LAYER_SWEEP",
      // One sweep instead of ELK's default seven: a lineage is mostly a tree, and at 500 nodes the
      // extra sweeps cost about 40 % of the layout (bench:console) for few crossings saved.
      "elk.layered.thoroughness": "1",
      "elk.separateConnectedComponents": "true",
    },
    children: elements.nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: elements.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const positions = new Map<string, { x: number; y: number }>();
  for (const c of graph.children ?? []) positions.set(c.id, { x: c.x ?? 0, y: c.y ?? 0 });
  return { positions };
}
