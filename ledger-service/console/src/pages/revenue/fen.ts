/** Basis points as a percentage with two decimals: 1001 → "10.01". */
export function percentOf(bp: number): string {
  return `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, "0")}`;
}
