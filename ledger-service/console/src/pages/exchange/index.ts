import type { ConsoleRoute } from "../../app/route.ts";

/** The exchange's pages: the listing queue and the verification report (to come). */
export const exchangeRoutes: readonly ConsoleRoute[] = [];
