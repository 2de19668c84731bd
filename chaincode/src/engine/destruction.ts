import { ensure } from "../../../core/errors.ts";
import { destructionDeadline } from "../../../core/time.ts";
import { requireGrant } from "./checks.ts";
import type { Handler } from "./tx.ts";
import { K, type CertificateState } from "./state.ts";

/**
 * destruction.certify: a holder certifies one asset class after the grant ended. A certificate
 * after the 30-day deadline is still accepted (the evidence matters) and marked late.
 */
export const certifyDestruction: Handler<"destruction.certify"> = async ({ ledger, now, author }, body) => {
  ensure(!(await ledger.has(K.certificate, body.id)), "DUPLICATE_ID", `certificate ${body.id}`, {
    id: body.id,
  });
  const grant = await requireGrant(ledger, body.grantId);
  ensure(
    grant.status === "exiting" || grant.status === "revoked",
    "GRANT_NOT_EXITING",
    `grant ${grant.id} is ${grant.status}`,
    { grantId: grant.id },
  );
  const holder = author.orgId === grant.grantee || (await ledger.has(K.holder, grant.id, author.orgId));
  ensure(holder, "PARTNER_NOT_ADMITTED", `${author.orgId} never held grant ${grant.id}`, { orgId: author.orgId });
  ensure(
    !(await ledger.has(K.certified, grant.id, author.orgId, body.assetClass)),
    "DUPLICATE_ID",
    `${author.orgId} already certified ${body.assetClass}`,
    { id: grant.id },
  );
  ledger.put(K.certificate, [body.id], {
    id: body.id,
    grantId: grant.id,
    holder: author.orgId,
    assetClass: body.assetClass,
    late: now > destructionDeadline(grant.endedAt),
  } satisfies CertificateState);
  ledger.put(K.certified, [grant.id, author.orgId, body.assetClass], body.id);
};
