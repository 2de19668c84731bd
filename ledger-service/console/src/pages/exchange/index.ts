import { lazy } from "react";
import type { ConsoleRoute } from "../../app/route.ts";
import "./texts.ts";

/** The exchange's pages: the listing queue and the listing verification report of a product. */
export const exchangeRoutes: readonly ConsoleRoute[] = [
  {
    path: "/exchange/queue",
    title: "exchange:queue.title",
    roles: ["exchange", "agency", "supervisor"],
    menu: "menu.exchange",
    page: lazy(() => import("./QueuePage.tsx")),
  },
  {
    path: "/exchange/report",
    title: "exchange:report.title",
    roles: ["exchange", "agency", "supervisor"],
    menu: "menu.exchange",
    page: lazy(() => import("./ReportPage.tsx")),
  },
  {
    path: "/exchange/report/:productId",
    title: "exchange:report.title",
    roles: ["exchange", "agency", "supervisor", "operator", "partner"],
    page: lazy(() => import("./ReportPage.tsx")),
  },
];
