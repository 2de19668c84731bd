import type { Product } from "../../../../core/records/product.ts";
import type { ProductView } from "../../../../core/views.ts";
import type { LedgerBackend } from "../../chain/backend.ts";
import type { IndexStore } from "../../index/store.ts";
import type { ReadRoute } from "./reads.ts";

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
    handler: async (_req, res) => {
      const products = [];
      for (const id of await store.idsOfKind("product")) {
        const view = (await backend.view({ kind: "product", id })) as ProductView | undefined;
        if (!view || view.status !== "listed") continue;
        const body = (await store.historyOf("product", id))[0]!.signed.record.body as Product;
        products.push({
          id,
          name: body.name,
          domain: body.domain,
          scenario: body.scenario,
          serviceForm: body.serviceForm,
          operator: view.operator,
          charge: view.model === "public-welfare" ? "free" : "charged",
          priceFen: view.priceFen,
          chargeUnit: view.chargeUnit,
        });
      }
      res.json({ products });
    },
  };
}
