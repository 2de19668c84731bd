import type { Request } from "express";
import * as S from "../api-schemas.ts";
import { z } from "zod";
import { Id, Timestamp } from "../../../../core/records/common.ts";
import type { LineageHop } from "../../../../core/records/lineage.ts";
import {
  MIN_TRACE_RECORDS,
  chunkRecordsFor,
  parseRecordText,
  TRACE_PATHS,
  type DeliveryKeysResponse,
  type IntakeStatus,
} from "../../trace/api.ts";
import { deriveDeliveryKeys, watermarkCommitment } from "../../trace/trace-keys.ts";
import { canonicalRecord, type Row } from "../../trace/datasets.ts";
import type { DeliveryOnChain } from "../../trace/service/intake.ts";
import { buildTraceReport } from "../../trace/service/trace-report.ts";
import type { TraceReport } from "../../../../core/trace-report.ts";
import { closeTraceRuntime, traceRuntime } from "../../trace/service/runtime.ts";
import { traceRows, type TraceCandidate } from "../../trace/attribution.ts";
import type { WatermarkSpec } from "../../trace/watermark-spec.ts";
import { parseRequestBody } from "./request-body.ts";
import type { ReadRoute, RouteContributor, ServiceContext } from "./route.ts";
import { LedgerError } from "../../../../core/errors.ts";
import { sm3Hex } from "../../../../core/crypto/sm3.ts";
import { leakAlerts } from "../../domain/delivery-alerts.ts";

/**
 * Leak tracing on the service (docs/TRACING.md): the operator's tool gets each delivery's keys
 * here and deposits the delivery's keyed fingerprints (never a record value); agency and
 * supervisors post a leaked sample and get back the deliveries it came from, with proofs.
 */
const Base64 = z.string().regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, "must be base64");
const Format = z.enum(["csv", "jsonl"]);

const KeysBody = z.strictObject({ deliveryId: Id });
const BeginBody = z.strictObject({ watermark: z.record(z.string(), z.unknown()), format: Format.optional() });
const ChunkBody = z.strictObject({
  start: z.number().int().min(0),
  handles: Base64,
  leafHashes: Base64,
  marks: Base64.optional(),
  final: z.boolean().optional(),
});
const TraceBody = z.strictObject({
  records: z.string().min(1, "must hold the leaked records"),
  format: z.enum(["auto", "csv", "jsonl"]).optional(),
  at: Timestamp.optional(),
  alpha: z.number().gt(0).max(0.01).optional(),
  productId: Id.optional(),
  maxProofsPerDelivery: z.number().int().min(0).max(1000).optional(),
});

function deliveryIdParam(req: Request): string {
  const id = req.params.deliveryId;
  if (!Id.safeParse(id).success) throw new LedgerError("MALFORMED_REQUEST", "bad delivery id", { field: "deliveryId" });
  return id as string;
}

