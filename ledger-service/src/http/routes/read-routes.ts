import { EXAMPLE_ORGS } from "../../../../core/operation-examples.ts";
import { Domain } from "../../../../core/records/common.ts";
import type { Request } from "express";
import * as S from "../api-schemas.ts";
import { Receipt } from "../../log/receipt.ts";
import type { GrantView, ObjectionView, PriceCapView, ResourceView, ViewKey } from "../../../../core/views.ts";
import { GRANT_STATUSES } from "../../../../core/records/grant.ts";
import type { Resource } from "../../../../core/records/resource.ts";
import { CHARGE_UNITS } from "../../../../core/records/product.ts";
import { OBJECTION_STATUSES, type Objection } from "../../../../core/records/objection.ts";
import type { Access } from "../../domain/access.ts";
import { lineageGraph, recipientLineage } from "../../domain/lineage-graph.ts";
import type { LineageDocument } from "../../../../core/lineage-graph.ts";
import type { PublicProductFacts } from "../../../../core/public-list.ts";
import type { RecordDocument, RecordHistory, RevenueYears } from "../../../../core/record-document.ts";
import type { GrantList, ObjectionList, PriceCapList, ResourceCatalog } from "../../../../core/desk-lists.ts";
import type { OverdueAnswer } from "../../../../core/overdue.ts";
import { toNdjson, toOpenLineage } from "../../domain/openlineage.ts";
import { toProvJson } from "../../domain/prov.ts";
import type { RecordReader } from "../../domain/record-reader.ts";
import type { LedgerBackend } from "../../chain/backend.ts";
import type { IndexStore } from "../../indexes/index-store.ts";
import { LedgerError } from "../../../../core/errors.ts";
import { param, atQuery, type ReadRoute } from "./route.ts";
import { enumFilter, filterValue, pageOf, pageRequest, PAGE_QUERY } from "./paging.ts";
import type { OutcomeEntry } from "../../domain/outcomes.ts";
import { pendingRecordOf } from "../../domain/record-service.ts";
import { OUTCOME_POLL_SECONDS } from "./write-handlers.ts";
import { overdueItems } from "../../domain/overdue/sources.ts";
import { revenueId, revenueIds } from "../../domain/revenue.ts";

export interface ReadDeps {
  readonly backend: LedgerBackend;
  readonly store: IndexStore;
  readonly reader: RecordReader;
  readonly access: Access;
  /** Extra read routes contributed by other modules (checkpoints, reports, trace). */
  readonly extra?: readonly ReadRoute[];
  /** What is known of a write not (yet) indexed: its unknown or settled outcome. */
  readonly outcomeOf?: (recordHash: string) => Promise<OutcomeEntry | undefined>;
}

const KINDS = new Set([
  "actor",
  "resource",
  "grant",
  "partner",
  "price-cap",
  "product",
  "report",
  "hop",
  "certificate",
  "blacklist",
  "evaluation",
  "anchor",
  "complaint",
  "objection",
  "alert",
  "service-list",
  "revenue",
]);

