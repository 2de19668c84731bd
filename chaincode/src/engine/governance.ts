import { ensure } from "../../../core/errors.ts";
import { ban, endGrant } from "./grants.ts";
import { requireGrant } from "./checks.ts";
import type { Handler } from "./tx.ts";
import { K, type AnchorState } from "./state.ts";

const year = (y: number) => String(y).padStart(4, "0");

export const blacklistOrganisation: Handler<"blacklist.add"> = async ({ ledger, now }, body) => {
  await ban(ledger, body.orgId, now);
};

/** evaluation.record: a third consecutive "unqualified" year revokes the grant at once. */
export const recordEvaluation: Handler<"evaluation.record"> = async ({ ledger, now }, body) => {
  const grant = await requireGrant(ledger, body.grantId);
  ensure(
    grant.status === "active" || grant.status === "suspended",
    "GRANT_STATUS_INVALID",
    `grant ${grant.id} is ${grant.status}`,
  );
  ensure(
    !(await ledger.has(K.evaluation, grant.id, year(body.year))),
    "DUPLICATE_ID",
    `${grant.id} was evaluated for ${body.year}`,
    { id: grant.id },
  );
  ledger.put(K.evaluation, [grant.id, year(body.year)], body.grade);
  if (body.grade === "unqualified") {
    const previous = [
      await ledger.get<string>(K.evaluation, grant.id, year(body.year - 1)),
      await ledger.get<string>(K.evaluation, grant.id, year(body.year - 2)),
    ];
    if (previous.every((g) => g === "unqualified")) endGrant(ledger, grant, "revoked", now);
  }
};

/** anchor.checkpoint: a log checkpoint pinned on chain; tree sizes only grow per log. */
export const anchorCheckpoint: Handler<"anchor.checkpoint"> = async ({ ledger }, body) => {
  const last = await ledger.get<AnchorState>(K.anchor, body.origin);
  ensure(
    !last || body.treeSize > last.treeSize,
    "ANCHOR_NOT_MONOTONIC",
    `the last anchored size of ${body.origin} is ${last?.treeSize}`,
  );
  ledger.put(K.anchor, [body.origin], { ...body } satisfies AnchorState);
};
