import { ensure } from "../../../core/errors.ts";
import {
  ensureNotBlacklisted,
  inForce,
  requireActorWithRole,
  requireGrant,
  requirePartner,
  withinScope,
} from "./checks.ts";
import type { Handler } from "./tx.ts";
import { K, type PartnerState } from "./state.ts";

/** partner.propose: the grantee proposes a partner, within the grant's scope and term. */
export const proposePartner: Handler<"partner.propose"> = async ({ ledger, now, author }, body) => {
  ensure(!(await ledger.has(K.partner, body.id)), "DUPLICATE_ID", `partner admission ${body.id}`, {
    id: body.id,
  });
  const grant = await requireGrant(ledger, body.grantId);
  ensure(author.orgId === grant.grantee, "NOT_AUTHORIZED", "only the grantee proposes partners", {
    orgId: author.orgId,
  });
  ensure(grant.status === "active", "GRANT_NOT_ACTIVE", `grant ${grant.id} is ${grant.status}`, { grantId: grant.id });
  ensure(inForce(grant, now), "GRANT_OUTSIDE_TERM", `grant ${grant.id} is not in force`, { grantId: grant.id });
  await requireActorWithRole(ledger, body.partner, "partner");
  await ensureNotBlacklisted(ledger, body.partner, now);
  const live = await ledger.get<string>(K.liveAdmission, grant.id, body.partner);
  ensure(live === undefined, "DUPLICATE_ID", `${body.partner} already has admission ${live} to ${grant.id}`, {
    id: live,
  });
  for (const entry of body.scope) {
    ensure(withinScope(grant.scope, entry), "PARTNER_OUT_OF_SCOPE", `resource ${entry.resourceId}`, {
      admissionId: body.id,
      id: entry.resourceId,
    });
  }
  ensure(body.validUntil <= grant.validUntil, "PARTNER_TERM_EXCEEDS_GRANT", `the grant ends at ${grant.validUntil}`, {
    grantValidUntil: grant.validUntil,
  });
  ledger.put(K.partner, [body.id], {
    id: body.id,
    grantId: grant.id,
    partner: body.partner,
    status: "proposed",
    validUntil: body.validUntil,
    scope: body.scope,
    products: body.products,
  } satisfies PartnerState);
  ledger.put(K.liveAdmission, [grant.id, body.partner], body.id);
};

/** partner.approve: the agency admits the partner, which becomes a holder of the grant. */
export const approvePartner: Handler<"partner.approve"> = async ({ ledger, now }, body) => {
  const admission = await requirePartner(ledger, body.admissionId);
  ensure(
    admission.status === "proposed",
    "PARTNER_STATUS_INVALID",
    `admission ${admission.id} is ${admission.status}`,
    {
      admissionId: admission.id,
    },
  );
  const grant = await requireGrant(ledger, admission.grantId);
  ensure(grant.status === "active", "GRANT_NOT_ACTIVE", `grant ${grant.id} is ${grant.status}`, { grantId: grant.id });
  await ensureNotBlacklisted(ledger, admission.partner, now);
  ledger.put(K.partner, [admission.id], { ...admission, status: "approved" } satisfies PartnerState);
  ledger.put(K.holder, [grant.id, admission.partner], admission.partner);
};

/** partner.revoke: by the agency or the grantee; the partner stays a holder for destruction. */
export const revokePartner: Handler<"partner.revoke"> = async ({ ledger, author }, body) => {
  const admission = await requirePartner(ledger, body.admissionId);
  if (author.role === "operator") {
    const grant = await requireGrant(ledger, admission.grantId);
    ensure(author.orgId === grant.grantee, "NOT_AUTHORIZED", "only the agency or the grantee revokes a partner", {
      orgId: author.orgId,
    });
  }
  ensure(
    admission.status === "proposed" || admission.status === "approved",
    "PARTNER_STATUS_INVALID",
    `admission ${admission.id} is ${admission.status}`,
    { admissionId: admission.id },
  );
  ledger.put(K.partner, [admission.id], { ...admission, status: "revoked" } satisfies PartnerState);
  ledger.delete(K.liveAdmission, admission.grantId, admission.partner);
};
