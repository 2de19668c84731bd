import type { GrantList } from "../../../../../core/desk-lists.ts";
import type { GrantAudit } from "../../../../../core/grant-audit.ts";
import { useSignedQuery } from "../../api/hooks.ts";

/**
 * What the operator's and partner's desk reads: the grants the caller holds or was admitted to
 * (GET /v1/grants) and a grant's audit (GET /v1/grants/:grantId/audit), which lists the grant's
 * products, hops, deliveries and certificates with the evidence of each.
 */
export function useOwnGrants() {
  return useSignedQuery<GrantList>("/v1/grants");
}

export type { GrantAudit } from "../../../../../core/grant-audit.ts";

export function useGrantAudit(grantId: string | undefined) {
  return useSignedQuery<GrantAudit>(grantId ? `/v1/grants/${encodeURIComponent(grantId)}/audit` : undefined);
}

export { beijingDate as cstDate } from "../../app/beijing-time.ts";
