import type { Role } from "../../../../core/records/common.ts";
import type { ConsoleRoute } from "./route.ts";

/** Whether the menu offers `route` to a caller of `role` (undefined: not signed in). */
export function visibleTo(route: ConsoleRoute, role: Role | undefined): boolean {
  return route.roles === "public" || (role !== undefined && route.roles.includes(role));
}
