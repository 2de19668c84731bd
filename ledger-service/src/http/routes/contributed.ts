import type { RouteContributor } from "./route.ts";
import { clockRoutes } from "./clock-routes.ts";
import { alertRoutes } from "./alert-routes.ts";
import { directoryRoutes } from "./directory-routes.ts";
import { complaintRoutes } from "./complaint-routes.ts";
import { reportRoutes } from "./report-routes.ts";
import { traceRoutes } from "./trace-routes.ts";

/**
 * Route families beyond the record reads, each contributed by the module that owns its logic
 * (evidence reports, leak tracing, the chain's clock, complaints, risk alerts, the organisations and the blacklist). The service mounts all of them, signed, on every backend.
 */
export const CONTRIBUTED_ROUTES: readonly RouteContributor[] = [
  reportRoutes,
  traceRoutes,
  clockRoutes,
  complaintRoutes,
  alertRoutes,
  directoryRoutes,
];
