import { lazy } from "react";
import type { ConsoleRoute } from "../../app/route.ts";
import "./texts.ts";

/** The implementing agency's desk: its dashboard. */
export const agencyRoutes: readonly ConsoleRoute[] = [
  {
    path: "/agency",
    title: "agency:dashboard.title",
    roles: ["agency"],
    menu: "menu.agency",
    page: lazy(() => import("./DashboardPage.tsx")),
  },
];
