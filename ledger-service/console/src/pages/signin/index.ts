import { lazy } from "react";
import type { ConsoleRoute } from "../../app/route.ts";
import "./texts.ts";

export const signInRoutes: readonly ConsoleRoute[] = [
  { path: "/sign-in", title: "signin:title", roles: "public", page: lazy(() => import("./SignInPage.tsx")) },
];
