import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { sm3 } from "../../core/crypto/sm3.ts";
import { Frontier, type Tile } from "../../ledger-service/src/log/frontier.ts";
import { hasherFor, MemoryTree, SHA256, SM3, type HashFn } from "../../ledger-service/src/log/index.ts";
import {
  compactTile,
  expandTile,
  FULL_TILE_HASHES,
  locate,
  slot,
  TILE_WIDTH,
  tileHashCount,
  tileLevels,
} from "../../ledger-service/src/log/tiles.ts";
import { throwsWith } from "./helpers.ts";
import { hex } from "./reference.ts";

// OpenSSL's SM3 behind a HashFn that is not `SM3`: the oracle tree takes the generic hashing path.
const OPENSSL_SM3: HashFn = (d) => sm3(d);

/** Every node of tile `t` (full or the frontier's partial one), checked against the oracle tree. */
function checkTile(t: Tile, width: number, oracle: MemoryTree, what: string): void {
  const expected = new Uint8Array(t.hashes.length);
  const got = new Uint8Array(t.hashes.length);
  for (let row = 0; row < 8; row++) {
    const perRow = TILE_WIDTH / 2 ** row;
    const level = 8 * t.tileLevel + row;
    for (let p = 0; p < Math.floor(width / 2 ** row); p++) {
      const index = t.tileIndex * perRow + p;
      const at = slot(row, p) * 32;
      expected.set(oracle.subtree(index * 2 ** level, 2 ** level), at);
      got.set(t.hashes.subarray(at, at + 32), at);
    }
  }
  expect(hex(got), `${what}: tile ${t.tileLevel}/${t.tileIndex}`).to.equal(hex(expected));
}

