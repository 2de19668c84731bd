import { lazy } from "react";
import type { ConsoleRoute } from "../../app/route.ts";
import "./texts.ts";

/** The implementing agency's desk: its dashboard, grants (issue, suspend, resume, revoke, partners, exit). */
export const agencyRoutes: readonly ConsoleRoute[] = [
  {
    path: "/agency",
    title: "agency:dashboard.title",
    roles: ["agency"],
    menu: "menu.agency",
    page: lazy(() => import("./DashboardPage.tsx")),
  },
  {
    path: "/agency/grants",
    title: "agency:grants.title",
    roles: ["agency"],
    menu: "menu.agency",
    page: lazy(() => import("./GrantsPage.tsx")),
  },
  {
    path: "/agency/grants/new",
    title: "agency:issue.title",
    roles: ["agency"],
    menu: "menu.agency",
    page: lazy(() => import("./IssueGrantPage.tsx")),
  },
  {
    path: "/agency/grants/:grantId",
    title: "agency:grant.title",
    roles: ["agency"],
    page: lazy(() => import("./GrantPage.tsx")),
  },
];
