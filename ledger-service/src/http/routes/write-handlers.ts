import type { Request, Response, Router } from "express";
import { parseSignedRecord, type SignedRecord } from "../../../../core/record.ts";
import type { Caller } from "../../domain/access.ts";
import { OutcomePendingError, type RecordService } from "../../domain/record-service.ts";
import { WRITE_ROUTES, type WriteRoute } from "./write-routes.ts";
import { LedgerError } from "../../../../core/errors.ts";

/**
 * The request's signed record: the one authentication parsed already when the request travels
 * under the record's own signature (it verified that record), else parsed here.
 */
function signedRecordOf(req: Request): SignedRecord {
  return req.caller?.verifiedRecord ? (req.body as SignedRecord) : parseSignedRecord(req.body);
}

function check(route: WriteRoute, req: Request): SignedRecord {
  const signed = signedRecordOf(req);
  const { record } = signed;
  if (record.op !== route.op)
    throw new LedgerError("MALFORMED_REQUEST", `this endpoint takes ${route.op} records, not ${record.op}`, {
      field: "record.op",
    });
  const body = record.body as Record<string, unknown>;
  for (const [param, field] of Object.entries(route.bind ?? {})) {
    if (body[field] !== req.params[param])
      throw new LedgerError("MALFORMED_REQUEST", `the path's ${param} differs from the record's ${field}`, {
        field: `record.body.${field}`,
      });
  }
  if (route.deliver !== undefined && (body.operation === "deliver") !== route.deliver) {
    throw new LedgerError(
      "MALFORMED_REQUEST",
      route.deliver ? 'deliveries are hops with operation "deliver"' : "deliveries go to /v1/deliveries",
      { field: "record.body.operation" },
    );
  }
  return signed;
}

/** Seconds a client polling an unknown outcome should wait between polls. */
export const OUTCOME_POLL_SECONDS = 2;

/**
 * 201 with the receipt once the record is on chain and logged; 202 with the record hash when
 * its transaction was sent but its outcome is not known yet (poll GET /v1/receipts/:recordHash,
 * which answers 202 until the outcome is known).
 */
async function answer(res: Response, records: RecordService, signed: SignedRecord, caller: Caller): Promise<void> {
  try {
    res.status(201).json(await records.submit(signed, caller));
  } catch (err) {
    if (!(err instanceof OutcomePendingError)) throw err;
    res
      .status(202)
      .set("Retry-After", String(OUTCOME_POLL_SECONDS))
      .set("Location", `/v1/receipts/${err.pending.recordHash}`)
      .json({ ...err.pending, poll: `/v1/receipts/${err.pending.recordHash}` });
  }
}

export function mountWriteRoutes(router: Router, records: RecordService): void {
  for (const route of WRITE_ROUTES) {
    router[route.method](route.path, (req, res) => answer(res, records, check(route, req), req.caller!));
  }
  router.post("/v1/records", (req, res) => answer(res, records, signedRecordOf(req), req.caller!));
}
