/**
 * Yuan as typed (at most two decimals) to integer fen, read from the digits so that no binary
 * fraction rounds a cent away; undefined for anything else (the schema then names the field).
 */
export function fenOf(yuan: unknown): number | undefined {
  if (yuan === undefined || yuan === null || yuan === "") return undefined;
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(yuan).trim());
  if (!m) return Number.NaN;
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

/** Basis points as a percentage with two decimals: 1001 → "10.01". */
export function percentOf(bp: number): string {
  return `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, "0")}`;
}
