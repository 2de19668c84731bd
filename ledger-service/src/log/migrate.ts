import type { BatchOp } from "../storage/level.ts";
import { LogError } from "./errors.ts";
import { Frontier } from "./frontier.ts";
import { LAYOUT_VERSION, type LogStore } from "./store.ts";
import { TILE_HEIGHT, type NodeId } from "./tiles.ts";
import type { TreeHasher } from "./tree-hasher.ts";

/** What layout 1 (a key per node; entries under `leaf`) kept in its state. */
export interface LayoutOneState {
  readonly version: 1;
  readonly size: number;
  readonly hashId: string;
}

const BATCH = 10_000;
const hex14 = (n: number) => n.toString(16).padStart(14, "0");

/**
 * Rewrites a log of layout 1 as layout 2 in place, so a ledger's data directory from before the
 * tiles keeps every entry, signed checkpoint and anchor. The entries are appended again, in
 * index order, to a fresh frontier; their tiles and entries go to the new sublevels while the
 * state still says version 1, so an interrupted migration simply starts over. Before the state
 * switches to version 2, every complete subtree of the rebuilt tree's right edge must equal
 * layout 1's stored node (so the two trees have the same root); otherwise LOG_CORRUPT and nothing
 * switches. The old sublevels are cleared last. Checkpoint and anchor tables are unchanged.
 */
export async function migrateFromLayoutOne(store: LogStore, hasher: TreeHasher, state: LayoutOneState, edge: (size: number) => NodeId[]): Promise<void> {
  const db = store.db;
  const leaves = db.sublevel<string, Buffer>("leaf", { valueEncoding: "buffer" });
  const nodes = db.sublevel<string, Buffer>("node", { valueEncoding: "buffer" });
  const frontier = Frontier.empty(hasher);
  let ops: BatchOp[] = [];
  const flush = async () => {
    for (const t of frontier.partialSince(0)) ops.push(store.tileOp(t.tileLevel, t.tileIndex, t.hashes));
    await store.write(ops, false);
    ops = [];
  };
  for await (const [key, data] of leaves.iterator({ lt: hex14(state.size) })) {
    if (key !== hex14(frontier.size)) throw new LogError("LOG_CORRUPT", `layout 1 entry ${frontier.size} is missing (found ${key})`);
    const index = frontier.append(data, (t) => ops.push(store.tileOp(t.tileLevel, t.tileIndex, t.hashes)));
    ops.push(store.entryOp(index, data));
    if (ops.length >= BATCH) await flush();
  }
  if (frontier.size !== state.size) throw new LogError("LOG_CORRUPT", `layout 1 holds ${frontier.size} entries, its state says ${state.size}`);
  await flush();
  for (const id of edge(state.size)) {
    const old = await nodes.get(id.level.toString(16).padStart(2, "0") + hex14(id.index));
    const rebuilt = frontier.hashOf(id);
    if (!old || !rebuilt || !Buffer.from(rebuilt).equals(old)) throw new LogError("LOG_CORRUPT", `layout 1 node ${id.level}/${id.index} differs from the tree rebuilt from its entries`);
  }
  await store.write([store.stateOp({ version: LAYOUT_VERSION, size: state.size, hashId: state.hashId, tileHeight: TILE_HEIGHT })], true);
  await leaves.clear();
  await nodes.clear();
}
