import { lazy } from "react";
import type { ConsoleRoute } from "../../app/route.ts";
import "../oversight/texts.ts";

/** The public side of the oversight duties: complaints without an account, and the service lists. */
export const publicOversightRoutes: readonly ConsoleRoute[] = [
  {
    path: "/service-lists",
    title: "oversight:lists.title",
    roles: "public",
    menu: "menu.public",
    page: lazy(() => import("./ServiceListsPage.tsx")),
  },
  {
    path: "/complaints",
    title: "oversight:lodge.title",
    roles: "public",
    menu: "menu.public",
    page: lazy(() => import("./ComplaintPage.tsx")),
  },
  {
    path: "/complaints/:complaintId",
    title: "oversight:status.title",
    roles: "public",
    page: lazy(() => import("./ComplaintPage.tsx")),
  },
];
