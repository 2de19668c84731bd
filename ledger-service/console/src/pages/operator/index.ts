import type { ConsoleRoute } from "../../app/route.ts";

/** The operator's pages (none yet). */
export const operatorRoutes: readonly ConsoleRoute[] = [];
