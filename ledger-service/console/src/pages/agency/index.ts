import type { ConsoleRoute } from "../../app/route.ts";

/** The agency's pages (none yet). */
export const agencyRoutes: readonly ConsoleRoute[] = [];
