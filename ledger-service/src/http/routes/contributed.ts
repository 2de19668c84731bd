import type { RouteContributor } from "../../service.ts";
import { reportRoutes } from "./reports.ts";
import { traceRoutes } from "./trace.ts";

/**
 * Route families beyond the record reads, each contributed by the module that owns its logic
 * (evidence reports, leak tracing). The service mounts all of them, signed, on every backend.
 */
export const CONTRIBUTED_ROUTES: readonly RouteContributor[] = [reportRoutes, traceRoutes];
