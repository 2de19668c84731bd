import type { ClassicLevel } from "classic-level";

/**
 * A typed view of one LevelDB sublevel with JSON values. classic-level's own generics do not
 * survive sublevels and batches well; this keeps the casts in one place.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnySublevel = any;

export class Table<V> {
  readonly sublevel: AnySublevel;

  constructor(root: ClassicLevel<string, unknown>, name: string) {
    this.sublevel = root.sublevel<string, V>(name, { valueEncoding: "json" });
  }

  async get(key: string): Promise<V | undefined> {
    const value = (await this.sublevel.get(key)) as V | undefined;
    return value ?? undefined;
  }

  put(key: string, value: V): Promise<void> {
    return this.sublevel.put(key, value);
  }

  del(key: string): Promise<void> {
    return this.sublevel.del(key);
  }

  async *entries(
    range: { gte?: string; lt?: string; reverse?: boolean; limit?: number } = {},
  ): AsyncIterable<[string, V]> {
    for await (const [k, v] of this.sublevel.iterator(range)) yield [k as string, v as V];
  }

  async *keys(range: { gte?: string; lt?: string; reverse?: boolean; limit?: number } = {}): AsyncIterable<string> {
    for await (const k of this.sublevel.keys(range)) yield k as string;
  }

  async *values(range: { gte?: string; lt?: string; reverse?: boolean; limit?: number } = {}): AsyncIterable<V> {
    for await (const v of this.sublevel.values(range)) yield v as V;
  }

  putOp(key: string, value: V): BatchOp {
    return { type: "put", sublevel: this.sublevel, key, value };
  }

  delOp(key: string): BatchOp {
    return { type: "del", sublevel: this.sublevel, key };
  }
}

export interface BatchOp {
  readonly type: "put" | "del";
  readonly sublevel: AnySublevel;
  readonly key: string;
  readonly value?: unknown;
}

/** Writes the operations atomically (one LevelDB batch), optionally synced to disk. */
export async function writeBatch(
  root: ClassicLevel<string, unknown>,
  ops: readonly BatchOp[],
  sync = false,
): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  await (root as any).batch(ops as any[], { sync });
}
