import { lazy } from "react";
import type { ConsoleRoute } from "../../app/route.ts";
import "./texts.ts";

/** Tools anyone may use without signing in: checking a receipt offline. */
export const toolRoutes: readonly ConsoleRoute[] = [
  {
    path: "/tools/receipt",
    title: "tools:receipt.title",
    roles: "public",
    menu: "menu.tools",
    page: lazy(() => import("./ReceiptCheckPage.tsx")),
  },
];
