import type { BatchOp } from "../storage/level.ts";
import { LogError } from "./errors.ts";
import { Frontier } from "./frontier.ts";
import { decompose } from "./rfc9162.ts";
import { entryKey, LAYOUT_VERSION, type LayoutOneState, type LogStore } from "./log-store.ts";
import { TILE_HEIGHT } from "./tiles.ts";
import type { TreeHasher } from "./tree-hasher.ts";

/**
 * Layout 1 of the log, before the tiles: every complete subtree under its own key in `node`
 * (level, 2 hex digits, then index, 14), entries in `leaf` (keyed as layout 2 keys them).
 */
const LEAF = "leaf";
const NODE = "node";
const nodeKey = (level: number, index: number) => level.toString(16).padStart(2, "0") + entryKey(index);
const BATCH = 10_000;

function layoutOne(store: LogStore) {
  return {
    leaves: store.db.sublevel<string, Buffer>(LEAF, { valueEncoding: "buffer" }),
    nodes: store.db.sublevel<string, Buffer>(NODE, { valueEncoding: "buffer" }),
  };
}

/**
 * Rewrites a log of layout 1 as layout 2 in place, so a ledger's data directory from before the
 * tiles keeps every entry, signed checkpoint and anchor. The entries are appended again, in
 * index order, to a fresh frontier; their tiles and entries go to the new sublevels in synced
 * batches (LevelDB syncs only its current log file, so an unsynced batch could be lost behind a
 * later synced one) while the state still says version 1: an interrupted migration simply
 * starts over. Before the state switches to version 2, every complete subtree of the rebuilt
 * tree's right edge must equal layout 1's stored node (the two trees then have the same root,
 * and those nodes cover every entry); otherwise LOG_CORRUPT and nothing switches. Checkpoint and
 * anchor tables are unchanged; the old sublevels are cleared afterwards.
 */
export async function migrateFromLayoutOne(store: LogStore, hasher: TreeHasher, state: LayoutOneState): Promise<void> {
  const { leaves, nodes } = layoutOne(store);
  const frontier = Frontier.empty(hasher);
  let ops: BatchOp[] = [];
  const flush = async () => {
    for (const t of frontier.partialSince(0)) ops.push(store.tileOp(t.tileLevel, t.tileIndex, t.hashes));
    await store.write(ops, true);
    ops = [];
  };
  for await (const [key, data] of leaves.iterator({ lt: entryKey(state.size) })) {
    if (key !== entryKey(frontier.size))
      throw new LogError("LOG_CORRUPT", `layout 1 entry ${frontier.size} is missing (found ${key})`);
    const index = frontier.append(data, (t) => ops.push(store.tileOp(t.tileLevel, t.tileIndex, t.hashes)));
    ops.push(store.entryOp(index, data));
    if (ops.length >= BATCH) await flush();
  }
  if (frontier.size !== state.size)
    throw new LogError("LOG_CORRUPT", `layout 1 holds ${frontier.size} entries, its state says ${state.size}`);
  await flush();
  for (const id of decompose(0, state.size)) {
    const old = await nodes.get(nodeKey(id.level, id.index));
    const rebuilt = frontier.hashOf(id);
    if (!old || !rebuilt || !Buffer.from(rebuilt).equals(old))
      throw new LogError(
        "LOG_CORRUPT",
        `layout 1 node ${id.level}/${id.index} differs from the tree rebuilt from its entries`,
      );
  }
  await store.write(
    [store.stateOp({ version: LAYOUT_VERSION, size: state.size, hashId: state.hashId, tileHeight: TILE_HEIGHT })],
    true,
  );
  await clearLayoutOneLeftovers(store);
}

/** Clears what a migration left of layout 1 (after a crash between its state switch and its clean-up). */
export async function clearLayoutOneLeftovers(store: LogStore): Promise<void> {
  for (const sublevel of Object.values(layoutOne(store))) {
    if ((await sublevel.keys({ limit: 1 }).all()).length > 0) await sublevel.clear();
  }
}
