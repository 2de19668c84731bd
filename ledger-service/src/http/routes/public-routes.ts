import { EXAMPLE_ORGS } from "../../../../core/operation-examples.ts";
import { Domain } from "../../../../core/records/common.ts";
import { ServiceForm } from "../../../../core/records/product.ts";
import { PUBLIC_STATUSES, type PublicProductPage, type PublicServiceListPage } from "../../../../core/public-list.ts";
import * as S from "../api-schemas.ts";
import type { LedgerBackend } from "../../chain/backend.ts";
import type { IndexStore } from "../../indexes/index-store.ts";
import type { AnchorStore } from "../../log/anchoring.ts";
import type { PublicCheckpoint } from "../../../../core/public-checkpoint.ts";
import type { Checkpointer } from "../../log/checkpointer.ts";
import type { ReadRoute } from "./route.ts";
import { publicListing } from "../../domain/public-list.ts";
import { publicServiceList, serviceListView } from "../../domain/service-lists.ts";
import { preferredLanguage } from "../language.ts";
import { enumFilter, filterValue, pageOf, pageRequest, PAGE_QUERY } from "./paging.ts";
import { LedgerError } from "../../../../core/errors.ts";
import { FACET_PATH, FACET_VERSION, facetByFile, facetSchemaDocument } from "../../domain/openlineage-facets.ts";

/**
 * What the public sees without signing anything (运营机构定期公开数据产品和服务清单): every
 * product the exchange listed, with its real status today (a listing stands only while its grant
 * allows trading), the operator by name, the price in yuan with its unit; filtered and paged.
 */
export function publicProductList(store: IndexStore, backend: LedgerBackend): ReadRoute {
  return {
    path: "/v1/public/products",
    auth: "public",
    summary:
      "The published product and service list: every product the exchange listed, its status today (listed only while the listing stands and its grant allows trading), free or charged, its price in yuan with its unit, the operator by name; filters and cursor pages",
    tag: "public",
    responses: { 200: S.PublicProducts },
    query: [
      { name: "status", description: `one of ${PUBLIC_STATUSES.join(", ")}`, example: "listed" },
      { name: "domain", description: `the product's domain: ${Domain.options.join(", ")}`, example: "finance" },
      { name: "charge", description: "free or charged", example: "charged" },
      { name: "serviceForm", description: `one of ${ServiceForm.options.join(", ")}`, example: "api" },
      { name: "operator", description: "the operator's unified social credit code", example: EXAMPLE_ORGS.operator },
      { name: "q", description: "text in the name, scenario or operator's name (case-insensitive)", example: "credit" },
      ...PAGE_QUERY,
    ],
    handler: async (req, res) => {
      const status = enumFilter(req, "status", PUBLIC_STATUSES);
      const domain = enumFilter(req, "domain", Domain.options);
      const charge = enumFilter(req, "charge", ["free", "charged"] as const);
      const serviceForm = enumFilter(req, "serviceForm", ServiceForm.options);
      const operator = filterValue(req, "operator");
      const q = filterValue(req, "q")?.toLowerCase();
      const page = pageRequest(req);
      const now = await backend.now();
      const lang = preferredLanguage(req);
      const { items, nextCursor } = await pageOf(await store.idsOfKind("product"), page, async (id) => {
        const p = await publicListing({ store, backend }, id, now, lang);
        if (!p) return undefined;
        if (status && p.status !== status) return undefined;
        if (domain && p.domain !== domain) return undefined;
        if (charge && p.charge !== charge) return undefined;
        if (serviceForm && p.serviceForm !== serviceForm) return undefined;
        if (operator && p.operator !== operator) return undefined;
        if (q && ![p.name, p.scenario, p.operatorName].some((t) => t.toLowerCase().includes(q))) return undefined;
        return p;
      });
      res.json({ products: items, nextCursor } satisfies PublicProductPage);
    },
  };
}

/**
 * The operators' product and service lists (服务清单), published at least every 91 days: each
 * operator that owes one, when it last published (null before its first), the next list's due
 * second and whether it has passed, and the latest list's entries with their fees.
 */
