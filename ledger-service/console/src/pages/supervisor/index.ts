import { lazy } from "react";
import type { ConsoleRoute } from "../../app/route.ts";
import "./graph/texts.ts";

/** The supervisor's pages: the lineage graph of a product. */
export const supervisorRoutes: readonly ConsoleRoute[] = [
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
];