export const traceRoutes: RouteContributor = (ctx: ServiceContext): ReadRoute[] => {
  const { store, access } = ctx;
  const runtime = () => traceRuntime(ctx.config.dataDir, ctx.keyring.agency.privateKey);
  ctx.onClose(() => closeTraceRuntime(ctx.config.dataDir));
  const chunkRecords = chunkRecordsFor(ctx.config.bodyLimitBytes);

  /** The deliver hop `id` as registered on chain; the caller must be its author unless `read` lets others in. */
  async function deliveryOnChain(id: string, req: Request, read?: "deliveryIntake"): Promise<DeliveryOnChain> {
    const entry = (await store.historyOf("hop", id))[0];
    if (!entry)
      throw new LedgerError(
        "NOT_FOUND",
        "no hop with this id on chain: register the delivery first (POST /v1/deliveries)",
        { id },
      );
    const hop = entry.signed.record.body as LineageHop;
    if (hop.operation !== "deliver" || !hop.delivery)
      throw new LedgerError("MALFORMED_REQUEST", `hop ${id} is not a delivery`, { field: "deliveryId", id });
    const actor = entry.signed.record.actor;
    access.requireDeliveryAccess(req.caller!, actor, read);
    return {
      deliveryId: id,
      actor,
      productId: hop.productId,
      grantId: hop.grantId,
      recipient: hop.delivery.recipient,
      recordCount: hop.recordCount,
      fingerprintRoot: hop.delivery.fingerprintRoot,
      watermarkCommitment: hop.delivery.watermarkCommitment,
      recordHash: entry.recordHash,
    };
  }

  const status = (d: DeliveryOnChain, s: { staged: number; indexed: boolean }): IntakeStatus => ({
    deliveryId: d.deliveryId,
    recordCount: d.recordCount,
    fingerprintRoot: d.fingerprintRoot,
    staged: s.staged,
    chunkRecords,
    indexed: s.indexed,
  });

  return [
    {
      method: "post",
      path: TRACE_PATHS.keys,
      auth: "signed",
      summary:
        "A delivery's watermark and fingerprint key secret and the caller's index key, for `pdl deliver` (operator, partner)",
      tag: "trace",
      responses: { 200: S.DeliveryKeys },
      requestBody: {
        schema: KeysBody,
        example: { deliveryId: "D1" },
      },
      handler: async (req, res) => {
        access.requireRead(req.caller!, "deliveryKeys");
        const { deliveryId } = parseRequestBody(KeysBody, req.body);
        const entry = (await store.historyOf("hop", deliveryId))[0];
        if (
          entry &&
          (entry.signed.record.actor !== req.caller!.orgId ||
            (entry.signed.record.body as LineageHop).operation !== "deliver")
        ) {
          throw new LedgerError("DUPLICATE_ID", "another hop already has this id", { id: deliveryId });
        }
        const { vault } = await runtime();
        const secret = vault.deliverySecret(req.caller!.orgId, deliveryId);
        const keys = deriveDeliveryKeys(secret, deliveryId);
        ctx.logger.info({ deliveryId, orgId: req.caller!.orgId }, "issued delivery trace keys");
        const body: DeliveryKeysResponse = {
          deliveryId,
          orgId: req.caller!.orgId,
          deliverySecret: secret.toString("hex"),
          indexKey: vault.indexKey(req.caller!.orgId).toString("hex"),
          watermarkCommitment: watermarkCommitment(keys.watermarkKey),
        };
        res.set("Cache-Control", "no-store").json(body);
      },
    },
    {
      method: "post",
      path: "/v1/trace/deliveries/:deliveryId",
      auth: "signed",
      summary:
        "Begin (or resume) depositing a registered delivery's keyed fingerprints, with its watermark spec (the delivery's author)",
      tag: "trace",
      responses: { 200: S.IntakeStatus },
      requestBody: {
        schema: BeginBody,
        example: {
          watermark: { keyColumns: ["company"], columns: [{ column: "amount", kind: "number", decimals: 2 }] },
          format: "csv",
        },
      },
      handler: async (req, res) => {
        const delivery = await deliveryOnChain(deliveryIdParam(req), req);
        const body = parseRequestBody(BeginBody, req.body);
        const { intake } = await runtime();
        const staged = await intake.begin(delivery, body.watermark as unknown as WatermarkSpec, body.format);
        res.json(status(delivery, { staged, indexed: false }));
      },
    },
    {
      method: "post",
      path: "/v1/trace/deliveries/:deliveryId/fingerprints",
      auth: "signed",
      summary:
        "Deposit a chunk of lookup handles and leaf hashes; the final chunk is checked against the root on chain and indexed (the delivery's author)",
      tag: "trace",
      responses: { 200: S.IntakeStatus },
      requestBody: {
        schema: ChunkBody,
        example: {
          start: 0,
          handles: "AAAAAAAAAAAAAAAAAAAAAA==",
          leafHashes: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
          final: true,
        },
      },
      handler: async (req, res) => {
        const delivery = await deliveryOnChain(deliveryIdParam(req), req);
        const body = parseRequestBody(ChunkBody, req.body);
        const { intake } = await runtime();
        const done = await intake.append(
          delivery.deliveryId,
          body.start,
          Buffer.from(body.handles, "base64"),
          Buffer.from(body.leafHashes, "base64"),
          body.final ?? false,
          body.marks !== undefined ? Buffer.from(body.marks, "base64") : undefined,
        );
        if (done.indexed)
          ctx.logger.info(
            { deliveryId: delivery.deliveryId, records: delivery.recordCount },
            "indexed a delivery's fingerprints",
          );
        res.json(status(delivery, done));
      },
    },
    {
      method: "get",
      path: "/v1/trace/deliveries/:deliveryId",
      auth: "signed",
      summary: "Whether a delivery's fingerprints are deposited and indexed (its author, agency, supervisors)",
      tag: "trace",
      responses: { 200: S.IntakeStatus },
      handler: async (req, res) => {
        const delivery = await deliveryOnChain(deliveryIdParam(req), req, "deliveryIntake");
        const { intake } = await runtime();
        res.json(status(delivery, await intake.status(delivery.deliveryId)));
      },
    },
    {
      method: "post",
      path: TRACE_PATHS.trace,
      auth: "signed",
      summary:
        "Trace leaked records to the deliveries they came from, with proofs, lineage, grant and destruction status (agency, supervisors)",
      tag: "trace",
      responses: { 200: S.TraceReport },
      requestBody: {
        schema: TraceBody,
        example: { records: "company,rating,amount\nLonghua Precision Tooling Co.,A,12.50\n", format: "csv" },
      },
      handler: async (req, res) => {
        access.requireRead(req.caller!, "trace");
        const body = parseRequestBody(TraceBody, req.body);
        let rows: Row[];
        const distinct = new Set<string>();
        try {
          rows = parseRecordText(body.records, body.format ?? "auto");
          for (const r of rows) distinct.add(canonicalRecord(r));
        } catch (err) {
          throw new LedgerError("MALFORMED_REQUEST", `records: ${(err as Error).message}`, { field: "records" });
        }
        if (distinct.size < MIN_TRACE_RECORDS)
          throw new LedgerError(
            "TRACE_TOO_FEW_RECORDS",
            `records: ${distinct.size} distinct records, a trace needs at least ${MIN_TRACE_RECORDS}`,
            { field: "records", limit: MIN_TRACE_RECORDS, count: distinct.size },
          );
        if (body.productId !== undefined && (await store.historyOf("product", body.productId)).length === 0)
          throw new LedgerError("NOT_FOUND", `productId: no product ${body.productId} on the ledger`, {
            field: "productId",
            id: body.productId,
          });

        const { store: fingerprints, vault } = await runtime();
        const metas = await fingerprints.deliveries();
        const candidates: TraceCandidate[] = [];
        for (const m of metas) {
          if (body.productId !== undefined && m.productId !== body.productId) continue;
          const keys = await fingerprints.deliveryKeys(m.deliveryId);
          if (keys && m.watermark)
            candidates.push({
              deliveryId: m.deliveryId,
              keys,
              watermark: m.watermark,
              fingerprintRoot: m.fingerprintRoot,
            });
        }
        const actors = [...new Set(metas.map((m) => m.actor).filter((a): a is string => typeof a === "string"))];
        const result = await traceRows(rows, {
          store: fingerprints,
          candidates,
          indexKeys: actors.map((a) => vault.indexKey(a)),
          ...(body.alpha !== undefined ? { alpha: body.alpha } : {}),
          maxProofsPerDelivery: body.maxProofsPerDelivery ?? 20,
        });
        const leakAt = body.at ?? Math.max(Math.floor(Date.now() / 1000), await ctx.backend.now());
        const report = await buildTraceReport(result, leakAt, {
          store,
          backend: ctx.backend,
          reader: ctx.reader,
        });
        // The same sample traced again names the same deliveries: its hash keeps the alerts once.
        const sampleHash = sm3Hex([...distinct].sort().join("\n"));
        const alerts = await leakAlerts(store, report.attributedTo, sampleHash);
        await ctx.alerts.raise(alerts);
        res.json({ ...report, alerts: alerts.map((a) => a.id) } satisfies TraceReport);
      },
    },
  ];
};
