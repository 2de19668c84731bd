import { ensure } from "../../../core/errors.ts";
import type { ListedFee } from "../../../core/records/service-list.ts";
import { serviceListDue } from "../../../core/time.ts";
import type { ServiceListView } from "../../../core/views.ts";
import type { Ledger } from "../ledger/ledger.ts";
import { requireProduct } from "./checks.ts";
import type { Handler } from "./tx.ts";
import { K, type ProductState, type ServiceListState } from "./state.ts";

/**
 * The product and service list (服务清单): the operator owes one from its first product on, and a
 * new one at most 91 days after the last (core/time.ts serviceListDue).
 */
export async function startServiceListDuty(ledger: Ledger, operator: string, now: number): Promise<void> {
  if (!(await ledger.has(K.serviceList, operator))) ledger.put(K.serviceList, [operator], dutyFrom(operator, now));
}

function dutyFrom(operator: string, since: number): ServiceListState {
  return { operator, since, publishedAt: 0, entryCount: 0, publications: 0, lateLists: 0 };
}

export function serviceListView(state: ServiceListState): ServiceListView {
  return { kind: "service-list", ...state, nextListDue: serviceListDue(state.publishedAt || state.since) };
}

/** The fee a list must show for a product: free for public welfare, else its unit and price. */
function registeredFee(product: ProductState): ListedFee {
  return {
    charge: product.model === "public-welfare" ? "free" : "charged",
    chargeUnit: product.chargeUnit,
    priceFen: product.priceFen,
  };
}

/** serviceList.publish: every entry one of the author's products, at its registered fee. */
export const publishServiceList: Handler<"serviceList.publish"> = async ({ ledger, now, author }, body) => {
  ensure(author.orgId === body.operator, "NOT_AUTHORIZED", "an operator publishes its own list only", {
    orgId: author.orgId,
  });
  for (const [entry, listed] of body.entries.entries()) {
    const product = await requireProduct(ledger, listed.productId);
    ensure(
      product.operator === author.orgId,
      "SERVICE_LIST_FOREIGN_PRODUCT",
      `entry ${entry}: product ${product.id} is ${product.operator}'s`,
      { entry, productId: product.id },
    );
    const fee = registeredFee(product);
    ensure(
      listed.fee.charge === fee.charge &&
        listed.fee.chargeUnit === fee.chargeUnit &&
        listed.fee.priceFen === fee.priceFen,
      "SERVICE_LIST_FEE_MISMATCH",
      `entry ${entry}: product ${product.id} is registered ${fee.charge} at ${fee.priceFen} fen ${fee.chargeUnit}`,
      { entry, productId: product.id, ...fee },
    );
  }
  // A chain whose products predate the duty has no clock for them yet: it starts with this list.
  const state = (await ledger.get<ServiceListState>(K.serviceList, author.orgId)) ?? dutyFrom(author.orgId, now);
  const late = now > serviceListDue(state.publishedAt || state.since);
  ledger.put(K.serviceList, [author.orgId], {
    ...state,
    publishedAt: now,
    entryCount: body.entries.length,
    publications: state.publications + 1,
    lateLists: state.lateLists + (late ? 1 : 0),
  } satisfies ServiceListState);
};