export function publicServiceLists(store: IndexStore, backend: LedgerBackend): ReadRoute {
  return {
    path: "/v1/public/service-lists",
    auth: "public",
    summary:
      "Every operator's product and service list: the date of its last publication, when the next is due (91 days later) and whether it is overdue, and each entry's content, response time and fee (public-welfare entries free)",
    tag: "public",
    responses: { 200: S.PublicServiceLists },
    query: [
      { name: "operator", description: "the operator's unified social credit code", example: EXAMPLE_ORGS.operator },
      { name: "overdue", description: "true or false", example: "true" },
      ...PAGE_QUERY,
    ],
    handler: async (req, res) => {
      const operator = filterValue(req, "operator");
      const overdue = enumFilter(req, "overdue", ["true", "false"] as const);
      const page = pageRequest(req);
      const now = await backend.now();
      const lang = preferredLanguage(req);
      const operators = (await store.idsOfKind("actor")).filter((id) => !operator || id === operator);
      const { items, nextCursor } = await pageOf(operators, page, async (id) => {
        if ((await store.actor(id))?.role !== "operator") return undefined;
        const view = await serviceListView({ store, backend }, id);
        if (!view) return undefined;
        const list = await publicServiceList({ store, backend }, view, now, lang);
        return overdue && String(list.overdue) !== overdue ? undefined : list;
      });
      res.json({ serviceLists: items, nextCursor } satisfies PublicServiceListPage);
    },
  };
}

/**
 * The log's public face: the latest signed checkpoint, the key that signs checkpoints, the
 * latest on-chain anchor, and consistency proofs between any two sizes, so that anyone can
 * watch the log grow append-only (RFC 9162 §2.1.4) without an account.
 */
export function publicCheckpoint(checkpointer: Checkpointer, anchors: AnchorStore): ReadRoute {
  return {
    path: "/v1/public/checkpoint",
    auth: "public",
    summary: "The log's latest signed checkpoint, its SM2 public key and the latest on-chain anchor",
    tag: "public",
    responses: { 200: S.PublicCheckpoint },
    handler: async (_req, res) => {
      const cp = await checkpointer.latest();
      const anchor = await anchors.latest();
      res.json({
        origin: checkpointer.origin,
        keyName: checkpointer.keyName,
        logPublicKey: checkpointer.publicKey,
        vkey: checkpointer.verifierKey,
        checkpoint: cp ? { size: cp.size, rootHash: cp.rootHash, hash: cp.hash, text: cp.text } : null,
        anchor: anchor ?? null,
      } satisfies PublicCheckpoint);
    },
  };
}

export function publicConsistency(checkpointer: Checkpointer): ReadRoute {
  return {
    path: "/v1/public/consistency",
    auth: "public",
    summary: "An RFC 9162 consistency proof between two signed tree sizes",
    tag: "public",
    responses: { 200: S.ConsistencyProof },
    query: [
      { name: "from", description: "the earlier tree size (≥ 1)", required: true, example: "1" },
      { name: "to", description: "the later tree size (default: the latest checkpoint)", example: "8" },
    ],
    handler: async (req, res) => {
      const latest = await checkpointer.latest();
      const from = Number(req.query.from);
      const to = req.query.to === undefined ? (latest?.size ?? 0) : Number(req.query.to);
      if (
        !Number.isSafeInteger(from) ||
        !Number.isSafeInteger(to) ||
        from < 1 ||
        from > to ||
        !latest ||
        to > latest.size
      ) {
        throw new LedgerError(
          "MALFORMED_REQUEST",
          `from and to must satisfy 1 ≤ from ≤ to ≤ ${latest?.size ?? 0} (the latest checkpoint)`,
          { field: !Number.isSafeInteger(from) || from < 1 || from > to ? "from" : "to", limit: latest?.size ?? 0 },
        );
      }
      const proof = await checkpointer.consistencyProof(from, to);
      res.json({ from, to, proof: proof.map((p) => Buffer.from(p).toString("hex")) });
    },
  };
}

/** The JSON Schema of each custom OpenLineage facet, where the facet's `_schemaURL` points. */
export function publicFacetSchemas(): ReadRoute {
  return {
    path: `${FACET_PATH}/${FACET_VERSION}/:file`,
    auth: "public",
    summary:
      "The JSON Schema of a custom OpenLineage facet of the lineage export (PdlHopRunFacet.json, PdlArtifactDatasetFacet.json)",
    tag: "public",
    responses: { 200: S.FacetSchemaDocument },
    handler: async (req, res) => {
      const file = String(req.params.file);
      const name = facetByFile(file);
      if (!name) throw new LedgerError("NOT_FOUND", `no facet schema ${file}`, { file });
      res.json(facetSchemaDocument(`${req.protocol}://${req.get("host")}`, name));
    },
  };
}
