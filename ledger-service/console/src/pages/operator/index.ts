import { lazy } from "react";
import type { ConsoleRoute } from "../../app/route.ts";
import "./texts.ts";

/** The operator's and partners' desk: their products, lineage, deliveries, exit and own grant's audit. */
export const operatorRoutes: readonly ConsoleRoute[] = [
  {
    path: "/operator/products",
    title: "operator:products.title",
    roles: ["operator"],
    menu: "menu.operator",
    page: lazy(() => import("./ProductsPage.tsx")),
  },
  {
    path: "/operator/hops",
    title: "operator:hops.title",
    roles: ["operator", "partner"],
    menu: "menu.operator",
    page: lazy(() => import("./HopsPage.tsx")),
  },
  {
    path: "/operator/service-list",
    title: "operator:list.title",
    roles: ["operator"],
    menu: "menu.operator",
    page: lazy(() => import("./ServiceListPage.tsx")),
  },
  {
    path: "/operator/grant",
    title: "operator:grantPage.title",
    roles: ["operator", "partner"],
    menu: "menu.operator",
    page: lazy(() => import("./GrantPage.tsx")),
  },
];
