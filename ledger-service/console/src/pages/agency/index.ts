import { lazy } from "react";
import type { ConsoleRoute } from "../../app/route.ts";
import "./texts.ts";
import "./directory-texts.ts";

/** The implementing agency's desk: dashboard, grants (issue, suspend, resume, revoke, partners, exit), resources, price caps, organisations, blacklist. */
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
    path: "/agency/resources",
    title: "agency:resources.title",
    roles: ["agency"],
    menu: "menu.agency",
    page: lazy(() => import("./ResourcesPage.tsx")),
  },
  {
    path: "/agency/price-caps",
    title: "agency:caps.title",
    roles: ["agency"],
    menu: "menu.agency",
    page: lazy(() => import("./PriceCapsPage.tsx")),
  },
  {
    path: "/agency/organisations",
    title: "agency:orgs.title",
    roles: ["agency"],
    menu: "menu.agency",
    page: lazy(() => import("./OrganisationsPage.tsx")),
  },
  {
    path: "/agency/blacklist",
    title: "agency:blacklist.title",
    roles: ["agency"],
    menu: "menu.agency",
    page: lazy(() => import("./BlacklistPage.tsx")),
  },
  {
    path: "/agency/grants/:grantId",
    title: "agency:grant.title",
    roles: ["agency"],
    page: lazy(() => import("./GrantPage.tsx")),
  },
];
