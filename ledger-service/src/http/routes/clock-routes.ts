import { z } from "zod";
import { LedgerError } from "../../../../core/errors.ts";
import * as S from "../api-schemas.ts";
import type { ReadRoute, RouteContributor } from "./route.ts";

/** Move the chain's clock: to a time, or by a number of seconds. */
const AdvanceBody = z
  .strictObject({
    to: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe("the new chain time, Unix seconds"),
    by: z
      .number()
      .int()
      .min(0)
      .max(100 * 366 * 86_400)
      .optional()
      .describe("seconds to move forward"),
  })
  .refine((b) => (b.to === undefined) !== (b.by === undefined), { message: "give exactly one of to and by" });

/**
 * The chain's clock. On the embedded chain started with LEDGER_CLOCK=manual, time stands still
 * until the agency moves it forward (so the time rules — 30-day destruction, 3 months' notice,
 * 5-year bans — can be shown and tested through the API); the move is journaled on the chain
 * before it is answered. Every other chain keeps its own time and refuses (CLOCK_NOT_MANUAL).
 */
export const clockRoutes: RouteContributor = (ctx): ReadRoute[] => {
  const mode = () => ctx.backend.clock?.mode ?? "chain";
  return [
    {
      path: "/v1/clock",
      auth: "signed",
      summary: "The chain's time (Unix seconds) and its clock: wall, manual (moved by the agency) or the chain's own",
      tag: "clock",
      responses: { 200: S.ClockState },
      handler: async (_req, res) => {
        res.json({ mode: mode(), time: await ctx.backend.now() });
      },
    },
    {
      method: "post",
      path: "/v1/clock",
      auth: "signed",
      summary:
        "Moves the embedded chain's manual clock forward, to a time or by seconds (the agency; LEDGER_CLOCK=manual only); journaled before it answers",
      tag: "clock",
      requestBody: { schema: AdvanceBody, example: { by: 30 * 86_400 } },
      responses: { 200: S.ClockState },
      handler: async (req, res) => {
        const caller = req.caller!;
        if (caller.role !== "agency")
          throw new LedgerError("NOT_AUTHORIZED", "only the implementing agency moves the chain's clock", {
            orgId: caller.orgId,
            role: caller.role,
          });
        const parsed = AdvanceBody.safeParse(req.body);
        if (!parsed.success)
          throw new LedgerError(
            "MALFORMED_REQUEST",
            parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "),
            { field: parsed.error.issues[0]?.path.join(".") || "body" },
          );
        const clock = ctx.backend.clock;
        if (!clock || clock.mode !== "manual")
          throw new LedgerError(
            "CLOCK_NOT_MANUAL",
            `the ${ctx.backend.ref.type} chain keeps its own time; only the embedded chain started with LEDGER_CLOCK=manual has a clock the agency moves`,
            { backend: ctx.backend.ref.type, clock: mode() },
          );
        const now = await ctx.backend.now();
        const to = parsed.data.to ?? now + parsed.data.by!;
        const moved = await clock.advance(to, caller.orgId);
        ctx.logger.info({ ...moved, by: caller.orgId }, "moved the chain's manual clock");
        res.json({ mode: clock.mode, previous: moved.previous, time: moved.time });
      },
    },
  ];
};
