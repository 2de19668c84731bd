import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { expect } from "chai";
import { ClassicLevel } from "classic-level";
import { sm3 } from "../../core/crypto/sm3.ts";
import { MerkleLog, verifyConsistency, verifyInclusion } from "../../ledger-service/src/log/index.ts";
import { rejectsWith, tempDirs } from "./helpers.ts";
import { hex, referenceTree } from "./reference.ts";

/**
 * A data directory written before the tiles (layout 1: a key per complete subtree under `node`,
 * entries under `leaf`) opens as layout 2 with the same tree: same root, proofs that verify,
 * checkpoints and anchors untouched.
 */
const ref = referenceTree((d) => sm3(d));
const hex14 = (n: number) => n.toString(16).padStart(14, "0");

/** Writes a layout-1 store of `entries` the way the earlier MerkleLog did. */
async function writeLayoutOne(
  location: string,
  entries: readonly Buffer[],
  corrupt?: (ops: { key: string; value: Buffer }[]) => void,
): Promise<void> {
  const db = new ClassicLevel<string, unknown>(location, { valueEncoding: "json" });
  await db.open();
  const leaves = db.sublevel<string, Buffer>("leaf", { valueEncoding: "buffer" });
  const nodes = db.sublevel<string, Buffer>("node", { valueEncoding: "buffer" });
  const nodeOps: { key: string; value: Buffer }[] = [];
  for (let level = 0; 2 ** level <= entries.length; level++) {
    for (let i = 0; (i + 1) * 2 ** level <= entries.length; i++)
      nodeOps.push({
        key: level.toString(16).padStart(2, "0") + hex14(i),
        value: Buffer.from(ref.MTH(entries.slice(i * 2 ** level, (i + 1) * 2 ** level))),
      });
  }
  corrupt?.(nodeOps);
  await leaves.batch(entries.map((value, i) => ({ type: "put" as const, key: hex14(i), value })));
  await nodes.batch(nodeOps.map((o) => ({ type: "put" as const, ...o })));
  await db
    .sublevel<string, unknown>("meta", { valueEncoding: "json" })
    .put("state", { version: 1, size: entries.length, hashId: hex(sm3(new Uint8Array())) });
  await db
    .sublevel<string, unknown>("checkpoint", { valueEncoding: "json" })
    .put("0000000000000005", { size: 5, rootHash: hex(ref.MTH(entries.slice(0, 5))) });
  await db.close();
}

describe("log layout 1 → 2 migration", function () {
  const dir = tempDirs("pdl-migrate-");

  it("rewrites a layout-1 log as tiles with the same tree, keeping its other tables", async () => {
    const entries = Array.from({ length: 700 }, (_, i) => randomBytes(20 + (i % 90)));
    const location = join(dir(), "log");
    await writeLayoutOne(location, entries);
    const log = await MerkleLog.open(location);
    expect(log.size).to.equal(700);
    expect(hex(await log.root())).to.equal(hex(ref.MTH(entries)));
    for (const n of [1, 5, 255, 256, 257, 512, 699, 700])
      expect(hex(await log.root(n)), `root ${n}`).to.equal(hex(ref.MTH(entries.slice(0, n))));
    for (const i of [0, 1, 255, 256, 511, 600, 699]) {
      expect(Buffer.from(await log.entry(i)).equals(entries[i]!)).to.equal(true);
      expect(verifyInclusion(i, 700, ref.leaf(entries[i]!), await log.inclusionProof(i), ref.MTH(entries))).to.equal(
        true,
      );
    }
    expect(
      verifyConsistency(5, 700, ref.MTH(entries.slice(0, 5)), ref.MTH(entries), await log.consistencyProof(5)),
    ).to.equal(true);
    expect(await log.store.table<{ size: number }>("checkpoint").get("0000000000000005")).to.include({ size: 5 });
    const leftovers = await log.store.db.sublevel("leaf").keys({ limit: 1 }).all();
    expect(leftovers).to.deep.equal([]);
    // It goes on appending as a layout-2 log, and reopens as one.
    const more = [randomBytes(33)];
    await log.append(more);
    await log.close();
    const again = await MerkleLog.open(location);
    expect(hex(await again.root())).to.equal(hex(ref.MTH([...entries, ...more])));
    await again.close();
  });

  it("starts over after an interrupted migration, and clears layout 1 left behind after the switch", async () => {
    const entries = Array.from({ length: 600 }, () => randomBytes(48));
    const location = join(dir(), "interrupted");
    await writeLayoutOne(location, entries);
    // What a migration cut short leaves: some layout-2 entries and tiles, the state still layout 1.
    const db = new ClassicLevel<string, unknown>(location, { valueEncoding: "json" });
    await db.open();
    await db.sublevel<string, Buffer>("entry", { valueEncoding: "buffer" }).put(hex14(3), Buffer.from("half-written"));
    await db
      .sublevel<string, Buffer>("tile", { valueEncoding: "buffer" })
      .put("00" + "0".repeat(12), Buffer.alloc(64, 7));
    await db.close();
    const log = await MerkleLog.open(location);
    expect(hex(await log.root())).to.equal(hex(ref.MTH(entries)));
    expect(Buffer.from(await log.entry(3)).equals(entries[3]!)).to.equal(true);
    expect(verifyInclusion(3, 600, ref.leaf(entries[3]!), await log.inclusionProof(3), ref.MTH(entries))).to.equal(
      true,
    );
    // A crash after the switch, before the clean-up: the next open clears the old sublevels.
    await log.store.db.sublevel<string, Buffer>("leaf", { valueEncoding: "buffer" }).put(hex14(0), entries[0]!);
    await log.close();
    const again = await MerkleLog.open(location);
    expect(await again.store.db.sublevel("leaf").keys({ limit: 1 }).all()).to.deep.equal([]);
    expect(hex(await again.root())).to.equal(hex(ref.MTH(entries)));
    await again.close();
  });

  it("refuses, and leaves as it was, a layout-1 log whose nodes do not match its entries", async () => {
    const entries = Array.from({ length: 300 }, () => randomBytes(40));
    const location = join(dir(), "bad");
    await writeLayoutOne(
      location,
      entries,
      (ops) => (ops.find((o) => o.key === "08" + hex14(0))!.value = Buffer.alloc(32, 1)),
    );
    await rejectsWith(MerkleLog.open(location), "LOG_CORRUPT");
    const db = new ClassicLevel<string, unknown>(location, { valueEncoding: "json" });
    await db.open();
    expect(await db.sublevel("meta", { valueEncoding: "json" }).get("state")).to.include({ version: 1, size: 300 });
    await db.close();
  });

  it("refuses a layout-1 log with an entry missing", async () => {
    const entries = Array.from({ length: 10 }, () => randomBytes(40));
    const location = join(dir(), "gap");
    await writeLayoutOne(location, entries);
    const db = new ClassicLevel<string, unknown>(location, { valueEncoding: "json" });
    await db.open();
    await db.sublevel("leaf").del(hex14(4));
    await db.close();
    await rejectsWith(MerkleLog.open(location), "LOG_CORRUPT");
  });
});
