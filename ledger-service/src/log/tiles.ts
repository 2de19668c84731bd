import { LogError } from "./errors.ts";

/**
 * Where the durable log keeps its node hashes: in tiles of height 8, after Go's sumdb `tlog`
 * and C2SP tlog-tiles. Tile (L, t) is the subtree whose bottom row is nodes 256·t … 256·t + 255
 * of tree level 8·L; its root, a node of level 8·(L + 1), is in the bottom row of tile level
 * L + 1. Unlike a tlog tile, which keeps only its bottom row, ours keeps every row: row j holds
 * the nodes of tree level 8·L + j, ⌊width / 2^j⌋ of them for a tile of `width` bottom hashes
 * (510 hashes, 16 KiB of SM3, once full). Row 0 is exactly the tlog tile.
 *
 * Why: the log used to store every node under its own key, so an append cost a put per node and
 * an inclusion proof at 10M leaves ~24 reads, most of them LevelDB block-cache misses. Now an
 * append batch writes one value per 256 leaves (plus the rewritten partial tile of each level it
 * extends), and a proof reads one tile per tile level (3 at 10M leaves, of which the top one is
 * in memory). Keeping the inner rows doubles the bytes of hashes on disk (64 per leaf, next to
 * the entry itself) but makes every node a lookup: a proof from bottom rows alone would hash
 * ~250 nodes per tile.
 */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 2 ** TILE_HEIGHT;

/** A node of the tree: the complete subtree of 2^level leaves starting at leaf index·2^level. */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

export interface TileId {
  readonly tileLevel: number;
  readonly tileIndex: number;
}

/** Where a node's hash is: tile, row (0–7) and position in the row. */
export interface NodeSpot extends TileId {
  readonly row: number;
  readonly position: number;
}

/** Where row j starts, in hashes, in a tile of `width` (rows are stored one after the other). */
function rowStart(width: number, row: number): number {
  let n = 0;
  for (let j = 0; j < row; j++) n += Math.floor(width / 2 ** j);
  return n;
}

/** Hashes in a tile of `width` bottom hashes (0–256): ⌊width / 2^j⌋ in each row j. */
export function tileHashCount(width: number): number {
  return rowStart(width, TILE_HEIGHT);
}

/** Hashes in a full tile: the length of the layout the log keeps tiles in, in memory and read. */
export const FULL_TILE_HASHES = tileHashCount(TILE_WIDTH);

const FULL_ROW_START = Array.from({ length: TILE_HEIGHT }, (_, row) => rowStart(TILE_WIDTH, row));

export function locate(node: NodeId): NodeSpot {
  const tileLevel = Math.floor(node.level / TILE_HEIGHT);
  const row = node.level - tileLevel * TILE_HEIGHT;
  const perRow = TILE_WIDTH / 2 ** row;
  const tileIndex = Math.floor(node.index / perRow);
  return { tileLevel, tileIndex, row, position: node.index - tileIndex * perRow };
}

/** The position, in hashes, of row `row`, position `position` in the full layout. */
export function slot(row: number, position: number): number {
  return FULL_ROW_START[row]! + position;
}

/** Complete nodes of tree level 8·tileLevel in a tree of `size` leaves. */
export function tileBottomCount(tileLevel: number, size: number): number {
  return Math.floor(size / 2 ** (TILE_HEIGHT * tileLevel));
}

/**
 * The rightmost tile of tile level `tileLevel` in a tree of `size` leaves: its index and width
 * (bottom hashes, 0–255; 0 when every tile of the level is full and the next one is empty).
 */
export function edgeTile(tileLevel: number, size: number): TileId & { readonly width: number } {
  const n = tileBottomCount(tileLevel, size);
  return { tileLevel, tileIndex: Math.floor(n / TILE_WIDTH), width: n % TILE_WIDTH };
}

/** Tile levels holding any hash in a tree of `size` leaves. */
export function tileLevels(size: number): number {
  let levels = 0;
  while (tileBottomCount(levels, size) >= 1) levels++;
  return levels;
}

/**
 * The stored form of the first `width` columns of a tile kept in the full layout: each row cut
 * to its complete nodes, rows one after the other (a full tile is its own stored form).
 */
export function compactTile(full: Uint8Array, width: number, hashBytes: number): Uint8Array {
  const out = new Uint8Array(tileHashCount(width) * hashBytes);
  for (let row = 0, at = 0; row < TILE_HEIGHT; row++) {
    const n = Math.floor(width / 2 ** row) * hashBytes;
    const from = FULL_ROW_START[row]! * hashBytes;
    out.set(full.subarray(from, from + n), at);
    at += n;
  }
  return out;
}

/** A stored tile of `width` back in the full layout (the hashes past its width zero). */
export function expandTile(stored: Uint8Array, width: number, hashBytes: number, id: TileId): Uint8Array {
  if (stored.length !== tileHashCount(width) * hashBytes)
    throw new LogError(
      "LOG_CORRUPT",
      `tile ${id.tileLevel}/${id.tileIndex} should hold ${tileHashCount(width)} hashes of ${width} columns`,
    );
  const full = new Uint8Array(FULL_TILE_HASHES * hashBytes);
  for (let row = 0; row < TILE_HEIGHT; row++) {
    const n = Math.floor(width / 2 ** row) * hashBytes;
    const from = rowStart(width, row) * hashBytes;
    full.set(stored.subarray(from, from + n), FULL_ROW_START[row]! * hashBytes);
  }
  return full;
}
