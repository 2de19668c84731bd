import type { Request, Router } from "express";
import { parseSignedRecord } from "../../../../core/record.ts";
import type { RecordService } from "../../domain/record-service.ts";
import { WRITE_ROUTES, type WriteRoute } from "./write-routes.ts";
import { LedgerError } from "../../../../core/errors.ts";

function check(route: WriteRoute, req: Request): ReturnType<typeof parseSignedRecord> {
  const signed = parseSignedRecord(req.body);
  const { record } = signed;
  if (record.op !== route.op)
    throw new LedgerError("MALFORMED_REQUEST", `this endpoint takes ${route.op} records, not ${record.op}`);
  const body = record.body as Record<string, unknown>;
  for (const [param, field] of Object.entries(route.bind ?? {})) {
    if (body[field] !== req.params[param])
      throw new LedgerError("MALFORMED_REQUEST", `the path's ${param} differs from the record's ${field}`);
  }
  if (route.deliver !== undefined && (body.operation === "deliver") !== route.deliver) {
    throw new LedgerError(
      "MALFORMED_REQUEST",
      route.deliver ? 'deliveries are hops with operation "deliver"' : "deliveries go to /v1/deliveries",
    );
  }
  return signed;
}

export function mountWriteRoutes(router: Router, records: RecordService): void {
  for (const route of WRITE_ROUTES) {
    router[route.method](route.path, async (req, res) => {
      const accepted = await records.submit(check(route, req), req.caller!);
      res.status(201).json(accepted);
    });
  }
  router.post("/v1/records", async (req, res) => {
    const accepted = await records.submit(parseSignedRecord(req.body), req.caller!);
    res.status(201).json(accepted);
  });
}