describe("tiles and the frontier (tiles.ts, frontier.ts)", () => {
  it("lays a tile out as 8 rows of ⌊width / 2^j⌋ hashes, and locates every node in it", () => {
    expect(FULL_TILE_HASHES).to.equal(510);
    expect([0, 1, 2, 3, 255, 256].map(tileHashCount)).to.deep.equal([0, 1, 3, 4, 502, 510]);
    expect(locate({ level: 0, index: 300 })).to.deep.equal({ tileLevel: 0, tileIndex: 1, row: 0, position: 44 });
    expect(locate({ level: 7, index: 5 })).to.deep.equal({ tileLevel: 0, tileIndex: 2, row: 7, position: 1 });
    expect(locate({ level: 8, index: 5 })).to.deep.equal({ tileLevel: 1, tileIndex: 0, row: 0, position: 5 });
    expect(locate({ level: 17, index: 3 })).to.deep.equal({ tileLevel: 2, tileIndex: 0, row: 1, position: 3 });
    expect([slot(0, 0), slot(1, 0), slot(7, 1)]).to.deep.equal([0, 256, 509]);
    expect(tileLevels(0)).to.equal(0);
    expect([1, 255, 256, 65535, 65536].map(tileLevels)).to.deep.equal([1, 1, 2, 2, 3]);
  });

  it("stores a partial tile as its complete nodes only, and reads it back", () => {
    for (const width of [1, 2, 3, 17, 128, 255, 256]) {
      const full = new Uint8Array(randomBytes(FULL_TILE_HASHES * 32));
      const stored = compactTile(full, width, 32);
      expect(stored.length).to.equal(tileHashCount(width) * 32);
      const back = expandTile(stored, width, 32, { tileLevel: 0, tileIndex: 0 });
      for (let row = 0; row < 8; row++) {
        const n = Math.floor(width / 2 ** row) * 32;
        expect(hex(back.subarray(slot(row, 0) * 32, slot(row, 0) * 32 + n)), `width ${width} row ${row}`).to.equal(
          hex(full.subarray(slot(row, 0) * 32, slot(row, 0) * 32 + n)),
        );
      }
      throwsWith(() => expandTile(stored.subarray(32), width, 32, { tileLevel: 0, tileIndex: 0 }), "LOG_CORRUPT");
    }
  });

  for (const [name, hash, oracleHash] of [
    ["SM3 (sm3-fast)", SM3, OPENSSL_SM3],
    ["SHA-256", SHA256, SHA256],
  ] as [string, HashFn, HashFn][]) {
    it(`${name}: every node a frontier writes, full tiles and partial ones, equals the oracle tree's, across tile levels`, function () {
      this.timeout(120_000);
      // The hashing path is the generic one for SHA-256: a few tiles suffice; SM3 crosses into level 2.
      const n = name === "SHA-256" ? 1300 : 70_000;
      // 64-byte entries take sm3-fast's fixed-padding path, the others its general one.
      const entries = Array.from({ length: n }, (_, i) => randomBytes(i % 3 === 0 ? 64 : 1 + (i % 90)));
      const oracle = MemoryTree.fromEntries(entries, oracleHash);
      const hasher = hasherFor(hash);
      const f = Frontier.empty(hasher);
      const full: Tile[] = [];
      const checkpoints = new Set([1, 2, 255, 256, 257, 511, 512, 4097, 65_535, 65_536, 65_537, n]);
      for (let i = 0; i < n; i++) {
        expect(f.append(entries[i]!, (t) => full.push(t))).to.equal(i);
        if (!checkpoints.has(f.size)) continue;
        const size = f.size;
        for (const t of f.partialSince(0)) {
          const width = Math.floor(size / 2 ** (8 * t.tileLevel)) % TILE_WIDTH;
          // A complete subtree's hash does not depend on the tree around it: the oracle over all n serves.
          checkTile({ ...t, hashes: expandTile(t.hashes, width, 32, t) }, width, oracle, `partial at ${size}`);
        }
        // Every complete subtree the tree is made of is in the frontier.
        for (let level = 0; 2 ** level <= size; level++) {
          const count = Math.floor(size / 2 ** level);
          if (count % 2 === 1)
            expect(hex(f.hashOf({ level, index: count - 1 })!), `edge ${level} at ${size}`).to.equal(
              hex(oracle.subtree((count - 1) * 2 ** level, 2 ** level)),
            );
        }
      }
      const ids = full.map((t) => `${t.tileLevel}/${t.tileIndex}`);
      expect([...ids].sort()).to.deep.equal(
        [...Array.from({ length: Math.floor(n / 256) }, (_, i) => `0/${i}`), ...(n >= 65_536 ? ["1/0"] : [])].sort(),
      );
      // The level-1 tile completes with the leaf that completes level-0 tile 255.
      if (n >= 65_536) expect(ids.indexOf("1/0")).to.equal(ids.indexOf("0/255") + 1);
      for (const t of full) checkTile(t, TILE_WIDTH, oracle, "full");
    });
  }

  it("restores from its stored partial tiles and goes on exactly as the original", () => {
    const hasher = hasherFor(SM3);
    const entries = Array.from({ length: 66_000 }, () => randomBytes(64));
    for (const cut of [0, 1, 255, 256, 300, 65_535, 65_536, 65_600]) {
      const a = Frontier.empty(hasher);
      for (let i = 0; i < cut; i++) a.append(entries[i]!, () => undefined);
      const stored: (Uint8Array | undefined)[] = [];
      for (const t of a.partialSince(0)) stored[t.tileLevel] = t.hashes;
      expect(Frontier.partialTiles(cut).map((t) => t.tileLevel)).to.deep.equal(
        a.partialSince(0).map((t) => t.tileLevel),
      );
      const b = Frontier.restore(hasher, cut, stored);
      const fullA: string[] = [];
      const fullB: string[] = [];
      for (let i = cut; i < Math.min(cut + 700, entries.length); i++) {
        a.append(entries[i]!, (t) => fullA.push(`${t.tileLevel}/${t.tileIndex}:${hex(t.hashes)}`));
        b.append(entries[i]!, (t) => fullB.push(`${t.tileLevel}/${t.tileIndex}:${hex(t.hashes)}`));
      }
      expect(fullB, `after restoring at ${cut}`).to.deep.equal(fullA);
      expect(b.partialSince(0).map((t) => hex(t.hashes))).to.deep.equal(a.partialSince(0).map((t) => hex(t.hashes)));
    }
    // A partial tile missing or cut short is a corrupt store.
    const f = Frontier.empty(hasher);
    for (let i = 0; i < 300; i++) f.append(entries[i]!, () => undefined);
    const [p0, p1] = f.partialSince(0);
    throwsWith(() => Frontier.restore(hasher, 300, [p0!.hashes]), "LOG_CORRUPT");
    throwsWith(() => Frontier.restore(hasher, 300, [p0!.hashes.subarray(32), p1!.hashes]), "LOG_CORRUPT");
    throwsWith(() => Frontier.restore(hasher, 301, [p0!.hashes, p1!.hashes]), "LOG_CORRUPT");
  });

  it("a clone goes on alone: appending to it leaves the original as it was", () => {
    const hasher = hasherFor(SM3);
    const f = Frontier.empty(hasher);
    for (let i = 0; i < 250; i++) f.append(randomBytes(64), () => undefined);
    const before = f.partialSince(0).map((t) => hex(t.hashes));
    const c = f.clone();
    for (let i = 0; i < 600; i++) c.append(randomBytes(64), () => undefined);
    expect(f.size).to.equal(250);
    expect(c.size).to.equal(850);
    expect(f.partialSince(0).map((t) => hex(t.hashes))).to.deep.equal(before);
  });
});
