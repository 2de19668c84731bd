import { setTimeout as sleep } from "node:timers/promises";
import { ClassicLevel } from "classic-level";

/**
 * A LevelDB store written in bulk (a benchmark's history, built in seconds) is left with
 * compaction debt no long-running service has: more level-0 tables than LevelDB's trigger and
 * levels over their size limits, so that every later open starts compactions and every read
 * goes through more tables. LevelDB pays that debt itself, in its background thread, for as
 * long as the store stays open; a service that writes at its own pace keeps it paid. This keeps
 * the store open, without writing, until LevelDB's own rules ask for no more compaction, so a
 * measurement meets the store a long-running service leaves behind (not a fully compacted one).
 */
export interface LevelLayout {
  /** Tables per level, level 0 first. */
  readonly files: number[];
  /** Bytes per level. */
  readonly bytes: number[];
}

/** LevelDB's compaction triggers (db/dbformat.h, version_set.cc): 4 level-0 tables; 10 MB × 10^(L−1) at level L ≥ 1. */
const L0_TRIGGER = 4;
const maxBytesForLevel = (level: number) => 10 * 1048576 * 10 ** (level - 1);

export function layoutOf(sstables: string): LevelLayout {
  const files: number[] = [];
  const bytes: number[] = [];
  let level = -1;
  for (const line of sstables.split("\n")) {
    const header = /^--- level (\d+) ---$/.exec(line.trim());
    if (header) {
      level = Number(header[1]);
      files[level] = 0;
      bytes[level] = 0;
      continue;
    }
    const table = /^\s*\d+:(\d+)\[/.exec(line);
    if (table && level >= 0) {
      files[level]! += 1;
      bytes[level]! += Number(table[1]);
    }
  }
  return { files, bytes };
}

export function needsCompaction(layout: LevelLayout): boolean {
  if ((layout.files[0] ?? 0) >= L0_TRIGGER) return true;
  return layout.bytes.some((b, level) => level >= 1 && b >= maxBytesForLevel(level));
}

export async function settleCompactions(path: string, pollMs = 250): Promise<LevelLayout> {
  const db = new ClassicLevel<string, string>(path, { keyEncoding: "utf8", valueEncoding: "utf8" });
  await db.open();
  try {
    for (;;) {
      const layout = layoutOf(db.getProperty("leveldb.sstables"));
      if (!needsCompaction(layout)) return layout;
      await sleep(pollMs);
    }
  } finally {
    await db.close();
  }
}
