import { Domain } from "../../../../core/records/common.ts";
import type { Product } from "../../../../core/records/product.ts";
import * as S from "../api-schemas.ts";
import { grantAudit, listingReport, signReport, type ReportDeps } from "../../domain/verification-report.ts";
import { queueItem } from "../../domain/listing-queue.ts";
import { enumFilter, pageOf, pageRequest, PAGE_QUERY } from "./paging.ts";
import { atQuery, param, type ReadRoute, type RouteContributor } from "./route.ts";
import { LedgerError } from "../../../../core/errors.ts";

/** The exchange's listing queue and verification report, and the grant audit. */
export const reportRoutes: RouteContributor = (ctx): ReadRoute[] => {
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
  return [
    {
      path: "/v1/products/:productId/verification-report",
      auth: "signed",
      summary:
        "The listing verification report: each check the ledger can judge, pass or fail with evidence, signed by the service (SM2); its reportHash goes into the listing record",
      tag: "listing",
      responses: { 200: S.SignedListingReport },
      handler: async (req, res) => {
        const productId = param(req, "productId");
        const caller = req.caller!;
        const first = (await ctx.store.historyOf("product", productId))[0];
        if (!first) throw new LedgerError("NOT_FOUND", `no product ${productId}`, { kind: "product", id: productId });
        // The exchange, the agency and supervisors; the holders of the product's grant may preview it.
        ctx.access.require(
          await ctx.access.canSeeGrant(caller, (first.signed.record.body as Product).grantId),
          caller,
          {
            kind: "product",
            id: productId,
          },
        );
        res.json(signReport(await listingReport(deps, productId, await ctx.backend.now()), signer));
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
        res.json({ products: items, nextCursor });
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
