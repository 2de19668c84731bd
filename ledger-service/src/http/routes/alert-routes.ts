import { z } from "zod";
import { LedgerError } from "../../../../core/errors.ts";
import * as S from "../api-schemas.ts";
import type { ReadRoute, RouteContributor } from "./route.ts";

const WATCHERS = new Set(["agency", "supervisor"]);

/**
 * Risk alerts (数据风险评估): the agency and supervisors see every alert with its evidence and what
 * was done from it; a scan raises the alerts due now. The agency suspends a grant from an alert
 * with the ordinary suspension route, naming the alert (`alertId`). A trace that attributes a leak
 * raises its own alerts (trace-routes.ts).
 */
export const alertRoutes: RouteContributor = (ctx): ReadRoute[] => {
  const requireWatcher = (role: string) => {
    if (!WATCHERS.has(role))
      throw new LedgerError("FORBIDDEN", "risk alerts are for the agency and supervisors", { role });
  };
  return [
    {
      path: "/v1/alerts",
      auth: "signed",
      summary:
        "Every risk alert (the agency and supervisors): the chain's view (grant, signal, what was done and when), the signed alert with its evidence, and the records after it",
      tag: "alerts",
      responses: { 200: S.AlertList },
      handler: async (req, res) => {
        requireWatcher(req.caller!.role);
        const alerts = [];
        for (const id of (await ctx.store.idsOfKind("alert")).sort())
          alerts.push(await ctx.reader.document("alert", id));
        res.json({ alerts });
      },
    },
    {
      method: "post",
      path: "/v1/alerts/scan",
      auth: "signed",
      summary: `Raises the risk alerts due now (the agency and supervisors; also every ${ctx.config.alerts.scanEverySeconds || "—"} s on the service's timer): deliveries to one recipient of more than ${ctx.config.alerts.recordsPerRecipientPerDay} records in 24 hours, a delivery above its product's declared volume, a delivery made from a grade 3 or 4 resource, an actor reading more than ${ctx.config.alerts.readRateFactor}× its usual hourly rate and more than ${ctx.config.alerts.readsPerHourFloor} in an hour; each finding once`,
      tag: "alerts",
      requestBody: { schema: z.strictObject({}), example: {} },
      responses: { 200: S.AlertScan },
      handler: async (req, res) => {
        requireWatcher(req.caller!.role);
        const raised = await ctx.alerts.scan();
        res.json({ raised });
      },
    },
  ];
};
