import { lazy } from "react";
import type { ConsoleRoute } from "../../app/route.ts";
import "./texts.ts";

/**
 * Permitted revenue (收益分配机制): the agency's page, read also by supervisors, the exchange and
 * each operator for itself; the agency sets maximums and guides, the operator files its revenue.
 */
export const revenueRoutes: readonly ConsoleRoute[] = [
  {
    path: "/revenue",
    title: "revenue:title",
    roles: ["agency", "supervisor", "exchange", "operator"],
    menu: "menu.agency",
    page: lazy(() => import("./RevenuePage.tsx")),
  },
  {
    path: "/revenue/:operator",
    title: "revenue:title",
    roles: ["agency", "supervisor", "exchange", "operator"],
    page: lazy(() => import("./RevenuePage.tsx")),
  },
];
