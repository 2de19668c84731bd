import { writeFileSync } from "node:fs";
import type { WatermarkSpec } from "../../ledger-service/src/trace/watermark-spec.ts";

export const DISTRICTS = ["龙华区", "深圳市龙华区", "观澜街道", "民治街道"];

/** A seeded xorshift32 generator of numbers in [0, 1). */
export function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

/** A deterministic test dataset: id, name, district, category, date, amount (2 dp), count, note. */
export function datasetCsv(n: number, seed = 1): string {
  const lines = ["id,name,district,category,date,amount,count,note"];
  const rnd = seeded(seed);
  for (let i = 0; i < n; i++) {
    const amount = (Math.floor(rnd() * 10_000_000) / 100).toFixed(2);
    const count = Math.floor(rnd() * 50);
    const note = i % 17 === 0 ? `"says ""hi"", then leaves"` : i % 13 === 0 ? `"line one\nline two"` : `n${i}`;
    lines.push(
      `R${String(i).padStart(6, "0")},张三${i},${DISTRICTS[i % 4]},cat-${i % 9},2024-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")},${amount},${count},${note}`,
    );
  }
  return lines.join("\n") + "\n";
}

export function writeDataset(path: string, n: number, seed = 1): void {
  writeFileSync(path, datasetCsv(n, seed));
}

export const SPEC: WatermarkSpec = {
  keyColumns: ["id"],
  columns: [
    { column: "amount", kind: "number", decimals: 2, min: 0 },
    { column: "count", kind: "number", decimals: 0, min: 0 },
    { column: "district", kind: "variants", variants: [["龙华区", "深圳市龙华区"]] },
  ],
};

export const MASTER = Buffer.alloc(32, 0x42);
export const STORAGE_KEY = Buffer.alloc(32, 0x17);

/** Fisher–Yates with a seeded generator. */
export function shuffle<T>(items: readonly T[], seed = 7): T[] {
  const a = [...items];
  let x = seed >>> 0 || 1;
  for (let i = a.length - 1; i > 0; i--) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const j = x % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
