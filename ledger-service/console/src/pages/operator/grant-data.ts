import type { Evidence } from "../../../../../core/listing-report.ts";
import type { Grant } from "../../../../../core/records/grant.ts";
import type { GrantView, ProductView } from "../../../../../core/views.ts";
import { useSignedQuery } from "../../api/hooks.ts";

/**
 * What the operator's and partner's desk reads: the grants the caller holds or was admitted to
 * (GET /v1/grants) and a grant's audit (GET /v1/grants/:grantId/audit), which lists the grant's
 * products, hops, deliveries and certificates with the evidence of each. The shapes are the
 * service's answers as far as these pages use them.
 */
export interface OwnGrant {
  readonly id: string;
  readonly view: GrantView;
}

export interface GrantAudit {
  readonly grantId: string;
  readonly at: number;
  readonly grant: Grant;
  readonly view: GrantView | null;
  readonly changes: readonly Evidence[];
  readonly partners: readonly { id: string; view: { partner: string; status: string } | null; evidence: Evidence }[];
  readonly products: readonly { id: string; view: ProductView | null; evidence: Evidence }[];
  readonly hops: readonly {
    id: string;
    productId: string;
    actor: string;
    operation: string;
    recordCount: number;
    evidence: Evidence;
  }[];
  readonly deliveries: readonly {
    id: string;
    productId: string;
    recipient: string;
    recordCount: number;
    crossBorder: boolean;
    evidence: Evidence;
  }[];
  readonly certificates: readonly {
    id: string;
    view: { holder: string; assetClass: string; destroyedAt?: number } | null;
    evidence: Evidence;
  }[];
  readonly exit: {
    readonly status: string;
    readonly kind: string;
    readonly endedAt: number;
    readonly destructionDeadline: number | null;
    readonly overdue: readonly { holder: string; assetClass: string }[];
  };
}

export function useOwnGrants() {
  return useSignedQuery<{ grants: OwnGrant[]; nextCursor: string | null }>("/v1/grants");
}

export function useGrantAudit(grantId: string | undefined) {
  return useSignedQuery<GrantAudit>(grantId ? `/v1/grants/${encodeURIComponent(grantId)}/audit` : undefined);
}

/** A Unix time as the date in Beijing (the ledger's times are UTC seconds; the desk works in CST). */
export function cstDate(seconds: number): string {
  return new Date((seconds + 8 * 3600) * 1000).toISOString().slice(0, 10);
}