export function readRoutes(d: ReadDeps): ReadRoute[] {
  const { store, reader, access, backend } = d;

  const assertCanSee = (req: Request, kind: string, id: string) => access.assertCanSee(req.caller!, kind, id);
  /** Whether the caller may read the record: a list leaves out what it may not, where a record's route refuses. */
  const canSee = (req: Request, kind: string, id: string) =>
    assertCanSee(req, kind, id).then(
      () => true,
      (err: unknown) => {
        if (err instanceof LedgerError && err.code === "FORBIDDEN") return false;
        throw err;
      },
    );

  const document =
    (kind: ViewKey["kind"], name: string): ReadRoute["handler"] =>
    async (req, res) => {
      const id = param(req, name);
      await assertCanSee(req, kind, id);
      res.json(await reader.document(kind, id));
    };

  return [
    {
      path: "/v1/actors/:orgId",
      auth: "signed",
      summary: "An organisation, its role and key",
      tag: "actors",
      responses: { 200: S.RecordDocument },
      handler: document("actor", "orgId"),
    },
    {
      path: "/v1/resources",
      auth: "signed",
      summary: "The resource catalog (the resources the caller may see), filtered by domain or grade, in cursor pages",
      tag: "resources",
      responses: { 200: S.ResourceCatalog },
      query: [
        { name: "domain", description: `the resource's domain: ${Domain.options.join(", ")}`, example: "finance" },
        { name: "grade", description: "the resource's grade, 1 to 4", example: "2" },
        ...PAGE_QUERY,
      ],
      handler: async (req, res) => {
        const domain = enumFilter(req, "domain", Domain.options);
        const grade = enumFilter(req, "grade", ["1", "2", "3", "4"] as const);
        const { items, nextCursor } = await pageOf(await store.idsOfKind("resource"), pageRequest(req), async (id) => {
          const first = (await store.historyOf("resource", id))[0]!;
          const body = first.signed.record.body as Resource;
          if (!(await access.canSeeResource(req.caller!, body.sourceUnits))) return undefined;
          if ((domain && body.domain !== domain) || (grade && String(body.grade) !== grade)) return undefined;
          return {
            id,
            record: body,
            view: ((await backend.view({ kind: "resource", id })) as ResourceView | undefined) ?? null,
          };
        });
        res.json({ resources: items, nextCursor } satisfies ResourceCatalog);
      },
    },
    {
      path: "/v1/resources/:resourceId",
      auth: "signed",
      summary: "A resource with its versions",
      tag: "resources",
      responses: { 200: S.RecordDocument },
      handler: document("resource", "resourceId"),
    },
    {
      path: "/v1/grants",
      auth: "signed",
      summary:
        "Grants the caller may see (all for the agency, supervisors and the exchange), filtered by status or grantee, in cursor pages",
      tag: "grants",
      responses: { 200: S.GrantList },
      query: [
        { name: "status", description: `one of ${GRANT_STATUSES.join(", ")}`, example: "active" },
        { name: "grantee", description: "the operator's unified social credit code", example: EXAMPLE_ORGS.operator },
        ...PAGE_QUERY,
      ],
      handler: async (req, res) => {
        const status = enumFilter(req, "status", GRANT_STATUSES);
        const grantee = filterValue(req, "grantee");
        const ids = access.readsEverything(req.caller!)
          ? await store.idsOfKind("grant")
          : [...(await access.grantsOf(req.caller!.orgId))];
        const { items, nextCursor } = await pageOf(ids, pageRequest(req), async (id) => {
          const view = (await backend.view({ kind: "grant", id })) as GrantView | undefined;
          if (!view || (status && view.status !== status) || (grantee && view.grantee !== grantee)) return undefined;
          return { id, view };
        });
        res.json({ grants: items, nextCursor } satisfies GrantList);
      },
    },
    {
      path: "/v1/price-caps",
      auth: "signed",
      summary:
        "The price caps in force (every signed caller may read them: they bound every industry product's price), filtered by domain or charging unit, in cursor pages: the cap in fen and the record that set it last, with when",
      tag: "products",
      responses: { 200: S.PriceCapList },
      query: [
        { name: "domain", description: `the cap's domain: ${Domain.options.join(", ")}`, example: "finance" },
        { name: "chargeUnit", description: `one of ${CHARGE_UNITS.join(", ")}`, example: "per-call" },
        ...PAGE_QUERY,
      ],
      handler: async (req, res) => {
        const domain = enumFilter(req, "domain", Domain.options);
        const chargeUnit = enumFilter(req, "chargeUnit", CHARGE_UNITS);
        const { items, nextCursor } = await pageOf(await store.idsOfKind("price-cap"), pageRequest(req), async (id) => {
          if (!(await canSee(req, "price-cap", id))) return undefined;
          const view = (await backend.view({ kind: "price-cap", id })) as PriceCapView | undefined;
          if (!view || (domain && view.domain !== domain) || (chargeUnit && view.chargeUnit !== chargeUnit))
            return undefined;
          const last = (await store.historyOf("price-cap", id)).at(-1);
          if (!last) return undefined;
          return { id, view, setAt: last.blockTime, recordHash: last.recordHash };
        });
        res.json({ caps: items, nextCursor } satisfies PriceCapList);
      },
    },
    {
      path: "/v1/operators/:operator/service-lists",
      auth: "signed",
      summary:
        "An operator's product and service list duty (since, last publication, next due second, late lists) and every list it published",
      tag: "products",
      responses: { 200: S.RecordDocument },
      handler: document("service-list", "operator"),
    },
    {
      path: "/v1/operators/:operator/revenue",
      auth: "signed",
      summary:
        "An operator's permitted revenue, every year (the operator, and the agency, supervisors and exchange who read every record): maximum, report, deviation in basis points, band and guidance item",
      tag: "revenue",
      responses: { 200: S.RevenueYears },
      handler: async (req, res) => {
        const operator = param(req, "operator");
        await assertCanSee(req, "revenue", revenueId(operator, ""));
        const years = [];
        for (const id of await revenueIds(store, operator)) years.push(await reader.document("revenue", id));
        res.json({ years } satisfies RevenueYears);
      },
    },
    {
      path: "/v1/operators/:operator/revenue/:year",
      auth: "signed",
      summary: "An operator's permitted revenue for one year, with every record of it",
      tag: "revenue",
      responses: { 200: S.RecordDocument },
      handler: async (req, res) => {
        const id = revenueId(param(req, "operator"), param(req, "year"));
        await assertCanSee(req, "revenue", id);
        res.json(await reader.document("revenue", id));
      },
    },
    {
      path: "/v1/grants/:grantId",
      auth: "signed",
      summary: "A grant: current status and every change",
      tag: "grants",
      responses: { 200: S.RecordDocument },
      handler: document("grant", "grantId"),
    },
    {
      path: "/v1/partners/:admissionId",
      auth: "signed",
      summary: "A partner admission",
      tag: "partners",
      responses: { 200: S.RecordDocument },
      handler: document("partner", "admissionId"),
    },
    {
      path: "/v1/products/:productId",
      auth: "signed",
      summary: "A product: listing status, price and every change (a recipient: its public facts)",
      tag: "products",
      responses: { 200: S.ProductDocument },
      handler: async (req, res) => {
        const productId = param(req, "productId");
        const scope = await access.requireProductScope(req.caller!, productId);
        if (scope.kind === "full") return void res.json(await reader.document("product", productId));
        const facts = await reader.productFacts(productId);
        res.json({
          kind: "product",
          id: productId,
          view: facts,
          created: facts,
          changes: [],
        } satisfies RecordDocument<PublicProductFacts, PublicProductFacts>);
      },
    },
    {
      path: "/v1/hops/:hopId",
      auth: "signed",
      summary: "A lineage hop or delivery",
      tag: "lineage",
      responses: { 200: S.RecordDocument },
      handler: document("hop", "hopId"),
    },
    {
      path: "/v1/certificates/:certificateId",
      auth: "signed",
      summary: "A destruction certificate",
      tag: "exit",
      responses: { 200: S.RecordDocument },
      handler: document("certificate", "certificateId"),
    },
    {
      path: "/v1/blacklist/:orgId",
      auth: "signed",
      summary: "An organisation's blacklist entry",
      tag: "governance",
      responses: { 200: S.RecordDocument },
      handler: document("blacklist", "orgId"),
    },
    {
      path: "/v1/objections",
      auth: "signed",
      summary:
        "The data-quality objections the caller may read (its own filings, those against the resources it supplies; all for the agency, supervisors and the exchange), filtered by resource or status, in cursor pages",
      tag: "objections",
      responses: { 200: S.ObjectionList },
      query: [
        { name: "resourceId", description: "the resource objected to", example: "R1" },
        { name: "status", description: `one of ${OBJECTION_STATUSES.join(", ")}`, example: "open" },
        ...PAGE_QUERY,
      ],
      handler: async (req, res) => {
        const resourceId = filterValue(req, "resourceId");
        const status = enumFilter(req, "status", OBJECTION_STATUSES);
        const page = pageRequest(req);
        const { items, nextCursor } = await pageOf(await store.idsOfKind("objection"), page, async (id) => {
          const filed = (await store.historyOf("objection", id))[0];
          if (!filed) return undefined;
          const record = filed.signed.record.body as Objection;
          if (resourceId !== undefined && record.resourceId !== resourceId) return undefined;
          if (!(await access.canSeeObjection(req.caller!, filed.signed.record.actor, record.resourceId)))
            return undefined;
          const view = (await backend.view({ kind: "objection", id })) as ObjectionView | undefined;
          if (!view || (status !== undefined && view.status !== status)) return undefined;
          return { id, record, view };
        });
        res.json({ objections: items, nextCursor } satisfies ObjectionList);
      },
    },
    {
      path: "/v1/objections/:objectionId",
      auth: "signed",
      summary:
        "A data-quality objection and its answer (the filer, the resource's source units, the agency, supervisors, the exchange)",
      tag: "objections",
      responses: { 200: S.RecordDocument },
      handler: document("objection", "objectionId"),
    },
    {
      path: "/v1/products/:productId/lineage",
      auth: "signed",
      summary:
        "The lineage graph of a product back to its resources and grant: as JSON, W3C PROV-JSON, or OpenLineage run events as NDJSON (docs/LINEAGE.md)",
      tag: "lineage",
      responses: { 200: S.Lineage, ndjson: S.OpenLineageRunEvent },
      query: [
        {
          name: "format",
          description:
            "json (default), prov (W3C PROV-JSON) or openlineage (OpenLineage 2-0-2 run events, NDJSON: one event a line)",
          example: "prov",
        },
      ],
      handler: async (req, res) => {
        const productId = param(req, "productId");
        const format = String(req.query.format ?? "json");
        if (!["json", "prov", "openlineage"].includes(format))
          throw new LedgerError("MALFORMED_REQUEST", "format must be json, prov or openlineage", { field: "format" });
        const scope = await access.requireProductScope(req.caller!, productId);
        const graph: LineageDocument =
          scope.kind === "full"
            ? await lineageGraph(store, productId)
            : await recipientLineage(store, await reader.productFacts(productId), scope.deliveries);
        if (format === "json") res.json(graph);
        else if (format === "prov") res.type("application/json").json(toProvJson(graph));
        else if (format === "openlineage")
          res.type("application/x-ndjson").send(toNdjson(toOpenLineage(graph, `${req.protocol}://${req.get("host")}`)));
        else
          throw new LedgerError("MALFORMED_REQUEST", "format must be json, prov or openlineage", { field: "format" });
      },
    },
    {
      path: "/v1/records/:kind/:id/history",
      auth: "signed",
      summary: "Every signed record that touched a record, each with its receipt",
      tag: "evidence",
      responses: { 200: S.RecordHistory },
      handler: async (req, res) => {
        const kind = param(req, "kind");
        const id = param(req, "id");
        if (!KINDS.has(kind))
          throw new LedgerError("MALFORMED_REQUEST", `unknown record kind ${kind}`, { field: "kind" });
        await assertCanSee(req, kind, id);
        res.json({ kind, id, history: await reader.history(kind, id) } satisfies RecordHistory);
      },
    },
    {
      path: "/v1/receipts/:recordHash",
      auth: "signed",
      summary:
        "The latest receipt of an accepted record (pending, checkpointed or anchored); 202 while the outcome of its write is not known, 404 once nothing of it was written",
      tag: "evidence",
      responses: { 200: Receipt, 202: S.PendingRecord },
      handler: async (req, res) => {
        const hash = param(req, "recordHash");
        if (!/^[0-9a-f]{64}$/.test(hash))
          throw new LedgerError("MALFORMED_REQUEST", "a record hash is 64 lowercase hex characters", {
            field: "recordHash",
          });
        const entry = await store.entryByHash(hash);
        if (!entry) {
          const outcome = await d.outcomeOf?.(hash);
          // Only its author (and those who read everything) learn of a write that is not on chain.
          if (outcome && (access.readsEverything(req.caller!) || outcome.actor === req.caller!.orgId)) {
            if (outcome.state === "submitted")
              return void res
                .status(202)
                .set("Retry-After", String(OUTCOME_POLL_SECONDS))
                .json({ ...pendingRecordOf(outcome), poll: `/v1/receipts/${hash}` });
            throw new LedgerError("NOT_FOUND", outcome.reason ?? "nothing of this record was written", {
              id: hash,
              recordHash: hash,
              state: "not-written",
            });
          }
          throw new LedgerError("NOT_FOUND", `no record ${hash}`, { id: hash });
        }
        if (!access.readsEverything(req.caller!) && entry.signed.record.actor !== req.caller!.orgId)
          await assertCanSee(req, entry.kind, entry.id);
        if (entry.leafIndex < 0)
          throw new LedgerError(
            "NOT_FOUND",
            "this record is not logged (checkpoint anchors are evidence about the log itself)",
            { id: hash },
          );
        res.json(await reader.receiptOf(entry.leafIndex));
      },
    },
    {
      path: "/v1/overdue",
      auth: "signed",
      summary:
        "Every duty overdue at a time (default: now): items with their kind, deadline, the record that started the clock and who owes the act; the agency and supervisors see all, others the items naming their organisation. `overdue` repeats the destruction items in the earlier per-grant shape",
      tag: "exit",
      responses: { 200: S.Overdue },
      query: [{ name: "at", description: "Unix seconds", example: "1798732800" }],
      handler: async (req, res) => {
        const at = await atQuery(req, backend);
        const items = await overdueItems({ at, backend, store }, req.caller!);
        const overdue = items
          .filter((i) => i.kind === "destruction-certificate")
          .map((i) => ({
            grantId: i.subject.id,
            endedAt: i.detail.endedAt,
            deadline: i.deadline,
            missing: i.detail.missing,
          }));
        res.json({ at, items, overdue } satisfies OverdueAnswer);
      },
    },
    ...(d.extra ?? []),
  ];
}
