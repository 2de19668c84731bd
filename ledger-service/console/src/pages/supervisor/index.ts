import { lazy } from "react";
import type { ConsoleRoute } from "../../app/route.ts";
import "./graph/texts.ts";
import "./audit/texts.ts";
import "./trace/texts.ts";

/** The supervisor's pages: the audit of a grant, the lineage graph of a product and the leak trace. */
export const supervisorRoutes: readonly ConsoleRoute[] = [
  {
    path: "/supervisor/grant",
    title: "audit:title",
    roles: ["supervisor", "agency", "exchange", "operator", "partner"],
    menu: "menu.supervisor",
    page: lazy(() => import("./audit/GrantAuditPage.tsx")),
  },
  {
    path: "/supervisor/grant/:grantId",
    title: "audit:title",
    roles: ["supervisor", "agency", "exchange", "operator", "partner"],
    page: lazy(() => import("./audit/GrantAuditPage.tsx")),
  },
  {
    path: "/supervisor/graph",
    title: "graph:title",
    roles: ["supervisor", "agency", "exchange", "operator", "partner"],
    menu: "menu.supervisor",
    page: lazy(() => import("./graph/GraphPage.tsx")),
  },
  {
    path: "/supervisor/graph/:productId",
    title: "graph:title",
    roles: ["supervisor", "agency", "exchange", "operator", "partner", "consumer"],
    page: lazy(() => import("./graph/GraphPage.tsx")),
  },
  {
    path: "/supervisor/trace",
    title: "trace:title",
    roles: ["supervisor", "agency"],
    menu: "menu.supervisor",
    page: lazy(() => import("./trace/TracePage.tsx")),
  },
];
