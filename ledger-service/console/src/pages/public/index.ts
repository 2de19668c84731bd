import { lazy } from "react";
import type { ConsoleRoute } from "../../app/route.ts";
import "./texts.ts";
import { publicOversightRoutes } from "./oversight-routes.ts";

/** What anyone sees without signing in. */
export const publicRoutes: readonly ConsoleRoute[] = [
  {
    path: "/",
    title: "public:products.title",
    roles: "public",
    menu: "menu.public",
    page: lazy(() => import("./ProductListPage.tsx")),
  },
  {
    path: "/checkpoint",
    title: "public:checkpoint.title",
    roles: "public",
    menu: "menu.public",
    page: lazy(() => import("./CheckpointPage.tsx")),
  },
  ...publicOversightRoutes,
];
