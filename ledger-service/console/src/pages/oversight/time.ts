export { beijingTime } from "../../app/beijing-time.ts";

/** Whole days from `from` to `to` (chain seconds), rounded down. */
export function daysBetween(from: number, to: number): number {
  return Math.floor((to - from) / 86_400);
}
