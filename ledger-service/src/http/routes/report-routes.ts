import { Domain } from "../../../../core/records/common.ts";
import type { ListingQueue } from "../../../../core/listing-report.ts";
import type { Product } from "../../../../core/records/product.ts";
import * as S from "../api-schemas.ts";
import { grantAudit, type ReportDeps } from "../../domain/verification-report.ts";
import { queueItem } from "../../domain/listing-queue.ts";
import { enumFilter, pageOf, pageRequest, PAGE_QUERY } from "./paging.ts";
import { atQuery, param, type ReadRoute, type RouteContributor } from "./route.ts";
import { LedgerError } from "../../../../core/errors.ts";
import { join } from "node:path";
import { ClassicLevel } from "classic-level";
import { issueReport, latestIssued, ReportStore, type IssuerDeps } from "../../domain/report-issuer.ts";

/** The exchange's listing queue and verification report, and the grant audit. */
export const reportRoutes: RouteContributor = async (ctx): Promise<ReadRoute[]> => {
  const deps: ReportDeps = {
    store: ctx.store,
    backend: ctx.backend,
    receipts: { receipt: (leaf) => ctx.reader.receiptOf(leaf) },
    logPublicKey: ctx.checkpointer.publicKey,
  };
  const signer = {
    keyName: ctx.checkpointer.keyName,
    publicKey: ctx.keyring.log.publicKey,
    privateKey: ctx.keyring.log.privateKey,
  };
  const db = new ClassicLevel<string, unknown>(join(ctx.config.dataDir, "reports"), { valueEncoding: "json" });
  await db.open();
  ctx.onClose(() => db.close());
  const issuer: IssuerDeps = {
    reports: deps,
    backend: ctx.backend,
    records: ctx.records,
    store: new ReportStore(db),
    signer,
    agency: { orgId: ctx.config.agency.orgId, privateKey: ctx.keyring.agency.privateKey },
    receiptOf: (leaf) => ctx.reader.receiptOf(leaf),
  };
  /** The product's grant, NOT_FOUND for a product the ledger does not hold. */
  const grantOf = async (productId: string) => {
    const first = (await ctx.store.historyOf("product", productId))[0];
    if (!first) throw new LedgerError("NOT_FOUND", `no product ${productId}`, { kind: "product", id: productId });
    return (first.signed.record.body as Product).grantId;
  };
  return [
    {
      path: "/v1/products/:productId/verification-report",
      auth: "signed",
      summary:
        "The listing verification report issued last for the product (POST issues one): each check the ledger can judge, pass or fail with evidence, signed by the service (SM2), with the report.issue record that put its hash on chain; a listing names its reportHash",
      tag: "listing",
      responses: { 200: S.IssuedListingReport },
      handler: async (req, res) => {
        const productId = param(req, "productId");
        // The exchange, the agency and supervisors; the holders of the product's grant may read it too.
        ctx.access.require(await ctx.access.canSeeGrant(req.caller!, await grantOf(productId)), req.caller!, {
          kind: "product",
          id: productId,
        });
        const issued = await latestIssued(issuer, productId);
        if (!issued)
          throw new LedgerError(
            "NOT_FOUND",
            `no verification report was issued for product ${productId} (POST this path to issue one)`,
            { kind: "report", id: productId },
          );
        res.json(issued);
      },
    },
    {
      method: "post",
      path: "/v1/products/:productId/verification-report",
      auth: "signed",
      summary:
        "Issue the product's listing verification report now (the exchange or the agency): built at the chain's time, signed by the service, its hash, product and verdict recorded on chain (report.issue, signed as the agency); from then on the product's latest report, the only one a listing may name",
      tag: "listing",
      responses: { 201: S.IssuedListingReport },
      handler: async (req, res) => {
        const productId = param(req, "productId");
        await grantOf(productId);
        ctx.access.requireRead(req.caller!, "reportIssue");
        res.status(201).json(await issueReport(issuer, productId));
      },
    },
    {
      path: "/v1/exchange/queue",
      auth: "signed",
      summary:
        "The listing queue: products registered and not (yet) listed, each with the verdict of its listing verification report now and the checks that fail (the exchange, the agency and supervisors); filtered by domain or verdict, in cursor pages",
      tag: "listing",
      responses: { 200: S.ListingQueue },
      query: [
        { name: "domain", description: `the product's domain: ${Domain.options.join(", ")}`, example: "finance" },
        { name: "verdict", description: "pass or fail", example: "pass" },
        ...PAGE_QUERY,
      ],
      handler: async (req, res) => {
        ctx.access.requireRead(req.caller!, "listingQueue");
        const domain = enumFilter(req, "domain", Domain.options);
        const verdict = enumFilter(req, "verdict", ["pass", "fail"] as const);
        const at = await ctx.backend.now();
        const { items, nextCursor } = await pageOf(
          await ctx.store.idsOfKind("product"),
          pageRequest(req),
          async (id) => {
            const item = await queueItem(deps, id, at);
            if (!item || (domain && item.domain !== domain) || (verdict && item.report.verdict !== verdict))
              return undefined;
            return item;
          },
        );
        res.json({ products: items, nextCursor } satisfies ListingQueue);
      },
    },
    {
      path: "/v1/grants/:grantId/audit",
      auth: "signed",
      summary:
        "The grant audit: its changes, partners, products, hops, deliveries, certificates, evaluations, exit status and overdue certificates",
      tag: "grants",
      responses: { 200: S.GrantAudit },
      query: [{ name: "at", description: "Unix seconds for the overdue check (default: now)", example: "1798732800" }],
      handler: async (req, res) => {
        const grantId = param(req, "grantId");
        ctx.access.require(await ctx.access.canSeeGrant(req.caller!, grantId), req.caller!, {
          kind: "grant",
          id: grantId,
        });
        const audit = await grantAudit(deps, grantId, await atQuery(req, ctx.backend));
        if (!audit) throw new LedgerError("NOT_FOUND", `no grant ${grantId}`, { kind: "grant", id: grantId });
        res.json(audit);
      },
    },
  ];
};
