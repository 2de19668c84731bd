/** Chain seconds as the ledger's users read them: Beijing time (UTC+8, no daylight saving), to the minute. */
export function beijingTime(seconds: number): string {
  return new Date((seconds + 8 * 3600) * 1000).toISOString().slice(0, 16).replace("T", " ");
}

/** Whole days from `from` to `to` (chain seconds), rounded down. */
export function daysBetween(from: number, to: number): number {
  return Math.floor((to - from) / 86_400);
}
