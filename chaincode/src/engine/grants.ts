import { ensure } from "../../../core/errors.ts";
import { ASSET_CLASSES } from "../../../core/records/destruction.ts";
import { blacklistEnd, earliestVoluntaryExit, maxGrantEnd } from "../../../core/time.ts";
import type { Ledger } from "../ledger/ledger.ts";
import { bannedUntil, ensureNotBlacklisted, requireActorWithRole, requireGrant, requireResource } from "./checks.ts";
import { actOnAlert } from "./oversight.ts";
import type { Handler } from "./tx.ts";
import { currentVersion, K, type GrantState, type NoticeState } from "./state.ts";

/** grant.issue: whole authorization of resources and fields to one operator, for ≤ 5 years. */
export const issueGrant: Handler<"grant.issue"> = async ({ ledger, now }, body) => {
  ensure(!(await ledger.has(K.grant, body.id)), "DUPLICATE_ID", `grant ${body.id}`, { id: body.id });
  await requireActorWithRole(ledger, body.grantee, "operator");
  await ensureNotBlacklisted(ledger, body.grantee, now);
  ensure(
    body.validFrom < body.validUntil && now < body.validUntil,
    "GRANT_TERM_INVALID",
    `the term ${body.validFrom}–${body.validUntil} does not end after its start and the chain's time ${now}`,
    { validFrom: body.validFrom, validUntil: body.validUntil, now },
  );
  ensure(
    body.validUntil <= maxGrantEnd(body.validFrom),
    "GRANT_TERM_TOO_LONG",
    `the latest end is ${maxGrantEnd(body.validFrom)}`,
    { latestEnd: maxGrantEnd(body.validFrom) },
  );
  for (const entry of body.scope) {
    const resource = await requireResource(ledger, entry.resourceId);
    ensure(resource.status === "active", "RESOURCE_NOT_ACTIVE", `resource ${resource.id} is withdrawn`, {
      resourceId: resource.id,
    });
    const defined = currentVersion(resource).fields.map((f) => f.name);
    for (const field of entry.fields)
      ensure(defined.includes(field), "FIELD_UNKNOWN", `${resource.id}.${field}`, { resourceId: resource.id, field });
  }
  ledger.put(K.grant, [body.id], {
    id: body.id,
    grantee: body.grantee,
    status: "active",
    validFrom: body.validFrom,
    validUntil: body.validUntil,
    endedAt: 0,
    exitKind: "",
    exitNoticeAt: 0,
    scope: body.scope,
  } satisfies GrantState);
  ledger.put(K.grantOf, [body.grantee, body.id], 1);
};

function ensureStatus(grant: GrantState, allowed: readonly GrantState["status"][]): void {
  ensure(allowed.includes(grant.status), "GRANT_STATUS_INVALID", `grant ${grant.id} is ${grant.status}`, {
    grantId: grant.id,
  });
}

/** Ends a grant now: from here the 30-day destruction clock runs until the grant is closed. */
export function endGrant(
  ledger: Ledger,
  grant: GrantState,
  status: "revoked" | "exiting",
  now: number,
  exitKind: GrantState["exitKind"] = grant.exitKind,
): void {
  ledger.put(K.grant, [grant.id], { ...grant, status, endedAt: now, exitKind } satisfies GrantState);
  ledger.put(K.ended, [grant.id], now);
}

/** Bans an organisation until now + 5 calendar years, never shortening a longer ban. */
export async function ban(ledger: Ledger, orgId: string, now: number): Promise<void> {
  const until = Math.max(await bannedUntil(ledger, orgId), blacklistEnd(now));
  ledger.put(K.blacklist, [orgId], until);
}

/** grant.suspend: active → suspended; from a risk alert, the alert records the suspension (oversight.ts). */
export const suspendGrant: Handler<"grant.suspend"> = async ({ ledger, now }, body) => {
  const grant = await requireGrant(ledger, body.grantId);
  ensureStatus(grant, ["active"]);
  if (body.alertId !== undefined) await actOnAlert(ledger, body.alertId, grant.id, now);
  ledger.put(K.grant, [grant.id], { ...grant, status: "suspended" } satisfies GrantState);
};

