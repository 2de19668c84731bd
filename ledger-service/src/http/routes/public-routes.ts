import type { Product } from "../../../../core/records/product.ts";
import * as S from "../api-schemas.ts";
import type { ProductView } from "../../../../core/views.ts";
import type { LedgerBackend } from "../../chain/backend.ts";
import type { IndexStore } from "../../indexes/index-store.ts";
import type { AnchorStore } from "../../log/anchoring.ts";
import type { Checkpointer } from "../../log/checkpointer.ts";
import type { ReadRoute } from "./route.ts";
import { publicProductFacts } from "../../domain/access.ts";
import { LedgerError } from "../../../../core/errors.ts";

/**
 * What the public sees without signing anything (运营机构定期公开数据产品和服务清单): the listed
 * products and services, free or charged and at what price.
 */
export function publicProductList(store: IndexStore, backend: LedgerBackend): ReadRoute {
  return {
    path: "/v1/public/products",
    auth: "public",
    summary: "The published product and service list: listed products, free or charged, and their price",
    tag: "public",
    responses: { 200: S.PublicProducts },
    handler: async (_req, res) => {
      const products = [];
      for (const id of await store.idsOfKind("product")) {
        const view = (await backend.view({ kind: "product", id })) as ProductView | undefined;
        if (!view || view.status !== "listed") continue;
        const first = (await store.historyOf("product", id))[0]!;
        const { status: _listed, ...facts } = publicProductFacts(
          first.signed.record.body as Product,
          first.signed.record.actor,
          view,
        );
        products.push(facts);
      }
      res.json({ products });
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
      });
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
        );
      }
      const proof = await checkpointer.consistencyProof(from, to);
      res.json({ from, to, proof: proof.map((p) => Buffer.from(p).toString("hex")) });
    },
  };
}
