/**
 * The ledger's times are UTC seconds; its users read and enter them in Beijing time (UTC+8, no
 * daylight saving). One place for the conversion both ways.
 */
const OFFSET_S = 8 * 3600;

/** Chain seconds as Beijing time to the minute, "2026-12-01 10:30". */
export function beijingTime(seconds: number): string {
  return new Date((seconds + OFFSET_S) * 1000).toISOString().slice(0, 16).replace("T", " ");
}

/** Chain seconds as the date in Beijing, "2026-12-01". */
export function beijingDate(seconds: number): string {
  return beijingTime(seconds).slice(0, 10);
}

/** "2026-12-01T10:30" as entered (a datetime-local field, Beijing time) → chain seconds; NaN if blank or malformed. */
export function beijingSeconds(local: unknown): number {
  if (typeof local !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local)) return Number.NaN;
  return Date.parse(`${local}:00+08:00`) / 1000;
}
