import type { Request, RequestHandler, Response } from "express";
import { z } from "zod";
import { LedgerError } from "../../../../core/errors.ts";
import { ANCHOR_REQUEST_EXAMPLE } from "../../../../core/operation-examples.ts";
import type { Role } from "../../../../core/records/common.ts";
import type { AnchorRecord, AnchorStore } from "../../log/anchoring.ts";
import type { AnchorOnRequest } from "../../../../core/public-checkpoint.ts";
import type { Logger } from "../../logger.ts";
import * as S from "../api-schemas.ts";
import { anchorRequestsPerCaller } from "../rate-limits.ts";
import type { ReadRoute } from "./route.ts";

/** Who may ask for an anchor now: the agency (it signs anchors) and the exchange (listing waits for them). */
export const ANCHOR_REQUESTERS: readonly Role[] = ["agency", "exchange"];

const AnchorRequestBody = z.strictObject({ reason: z.string().min(1).max(200).optional() });

export interface AnchorOnRequestDeps {
  /** Checkpoints the log now and anchors it, unless the latest anchor covers it already. */
  readonly anchorNow: () => Promise<AnchorRecord | undefined>;
  readonly anchors: AnchorStore;
  readonly logger: Logger;
  readonly limit: number;
  readonly windowSeconds: number;
}

/** Runs a middleware inside a handler: resolves when it passes, rejects with what it refused. */
function pass(middleware: RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((ok, refuse) => {
    void middleware(req, res, (err?: unknown) => (err ? refuse(err) : ok()));
  });
}

/**
 * POST /v1/anchors: a checkpoint of the log signed and anchored on chain now, instead of at
 * the anchor timer, so that receipts a listing waits for become anchored at once. Each one is a
 * chain transaction, so each caller gets a few per window (429 RATE_LIMITED naming the limit).
 */
export function anchorOnRequest(d: AnchorOnRequestDeps): ReadRoute {
  const limiter = anchorRequestsPerCaller(d.limit, d.windowSeconds);
  return {
    method: "post",
    path: "/v1/anchors",
    auth: "signed",
    summary: `Checkpoints the log and anchors it on chain now (${ANCHOR_REQUESTERS.join(", ")}; at most ${d.limit} per caller in ${d.windowSeconds} s); answers the latest anchor`,
    tag: "evidence",
    requestBody: { schema: AnchorRequestBody, example: ANCHOR_REQUEST_EXAMPLE },
    responses: { 200: S.AnchorOnRequest },
    handler: async (req, res) => {
      const caller = req.caller!;
      if (!(ANCHOR_REQUESTERS as readonly string[]).includes(caller.role))
        throw new LedgerError("NOT_AUTHORIZED", `a ${caller.role} may not ask for an anchor`, {
          orgId: caller.orgId,
          role: caller.role,
        });
      const parsed = AnchorRequestBody.safeParse(req.body ?? {});
      if (!parsed.success)
        throw new LedgerError(
          "MALFORMED_REQUEST",
          parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "),
          { field: parsed.error.issues[0]?.path.join(".") || "body" },
        );
      await pass(limiter, req, res);
      const before = (await d.anchors.latest())?.treeSize ?? 0;
      const anchor = await d.anchorNow();
      if (!anchor) throw new LedgerError("NOT_FOUND", "the log is empty: nothing to anchor", { id: "log" });
      const fresh = anchor.treeSize > before;
      d.logger.info(
        { by: caller.orgId, reason: parsed.data.reason, treeSize: anchor.treeSize, fresh },
        "anchor on request",
      );
      res.json({ anchor, fresh } satisfies AnchorOnRequest);
    },
  };
}
