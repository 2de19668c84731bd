import { join } from "node:path";
import { ClassicLevel } from "classic-level";
import { ComplaintContent, envelopeCommitment, type SealedComplaint } from "../../../../core/complaint-envelope.ts";
import { LedgerError } from "../../../../core/errors.ts";
import { EXAMPLE_ORGS } from "../../../../core/operation-examples.ts";
import { ComplaintSubject } from "../../../../core/records/complaint.ts";
import type { ComplaintView } from "../../../../core/views.ts";
import { ComplaintIntake } from "../../domain/complaints.ts";
import { notFound } from "../../domain/record-reader.ts";
import * as S from "../api-schemas.ts";
import { complaintLimits } from "../rate-limits.ts";
import { enumFilter, pageOf, pageRequest, PAGE_QUERY } from "./paging.ts";
import { parseRequestBody } from "./request-body.ts";
import { param, type ReadRoute, type RouteContributor } from "./route.ts";

const LodgeBody = ComplaintContent.extend({ subject: ComplaintSubject });

/**
 * Complaints (社会监督): anyone lodges one without an account or a signature, within the abuse
 * limits; it is sealed for the supervisors at once and only its commitment goes on chain. The
 * complainant follows the case by its id; supervisors list the cases and fetch the sealed
 * content, which they open with their own keys (the service cannot).
 */
export const complaintRoutes: RouteContributor = async (ctx): Promise<ReadRoute[]> => {
  const db = new ClassicLevel<string, unknown>(join(ctx.config.dataDir, "complaints"), { valueEncoding: "json" });
  await db.open();
  ctx.onClose(() => db.close());
  const intake = new ComplaintIntake(db, {
    backend: ctx.backend,
    store: ctx.store,
    records: ctx.records,
    agency: { orgId: ctx.config.agency.orgId, privateKey: ctx.keyring.agency.privateKey },
  });
  const limits = complaintLimits(ctx.config.http);
  // Only ids the indexes hold reach the chain: an arbitrary path segment is no state key.
  const complaintOf = async (id: string): Promise<ComplaintView> => {
    const known = (await ctx.store.historyOf("complaint", id)).length > 0;
    const view = known ? ((await ctx.backend.view({ kind: "complaint", id })) as ComplaintView | undefined) : undefined;
    if (!view) throw notFound("complaint", id);
    return view;
  };
  const requireSupervision = (role: string) => {
    if (role !== "supervisor" && role !== "agency")
      throw new LedgerError("FORBIDDEN", "complaints are read by the supervisors and the agency", { role });
  };
  return [
    {
      method: "post",
      path: "/v1/public/complaints",
      auth: "public",
      summary: `Lodge a complaint about a product or an operator, without an account: the text (at most 4,000 characters) and any contact (at most 200) are sealed for the supervisors and only a commitment goes on chain; at most ${ctx.config.http.complaintsPerAddressPerHour} an hour from one address and ${ctx.config.http.complaintsPerHour} an hour in all`,
      tag: "complaints",
      requestBody: {
        schema: LodgeBody,
        example: {
          subject: { kind: "product", id: "P1" },
          text: "The credit score API charged 8 yuan a call, above its published price of 5 yuan.",
        },
      },
      responses: { 200: S.LodgedComplaint },
      handler: async (req, res) => {
        await limits(req, res);
        const { subject, ...content } = parseRequestBody(LodgeBody, req.body);
        const lodged = await intake.lodge(subject, content);
        res.json({
          complaintId: lodged.complaintId,
          commitment: lodged.commitment,
          complaint: lodged.complaint,
          receipt: lodged.accepted,
        });
      },
    },
    {
      path: "/v1/public/complaints/:complaintId",
      auth: "public",
      summary:
        "Where a complaint stands, for whoever holds its id: lodged, handling or concluded, the outcome and the deadline (never its content)",
      tag: "complaints",
      responses: { 200: S.ComplaintState },
      handler: async (req, res) => {
        res.json(await complaintOf(param(req, "complaintId")));
      },
    },
    {
      path: "/v1/complaints",
      auth: "signed",
      summary:
        "Every complaint with its status and deadline (supervisors and the agency), oldest first, in cursor pages",
      tag: "complaints",
      query: [
        { name: "status", description: "lodged, handling or concluded", example: "lodged" },
        { name: "subject", description: "a product id or an operator's code", example: EXAMPLE_ORGS.operator },
        ...PAGE_QUERY,
      ],
      responses: { 200: S.ComplaintList },
      handler: async (req, res) => {
        requireSupervision(req.caller!.role);
        const status = enumFilter(req, "status", ["lodged", "handling", "concluded"] as const);
        const subject = typeof req.query.subject === "string" ? req.query.subject : undefined;
        const ids = await ctx.store.idsOfKind("complaint");
        const views = new Map<string, ComplaintView>();
        for (const id of ids) {
          const view = (await ctx.backend.view({ kind: "complaint", id })) as ComplaintView | undefined;
          if (view) views.set(id, view);
        }
        const ordered = [...views.values()].sort((a, b) => a.lodgedAt - b.lodgedAt || a.id.localeCompare(b.id));
        const { items, nextCursor } = await pageOf(
          ordered.map((v) => v.id),
          pageRequest(req),
          async (id) => {
            const v = views.get(id)!;
            if ((status && v.status !== status) || (subject && v.subjectId !== subject)) return undefined;
            return v;
          },
        );
        res.json({ complaints: items, nextCursor });
      },
    },
    {
      path: "/v1/complaints/:complaintId",
      auth: "signed",
      summary:
        "A complaint's record: the chain's view, the intake's signed commitment and the supervisors' handling, each with its receipt",
      tag: "complaints",
      responses: { 200: S.RecordDocument },
      handler: async (req, res) => {
        const id = param(req, "complaintId");
        await ctx.access.assertCanSee(req.caller!, "complaint", id);
        res.json(await ctx.reader.document("complaint", id));
      },
    },
    {
      path: "/v1/complaints/:complaintId/sealed",
      auth: "signed",
      summary:
        "A complaint's sealed content for a supervisor to open with its own SM2 key (core/complaint-envelope.ts openComplaint), with the chain's commitment to compare",
      tag: "complaints",
      responses: { 200: S.SealedComplaint },
      handler: async (req, res) => {
        const caller = req.caller!;
        if (caller.role !== "supervisor")
          throw new LedgerError("FORBIDDEN", "a complaint's content is sealed for the supervisors", {
            role: caller.role,
          });
        const id = param(req, "complaintId");
        const complaint = await complaintOf(id);
        const envelope = await intake.envelope(id);
        if (!envelope) throw new LedgerError("NOT_FOUND", `the sealed content of complaint ${id} is not here`, { id });
        const commitment = envelopeCommitment(envelope);
        res.json({
          envelope,
          commitment,
          matchesChain: commitment === complaint.commitment,
          complaint,
        } satisfies SealedComplaint);
      },
    },
  ];
};
