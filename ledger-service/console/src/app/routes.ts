import type { ConsoleRoute } from "./route.ts";
import { publicRoutes } from "../pages/public/index.ts";
import { signInRoutes } from "../pages/signin/index.ts";
import { exchangeRoutes } from "../pages/exchange/index.ts";
import { supervisorRoutes } from "../pages/supervisor/index.ts";
import { agencyRoutes } from "../pages/agency/index.ts";
import { operatorRoutes } from "../pages/operator/index.ts";
import { toolRoutes } from "../pages/tools/index.ts";
import { oversightRoutes } from "../pages/oversight/index.ts";
import { revenueRoutes } from "../pages/revenue/index.ts";

/** Every page, in menu order. Add pages in the role's own folder, not here. */
export const ROUTES: readonly ConsoleRoute[] = [
  ...publicRoutes,
  ...signInRoutes,
  ...exchangeRoutes,
  ...supervisorRoutes,
  ...agencyRoutes,
  ...oversightRoutes,
  ...revenueRoutes,
  ...operatorRoutes,
  ...toolRoutes,
];