export const resumeGrant: Handler<"grant.resume"> = async ({ ledger }, body) => {
  const grant = await requireGrant(ledger, body.grantId);
  ensureStatus(grant, ["suspended"]);
  ledger.put(K.grant, [grant.id], { ...grant, status: "active" } satisfies GrantState);
};

export const revokeGrant: Handler<"grant.revoke"> = async ({ ledger, now }, body) => {
  const grant = await requireGrant(ledger, body.grantId);
  ensureStatus(grant, ["active", "suspended"]);
  endGrant(ledger, grant, "revoked", now);
};

/** grant.exitNotice: the grantee files its exit plan; a voluntary exit may start 3 months later. */
export const fileExitNotice: Handler<"grant.exitNotice"> = async ({ ledger, now, author }, body) => {
  const grant = await requireGrant(ledger, body.grantId);
  ensure(author.orgId === grant.grantee, "NOT_AUTHORIZED", "only the grantee files an exit notice", {
    orgId: author.orgId,
  });
  ensureStatus(grant, ["active", "suspended"]);
  ensure(!(await ledger.has(K.notice, grant.id)), "DUPLICATE_ID", `an exit notice for ${grant.id} is already on file`, {
    id: grant.id,
  });
  ledger.put(K.notice, [grant.id], { at: now, planHash: body.planHash } satisfies NoticeState);
  ledger.put(K.grant, [grant.id], { ...grant, exitNoticeAt: now } satisfies GrantState);
};

/** grant.exit: voluntary (after notice), for violation (with a 5-year ban) or at expiry. */
export const startExit: Handler<"grant.exit"> = async ({ ledger, now }, body) => {
  const grant = await requireGrant(ledger, body.grantId);
  ensureStatus(grant, ["active", "suspended"]);
  switch (body.kind) {
    case "voluntary": {
      const notice = await ledger.get<NoticeState>(K.notice, grant.id);
      ensure(notice, "EXIT_NOTICE_MISSING", `no exit notice for ${grant.id}`, { grantId: grant.id });
      ensure(
        now >= earliestVoluntaryExit(notice.at),
        "EXIT_NOTICE_TOO_SHORT",
        `the exit may start from ${earliestVoluntaryExit(notice.at)}`,
        { earliestExit: earliestVoluntaryExit(notice.at) },
      );
      break;
    }
    case "expiry":
      ensure(now >= grant.validUntil, "GRANT_NOT_EXPIRED", `the grant runs until ${grant.validUntil}`, {
        validUntil: grant.validUntil,
      });
      break;
    case "violation":
      await ban(ledger, grant.grantee, now);
      break;
  }
  endGrant(ledger, grant, "exiting", now, body.kind);
};

/** The grantee and every partner ever approved on the grant: who must certify destruction. */
export async function holdersOf(ledger: Ledger, grant: GrantState): Promise<string[]> {
  const holders = [grant.grantee];
  for await (const { value } of ledger.scan<string>(K.holder, grant.id)) {
    if (!holders.includes(value)) holders.push(value);
  }
  return holders;
}

/** Pairs (holder, asset class) with no certificate yet, holders in org-id order. */
export async function missingCertificates(
  ledger: Ledger,
  grant: GrantState,
): Promise<{ holder: string; assetClass: (typeof ASSET_CLASSES)[number] }[]> {
  const holders = (await holdersOf(ledger, grant)).sort();
  const missing = [];
  for (const holder of holders) {
    for (const assetClass of ASSET_CLASSES) {
      if (!(await ledger.has(K.certified, grant.id, holder, assetClass))) missing.push({ holder, assetClass });
    }
  }
  return missing;
}

/** grant.close: only once every holder has certified every asset class. */
export const closeGrant: Handler<"grant.close"> = async ({ ledger }, body) => {
  const grant = await requireGrant(ledger, body.grantId);
  ensureStatus(grant, ["exiting", "revoked"]);
  const missing = await missingCertificates(ledger, grant);
  ensure(
    missing.length === 0,
    "DESTRUCTION_INCOMPLETE",
    `missing ${missing.map((m) => `${m.holder}:${m.assetClass}`).join(", ")}`,
    { grantId: grant.id, missing: missing.length },
  );
  ledger.put(K.grant, [grant.id], { ...grant, status: "closed" } satisfies GrantState);
  ledger.delete(K.ended, grant.id);
};
