import type { ConsoleRoute } from "../../app/route.ts";

/** The supervisor's pages (none yet). */
export const supervisorRoutes: readonly ConsoleRoute[] = [];
