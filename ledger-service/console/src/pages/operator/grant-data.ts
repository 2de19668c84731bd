import { useMemo } from "react";
import type { GrantList, ListedGrant } from "../../../../../core/desk-lists.ts";
import type { GrantAudit } from "../../../../../core/grant-audit.ts";
import { usePagedList, useSignedQuery, type ApiError } from "../../api/hooks.ts";

/** The caller's own grants, whole: `data` only once every cursor page came. */
export interface OwnGrants {
  /** Every grant the caller may see (nextCursor null: nothing left out); undefined until all came. */
  readonly data: GrantList | undefined;
  /** Some page is still on its way. */
  readonly isLoading: boolean;
  /** Every page came. */
  readonly isSuccess: boolean;
  readonly error: ApiError | null;
}

/**
 * What the operator's and partner's desk reads: the grants the caller holds or was admitted to
 * (GET /v1/grants, every cursor page: the grant picker chooses among all of them and the service
 * list gathers the products of all) and a grant's audit (GET /v1/grants/:grantId/audit), which
 * lists the grant's products, hops, deliveries and certificates with the evidence of each.
 */
export function useOwnGrants(): OwnGrants {
  const list = usePagedList<ListedGrant>("/v1/grants", "grants", { every: true });
  const whole = list.isSuccess && !list.hasMore;
  const data = useMemo(() => (whole ? { grants: list.items, nextCursor: null } : undefined), [whole, list.items]);
  return { data, isLoading: list.isLoading, isSuccess: whole, error: list.error };
}

export type { GrantAudit } from "../../../../../core/grant-audit.ts";

export function useGrantAudit(grantId: string | undefined) {
  return useSignedQuery<GrantAudit>(grantId ? `/v1/grants/${encodeURIComponent(grantId)}/audit` : undefined);
}

export { beijingDate as cstDate } from "../../app/beijing-time.ts";
