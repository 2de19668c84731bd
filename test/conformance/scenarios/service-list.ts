import { DAY } from "../../../core/time.ts";
import type { Scenario, Step, WriteStep } from "../../../scripts/scenarios/scenario.ts";
import { grantBody, granted, productBody, serviceListBody, withProduct } from "../../../scripts/scenarios/fixtures.ts";
import { org, type ActorName } from "../../../scripts/scenarios/world.ts";

/**
 * The product and service list (服务清单): the operator's own products at their registered fees,
 * public-welfare entries free; due 91 days after the last list (or the first product), that
 * second on time, and a later list counted late.
 */
const P1_FEE = { charge: "charged", chargeUnit: "per-call", priceFen: 500 };
const FREE = { charge: "free", chargeUnit: "per-product", priceFen: 0 };
const OP = { kind: "service-list" as const, id: org("op") };
const QUARTER = 91 * DAY;

const publish = (
  entries: { productId: string; fee: typeof P1_FEE }[],
  extra: Omit<WriteStep, "as" | "op" | "body"> = {},
  as: ActorName = "op",
  operator: ActorName = as,
): WriteStep => ({ as, op: "serviceList.publish", body: serviceListBody(operator, entries), ...extra });

const publicWelfare: Step = {
  as: "op",
  op: "product.register",
  body: productBody({ id: "P3", pricing: { model: "public-welfare", chargeUnit: "per-product", priceFen: 0 } }),
};

export const serviceListScenarios: Scenario[] = [
  {
    name: "an operator owes a service list from its first product on, due 91 days later",
    rule: "serviceList.publish due",
    steps: [
      ...granted,
      { view: OP, expect: null },
      { as: "op", op: "product.register", body: productBody(), label: "product" },
      {
        view: OP,
        expect: (c) => ({
          operator: org("op"),
          since: c.time("product"),
          publishedAt: 0,
          publications: 0,
          nextListDue: c.time("product") + QUARTER,
        }),
      },
      publish([{ productId: "P1", fee: P1_FEE }], { label: "list" }),
      {
        view: OP,
        expect: (c) => ({
          since: c.time("product"),
          publishedAt: c.time("list"),
          entryCount: 1,
          publications: 1,
          lateLists: 0,
          nextListDue: c.time("list") + QUARTER,
        }),
      },
    ],
  },
  {
    name: "a list 91 days after the last is on time, 91 days and one second after it is late",
    rule: "serviceList.publish due",
    steps: [
      ...withProduct,
      publish([{ productId: "P1", fee: P1_FEE }], { label: "l1" }),
      publish([{ productId: "P1", fee: P1_FEE }], { at: (c) => c.time("l1") + QUARTER, label: "l2" }),
      { view: OP, expect: { publications: 2, lateLists: 0 } },
      publish([{ productId: "P1", fee: P1_FEE }], { at: (c) => c.time("l2") + QUARTER + 1 }),
      { view: OP, expect: { publications: 3, lateLists: 1 } },
    ],
  },
  {
    name: "a first list 92 days after the first product is late",
    rule: "serviceList.publish due",
    steps: [
      ...granted,
      { as: "op", op: "product.register", body: productBody(), label: "product" },
      publish([{ productId: "P1", fee: P1_FEE }], { at: (c) => c.time("product") + 92 * DAY }),
      { view: OP, expect: { publications: 1, lateLists: 1 } },
    ],
  },
  {
    name: "a list entry shows the product's registered fee: a fen off, another unit or marked free is refused",
    rule: "serviceList.publish fees",
    steps: [
      ...withProduct,
      publish([{ productId: "P1", fee: { ...P1_FEE, priceFen: 499 } }], {
        expect: "SERVICE_LIST_FEE_MISMATCH",
        details: { entry: 0, productId: "P1", charge: "charged", chargeUnit: "per-call", priceFen: 500 },
      }),
      publish([{ productId: "P1", fee: { ...P1_FEE, chargeUnit: "per-period" } }], {
        expect: "SERVICE_LIST_FEE_MISMATCH",
      }),
      publish([{ productId: "P1", fee: { ...P1_FEE, charge: "free" } }], { expect: "SERVICE_LIST_FEE_MISMATCH" }),
      { view: OP, expect: { publications: 0 } },
      publish([{ productId: "P1", fee: P1_FEE }]),
      { view: OP, expect: { publications: 1, entryCount: 1 } },
    ],
  },
  {
    name: "a public-welfare entry must be marked free; the refusal names the entry",
    rule: "serviceList.publish fees",
    steps: [
      ...withProduct,
      publicWelfare,
      publish(
        [
          { productId: "P1", fee: P1_FEE },
          { productId: "P3", fee: { ...FREE, charge: "charged" } },
        ],
        {
          expect: "SERVICE_LIST_FEE_MISMATCH",
          details: { entry: 1, productId: "P3", charge: "free", chargeUnit: "per-product", priceFen: 0 },
        },
      ),
      publish([
        { productId: "P1", fee: P1_FEE },
        { productId: "P3", fee: FREE },
      ]),
      { view: OP, expect: { entryCount: 2 } },
    ],
  },
  {
    name: "after a repricing the list must show the new price",
    rule: "serviceList.publish fees",
    steps: [
      ...withProduct,
      {
        as: "op",
        op: "product.reprice",
        body: { productId: "P1", pricing: { model: "industry", chargeUnit: "per-call", priceFen: 450 } },
      },
      publish([{ productId: "P1", fee: P1_FEE }], {
        expect: "SERVICE_LIST_FEE_MISMATCH",
        details: { entry: 0, productId: "P1", charge: "charged", chargeUnit: "per-call", priceFen: 450 },
      }),
      publish([{ productId: "P1", fee: { ...P1_FEE, priceFen: 450 } }]),
    ],
  },
  {
    name: "a list names only the author's own registered products, and only its operator publishes it",
    rule: "serviceList.publish products",
    steps: [
      ...withProduct,
      { as: "agency", op: "grant.issue", body: (c) => grantBody(c, { id: "G2", grantee: org("op2") }) },
      { as: "op2", op: "product.register", body: productBody({ id: "P2", grantId: "G2" }) },
      publish([{ productId: "P9", fee: P1_FEE }], { expect: "NOT_FOUND", details: { id: "P9" } }),
      publish(
        [
          { productId: "P1", fee: P1_FEE },
          { productId: "P2", fee: P1_FEE },
        ],
        { expect: "SERVICE_LIST_FOREIGN_PRODUCT", details: { entry: 1, productId: "P2" } },
      ),
      publish([{ productId: "P2", fee: P1_FEE }], { expect: "NOT_AUTHORIZED" }, "op", "op2"),
      publish([{ productId: "P1", fee: P1_FEE }], { expect: "NOT_AUTHORIZED" }, "pa", "op"),
      publish(
        [
          { productId: "P1", fee: P1_FEE },
          { productId: "P1", fee: P1_FEE },
        ],
        { expect: "INVALID_RECORD" },
      ),
      { view: OP, expect: { publications: 0 } },
      { view: { kind: "service-list", id: org("op2") }, expect: { publications: 0 } },
    ],
  },
];
