import { lazy } from "react";
import type { ConsoleRoute } from "../../app/route.ts";
import "./texts.ts";

const WATCHERS = ["supervisor", "agency"] as const;
/** The server shows each organisation the overdue items and resources that concern it. */
const CONCERNED = ["supervisor", "agency", "source-unit", "operator", "partner", "exchange", "consumer"] as const;

/** The oversight desks the supervisors and the agency share: complaints, objections, alerts, overdue, freshness. */
export const oversightRoutes: readonly ConsoleRoute[] = [
  {
    path: "/oversight/complaints",
    title: "oversight:desk.title",
    roles: WATCHERS,
    menu: "menu.oversight",
    page: lazy(() => import("./ComplaintsPage.tsx")),
  },
  {
    path: "/oversight/complaints/:complaintId",
    title: "oversight:desk.title",
    roles: WATCHERS,
    page: lazy(() => import("./ComplaintCasePage.tsx")),
  },
  {
    path: "/oversight/alerts",
    title: "oversight:alerts.title",
    roles: WATCHERS,
    menu: "menu.oversight",
    page: lazy(() => import("./AlertsPage.tsx")),
  },
  {
    path: "/oversight/overdue",
    title: "oversight:overdue.title",
    roles: CONCERNED,
    menu: "menu.oversight",
    page: lazy(() => import("./OverduePage.tsx")),
  },
  {
    path: "/oversight/freshness",
    title: "oversight:fresh.title",
    roles: ["supervisor", "agency", "source-unit", "exchange"],
    menu: "menu.oversight",
    page: lazy(() => import("./FreshnessPage.tsx")),
  },
  {
    path: "/oversight/objections",
    title: "oversight:objection.title",
    roles: CONCERNED,
    menu: "menu.oversight",
    page: lazy(() => import("./ObjectionPage.tsx")),
  },
  {
    path: "/oversight/objections/:objectionId",
    title: "oversight:objection.title",
    roles: CONCERNED,
    page: lazy(() => import("./ObjectionPage.tsx")),
  },
];
