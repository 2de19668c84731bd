import { ensure } from "../../../core/errors.ts";
import { ban, endGrant } from "./grants.ts";
import { requireGrant } from "./checks.ts";
import type { Ledger } from "../ledger/ledger.ts";
import type { Handler } from "./tx.ts";
import { K, type AnchorState } from "./state.ts";

const year = (y: number) => String(y).padStart(4, "0");

export const blacklistOrganisation: Handler<"blacklist.add"> = async ({ ledger, now }, body) => {
  await ban(ledger, body.orgId, now);
};

/**
 * evaluation.record: three consecutive calendar years evaluated "unqualified" revoke the grant
 * at once, whatever the order in which the years were recorded: the new year may end, sit in
 * the middle of or start such a run (连续三次不合格取消授权资格).
 */
export const recordEvaluation: Handler<"evaluation.record"> = async ({ ledger, now }, body) => {
  const grant = await requireGrant(ledger, body.grantId);
  ensure(
    grant.status === "active" || grant.status === "suspended",
    "GRANT_STATUS_INVALID",
    `grant ${grant.id} is ${grant.status}`,
    { grantId: grant.id },
  );
  ensure(
    !(await ledger.has(K.evaluation, grant.id, year(body.year))),
    "DUPLICATE_ID",
    `${grant.id} was evaluated for ${body.year}`,
    { id: grant.id },
  );
  ledger.put(K.evaluation, [grant.id, year(body.year)], body.grade);
  if (body.grade === "unqualified" && (await unqualifiedRun(ledger, grant.id, body.year)) >= 3)
    endGrant(ledger, grant, "revoked", now);
};

/** Length (capped at 5) of the run of consecutive unqualified years through `y`, which is unqualified. */
async function unqualifiedRun(ledger: Ledger, grantId: string, y: number): Promise<number> {
  const unqualified = async (other: number) =>
    (await ledger.get<string>(K.evaluation, grantId, year(other))) === "unqualified";
  let run = 1;
  for (let before = y - 1; before >= y - 2 && (await unqualified(before)); before--) run++;
  for (let after = y + 1; after <= y + 2 && (await unqualified(after)); after++) run++;
  return run;
}

/** anchor.checkpoint: a log checkpoint pinned on chain; tree sizes only grow per log. */
export const anchorCheckpoint: Handler<"anchor.checkpoint"> = async ({ ledger }, body) => {
  const last = await ledger.get<AnchorState>(K.anchor, body.origin);
  ensure(
    !last || body.treeSize > last.treeSize,
    "ANCHOR_NOT_MONOTONIC",
    `the last anchored size of ${body.origin} is ${last?.treeSize}`,
    { anchoredSize: last?.treeSize },
  );
  ledger.put(K.anchor, [body.origin], { ...body } satisfies AnchorState);
};
