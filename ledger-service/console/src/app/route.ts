import type { ComponentType, LazyExoticComponent } from "react";
import type { Role } from "../../../../core/records/common.ts";

/**
 * One page of the console. Each role's folder under pages/ exports its ConsoleRoute list from
 * its index.ts; app/routes.ts only concatenates the lists. `roles` says who the menu shows it
 * to ("public": everyone, signed in or not); the server stays the authority on what a caller
 * may read or write.
 */
export interface ConsoleRoute {
  /** Path under the hash router, e.g. "/exchange/queue" or "/exchange/report/:productId". */
  readonly path: string;
  /** i18n key of the menu entry and page title ("namespace:key"). */
  readonly title: string;
  readonly roles: "public" | readonly Role[];
  /** The menu group (a common text key, e.g. "menu.exchange"); absent: not in the menu. */
  readonly menu?: string;
  readonly page: LazyExoticComponent<ComponentType>;
}
