import { useSyncExternalStore } from "react";

const QUERY = "(prefers-reduced-motion: reduce)";

function subscribe(changed: () => void): () => void {
  const media = window.matchMedia(QUERY);
  media.addEventListener("change", changed);
  return () => media.removeEventListener("change", changed);
}

/**
 * Whether the user asked the system for less motion (WCAG 2.3.3). The console then turns Ant
 * Design's motion off: dialogs, messages and field help appear at once instead of zooming and
 * fading in. Followed live, so changing the system setting takes effect without a reload.
 */
export function usePrefersReducedMotion(): boolean {
  return useSyncExternalStore(subscribe, () => window.matchMedia(QUERY).matches);
}
