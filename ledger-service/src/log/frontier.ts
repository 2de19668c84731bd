import {
  compactTile,
  edgeTile,
  expandTile,
  FULL_TILE_HASHES,
  locate,
  slot,
  TILE_HEIGHT,
  TILE_WIDTH,
  tileBottomCount,
  tileLevels,
  type NodeId,
  type NodeSpot,
  type TileId,
} from "./tiles.ts";

/** The rightmost tile of every tile level of a tree of `size` leaves. */
const edgeTiles = (size: number) => Array.from({ length: tileLevels(size) }, (_, level) => edgeTile(level, size));
import type { TreeHasher } from "./tree-hasher.ts";

/** A tile's hashes in their stored form (`tiles.ts`). */
export interface Tile extends TileId {
  readonly hashes: Uint8Array;
}

/**
 * The right edge of the tree, all an append needs: the size and, per tile level, the rightmost
 * tile (in the full layout, its hashes past the tree's size meaningless). The complete subtrees
 * the tree is made of all lie in these tiles. Appending a leaf hashes it into the level-0 tile
 * and, while the new node is a right child, hashes it with its left sibling (the hash before it
 * in the same row) into the row above, or into the next tile level above row 7. A tile whose
 * last node is written is handed out to be stored, never to change again.
 *
 * A frontier is changed only through `append`, and the log appends to a `clone()` that becomes
 * current once its batch is durable: readers keep using the one they hold.
 */
export class Frontier {
  private constructor(
    private readonly hasher: TreeHasher,
    private count: number,
    private readonly tiles: Uint8Array[],
  ) {}

  static empty(hasher: TreeHasher): Frontier {
    return new Frontier(hasher, 0, []);
  }

  /** The partial tiles a store of `size` leaves holds (those with 1–255 columns). */
  static partialTiles(size: number): TileId[] {
    return edgeTiles(size)
      .filter((t) => t.width > 0)
      .map(({ tileLevel, tileIndex }) => ({ tileLevel, tileIndex }));
  }

  /** The frontier of a stored tree of `size` leaves from its partial tiles, by tile level. */
  static restore(hasher: TreeHasher, size: number, partial: readonly (Uint8Array | undefined)[]): Frontier {
    const tiles = edgeTiles(size).map((t) =>
      t.width === 0
        ? new Uint8Array(FULL_TILE_HASHES * hasher.width)
        : expandTile(partial[t.tileLevel] ?? new Uint8Array(0), t.width, hasher.width, t),
    );
    return new Frontier(hasher, size, tiles);
  }

  get size(): number {
    return this.count;
  }

  clone(): Frontier {
    return new Frontier(
      this.hasher,
      this.count,
      this.tiles.map((t) => t.slice()),
    );
  }

  /** Appends the leaf `entry` and returns its index; `full` receives each tile this completes. */
  append(entry: Uint8Array, full: (tile: Tile) => void): number {
    const w = this.hasher.width;
    const index = this.count;
    let tileLevel = 0;
    let tile = this.tile(0);
    let at = slot(0, index % TILE_WIDTH);
    this.hasher.leafInto(entry, tile, at * w);
    for (let level = 0, i = index; i % 2 === 1; level++, i = (i - 1) / 2) {
      const row = level % TILE_HEIGHT;
      const parent = (i - 1) / 2;
      if (row < TILE_HEIGHT - 1) {
        const up = slot(row + 1, parent % (TILE_WIDTH / 2 ** (row + 1)));
        this.hasher.nodeInto(tile, (at - 1) * w, tile, at * w, tile, up * w);
        at = up;
      } else {
        // The tile's top pair: its root starts the tile above, and the tile is complete.
        const above = this.tile(tileLevel + 1);
        const up = slot(0, parent % TILE_WIDTH);
        this.hasher.nodeInto(tile, (at - 1) * w, tile, at * w, above, up * w);
        full({ tileLevel, tileIndex: parent, hashes: tile });
        this.tiles[tileLevel] = new Uint8Array(FULL_TILE_HASHES * w);
        tileLevel++;
        tile = above;
        at = up;
      }
    }
    this.count = index + 1;
    return index;
  }

  /**
   * The partial tiles this frontier has changed since a size of `since`, in their stored form:
   * what a batch must store besides the full tiles `append` handed out.
   */
  partialSince(since: number): Tile[] {
    const out: Tile[] = [];
    for (let level = 0; level < this.tiles.length; level++) {
      const { tileIndex, width } = edgeTile(level, this.count);
      if (width === 0 || tileBottomCount(level, this.count) === tileBottomCount(level, since)) continue;
      out.push({ tileLevel: level, tileIndex, hashes: compactTile(this.tiles[level]!, width, this.hasher.width) });
    }
    return out;
  }

  /**
   * The hash at `spot` (of a node complete in this tree) if it lies in one of the frontier's
   * partial tiles, as a view; undefined if it is in a full tile, which is stored.
   */
  hashAt(spot: NodeSpot): Uint8Array | undefined {
    const edge = edgeTile(spot.tileLevel, this.count);
    if (edge.width === 0 || spot.tileIndex !== edge.tileIndex) return undefined;
    const w = this.hasher.width;
    const at = slot(spot.row, spot.position) * w;
    return this.tiles[spot.tileLevel]!.subarray(at, at + w);
  }

  hashOf(node: NodeId): Uint8Array | undefined {
    return this.hashAt(locate(node));
  }

  private tile(tileLevel: number): Uint8Array {
    while (this.tiles.length <= tileLevel) this.tiles.push(new Uint8Array(FULL_TILE_HASHES * this.hasher.width));
    return this.tiles[tileLevel]!;
  }
}
