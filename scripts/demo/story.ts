import type { Domain } from "../../core/records/common.ts";
import type { Environment, Operation } from "../../core/records/lineage.ts";
import type { ChargeUnit } from "../../core/records/product.ts";

/**
 * The seed story as data: what the grant covers, what the partner is admitted for, the price
 * caps and prices, and the processing chain of each of the 11 catalog products. The demo turns
 * these into signed records; ids here are the first run's (later runs add a suffix).
 */

/** Catalog keys of the organisations that act in the story (scripts/demo/catalog/organisations.json). */
export type OrgKey = string;

export const GRANT_ID = "LH-GRANT-01";
export const ADMISSION_ID = "LH-ADM-01";
export const GRANT_YEARS = 3;
export const GRANT_SCENARIOS = [
  "企业与个人金融信贷增信 (credit for SMEs and talent)",
  "企业出海拓客 (export market research)",
  "医疗AI训练与商保理赔 (medical AI training, insurance claims)",
  "城市治理与商业分析 (urban governance and business analysis)",
];

/**
 * The grant covers all 10 resources, but not every field: the operator never needs the
 * talents' ID card and phone numbers (data minimisation), so those two fields stay out.
 */
export const WITHHELD_FIELDS: Readonly<Record<string, readonly string[]>> = {
  "LH-FIN-SUBSIDY-TALENT": ["身份证号码", "手机号码"],
};

/** The partner (trusted computing) is admitted for the two health products and their data. */
export const PARTNER_SCOPE: readonly { resourceId: string; fields?: readonly string[] }[] = [
  { resourceId: "LH-HEALTH-RADIOLOGY" },
  { resourceId: "LH-HEALTH-CLAIMS" },
];
export const PARTNER_PRODUCTS = ["LH-P04", "LH-P05"] as const;

/** Price caps (上限收费标准), integer fen, for every (domain, charging unit) an industry product uses. */
export const PRICE_CAPS: readonly { domain: Domain; chargeUnit: ChargeUnit; maxPriceFen: number }[] = [
  { domain: "finance", chargeUnit: "per-call", maxPriceFen: 200 },
  { domain: "trade", chargeUnit: "per-product", maxPriceFen: 500_000 },
  { domain: "health", chargeUnit: "per-product", maxPriceFen: 20_000_000 },
  { domain: "health", chargeUnit: "per-call", maxPriceFen: 500 },
  { domain: "urban-governance", chargeUnit: "per-product", maxPriceFen: 1_000_000 },
  { domain: "urban-governance", chargeUnit: "per-period", maxPriceFen: 2_000_000 },
  { domain: "urban-governance", chargeUnit: "per-call", maxPriceFen: 100 },
];

/** Prices of the industry products (public-welfare products are free). LH-P02 sits exactly at its cap. */
export const PRICES_FEN: Readonly<Record<string, number>> = {
  "LH-P01": 150,
  "LH-P02": 200,
  "LH-P03": 380_000,
  "LH-P04": 12_000_000,
  "LH-P05": 300,
  "LH-P06": 680_000,
  "LH-P09": 1_200_000,
  "LH-P11": 50,
};

export type HopInputPlan = { readonly resource: string; readonly fields: readonly string[] } | { readonly hop: string };

/** One processing step of a product; `hop` inputs name earlier steps by their full key (product/step). */
export interface HopPlan {
  readonly product: string;
  readonly step: string;
  readonly by: "operator" | "partner";
  readonly operation: Operation;
  readonly inputs: readonly HopInputPlan[];
  readonly environment: Environment;
  readonly outputGrade?: number;
  readonly recordCount: number;
  /** What the step does, for the printout. */
  readonly what: string;
}

export interface DeliveryPlan {
  readonly product: string;
  readonly step: string;
  readonly by: "operator" | "partner";
  readonly input: string;
  readonly to: OrgKey;
  readonly environment: Environment;
  readonly recordCount: number;
  /** Needed when the product involves personal information or trade secrets. */
  readonly consentRef?: string;
}

/**
 * Grade 3 inputs (personal information, health records) are only touched in TEE, MPC or
 * federated environments and leave them de-identified or aggregated (原始数据不出域).
 */
export const HOPS: readonly HopPlan[] = [
  {
    product: "LH-P01",
    step: "H1",
    by: "operator",
    operation: "collect",
    inputs: [
      {
        resource: "LH-FIN-SUBSIDY-ENT",
        fields: ["企业名称", "统一社会信用代码", "项目类别", "补贴金额", "补贴发放时间"],
      },
    ],
    environment: "sandbox",
    recordCount: 48_200,
    what: "collect enterprise subsidies",
  },
  {
    product: "LH-P01",
    step: "H2",
    by: "operator",
    operation: "fuse",
    inputs: [{ hop: "LH-P01/H1" }],
    environment: "sandbox",
    recordCount: 48_200,
    what: "fuse with the bank's risk-model features",
  },
  {
    product: "LH-P02",
    step: "H1",
    by: "operator",
    operation: "collect",
    inputs: [{ resource: "LH-FIN-SUBSIDY-TALENT", fields: ["人才名字", "人才企业名称", "人才类别", "补贴金额"] }],
    environment: "tee",
    recordCount: 12_650,
    what: "collect talent subsidies in a TEE",
  },
  {
    product: "LH-P02",
    step: "H2",
    by: "operator",
    operation: "de-identify",
    inputs: [{ hop: "LH-P02/H1" }],
    environment: "tee",
    outputGrade: 2,
    recordCount: 12_650,
    what: "de-identify to grade 2",
  },
  {
    product: "LH-P03",
    step: "H1",
    by: "operator",
    operation: "clean",
    inputs: [
      {
        resource: "LH-TRADE-IMPEX",
        fields: ["国家/地区代码", "商品编码", "进出口方向", "时间段", "金额", "同比增长率"],
      },
    ],
    environment: "plain",
    recordCount: 310_000,
    what: "clean import/export statistics",
  },
  {
    product: "LH-P03",
    step: "H2",
    by: "operator",
    operation: "aggregate",
    inputs: [{ hop: "LH-P03/H1" }],
    environment: "plain",
    recordCount: 1_840,
    what: "aggregate by market and product",
  },
  {
    product: "LH-P04",
    step: "H1",
    by: "partner",
    operation: "collect",
    inputs: [{ resource: "LH-HEALTH-RADIOLOGY", fields: ["肩关节影像", "肘关节影像", "膝关节影像", "颈椎影像"] }],
    environment: "tee",
    recordCount: 86_000,
    what: "collect radiology images in a TEE",
  },
  {
    product: "LH-P04",
    step: "H2",
    by: "partner",
    operation: "de-identify",
    inputs: [{ hop: "LH-P04/H1" }],
    environment: "tee",
    outputGrade: 2,
    recordCount: 86_000,
    what: "strip identities from the images",
  },
  {
    product: "LH-P04",
    step: "H3",
    by: "partner",
    operation: "train",
    inputs: [{ hop: "LH-P04/H2" }],
    environment: "federated",
    recordCount: 86_000,
    what: "train the TCM imaging model",
  },
  {
    product: "LH-P05",
    step: "H1",
    by: "partner",
    operation: "collect",
    inputs: [{ resource: "LH-HEALTH-CLAIMS", fields: ["居民诊疗记录", "检验记录", "费用账单"] }],
    environment: "mpc",
    recordCount: 5_400,
    what: "collect claim evidence under MPC",
  },
  {
    product: "LH-P05",
    step: "H2",
    by: "partner",
    operation: "aggregate",
    inputs: [{ hop: "LH-P05/H1" }],
    environment: "mpc",
    outputGrade: 2,
    recordCount: 5_400,
    what: "aggregate into claim certificates",
  },
  {
    product: "LH-P06",
    step: "H1",
    by: "operator",
    operation: "clean",
    inputs: [{ resource: "LH-URBAN-RENOVATION", fields: ["街道名称", "社区名称", "工程类型", "工程面积", "装修类型"] }],
    environment: "sandbox",
    recordCount: 27_300,
    what: "clean renovation filings",
  },
  {
    product: "LH-P06",
    step: "H2",
    by: "operator",
    operation: "aggregate",
    inputs: [{ hop: "LH-P06/H1" }],
    environment: "sandbox",
    outputGrade: 1,
    recordCount: 412,
    what: "aggregate into a heat map",
  },
  {
    product: "LH-P07",
    step: "H1",
    by: "operator",
    operation: "aggregate",
    inputs: [{ resource: "LH-URBAN-BUILDINGS", fields: ["街道名称", "楼栋数", "数据更新时间"] }],
    environment: "plain",
    recordCount: 6,
    what: "buildings per subdistrict",
  },
  {
    product: "LH-P08",
    step: "H1",
    by: "operator",
    operation: "clean",
    inputs: [
      {
        resource: "LH-URBAN-VILLAGES",
        fields: [
          "城中村名称",
          "所属街道",
          "所属社区",
          "空间坐标",
          "建筑栋数",
          "房屋套数",
          "是否纳入城市更新整备项目范围",
        ],
      },
    ],
    environment: "plain",
    recordCount: 1_120,
    what: "clean the urban-village register",
  },
  {
    product: "LH-P08",
    step: "H2",
    by: "operator",
    operation: "aggregate",
    inputs: [{ hop: "LH-P08/H1" }],
    environment: "plain",
    recordCount: 56,
    what: "village renewal report",
  },
  {
    product: "LH-P09",
    step: "H1",
    by: "operator",
    operation: "fuse",
    inputs: [{ hop: "LH-P08/H1" }, { resource: "LH-URBAN-BUILDINGS", fields: ["街道名称", "楼栋数"] }],
    environment: "plain",
    recordCount: 1_120,
    what: "village dataset (reuses LH-P08/H1)",
  },
  {
    product: "LH-P10",
    step: "H1",
    by: "operator",
    operation: "clean",
    inputs: [
      {
        resource: "LH-URBAN-ENTERPRISES",
        fields: ["统一社会信用代码", "企业名称", "注册地址", "专精特新类型", "是否国家高新技术企业", "空间坐标"],
      },
    ],
    environment: "plain",
    recordCount: 9_870,
    what: "clean the enterprise register",
  },
  {
    product: "LH-P10",
    step: "H2",
    by: "operator",
    operation: "aggregate",
    inputs: [{ hop: "LH-P10/H1" }],
    environment: "plain",
    recordCount: 64,
    what: "enterprise map by type",
  },
  {
    product: "LH-P11",
    step: "H1",
    by: "operator",
    operation: "fuse",
    inputs: [{ hop: "LH-P10/H1" }, { resource: "LH-FIN-SUBSIDY-ENT", fields: ["统一社会信用代码", "补贴金额"] }],
    environment: "sandbox",
    recordCount: 9_870,
    what: "enterprise profile API (with subsidies)",
  },
];

/** Deliveries to consumers, after listing. Consent where personal information or trade secrets are involved. */
export const DELIVERIES: readonly DeliveryPlan[] = [
  {
    product: "LH-P01",
    step: "D1",
    by: "operator",
    input: "LH-P01/H2",
    to: "bank",
    environment: "sandbox",
    recordCount: 48_200,
    consentRef: "LH-TS-CONSENT-2026-0117",
  },
  {
    product: "LH-P02",
    step: "D1",
    by: "operator",
    input: "LH-P02/H2",
    to: "bank",
    environment: "sandbox",
    recordCount: 12_650,
    consentRef: "LH-PI-CONSENT-2026-0342",
  },
  {
    product: "LH-P05",
    step: "D1",
    by: "partner",
    input: "LH-P05/H2",
    to: "insurer",
    environment: "mpc",
    recordCount: 5_400,
    consentRef: "LH-PI-CONSENT-2026-0519",
  },
  {
    product: "LH-P06",
    step: "D1",
    by: "operator",
    input: "LH-P06/H2",
    to: "property",
    environment: "plain",
    recordCount: 412,
  },
  {
    product: "LH-P11",
    step: "D1",
    by: "operator",
    input: "LH-P11/H1",
    to: "bank",
    environment: "sandbox",
    recordCount: 9_870,
  },
];

/**
 * The rejected step: the partner, admitted only for the health products, tries to process the
 * talent subsidies for LH-P02 (PARTNER_OUT_OF_SCOPE).
 */
export const OUT_OF_SCOPE_HOP: HopPlan = {
  product: "LH-P02",
  step: "X1",
  by: "partner",
  operation: "collect",
  inputs: [{ resource: "LH-FIN-SUBSIDY-TALENT", fields: ["人才名字", "补贴金额"] }],
  environment: "tee",
  recordCount: 12_650,
  what: "partner touches talent subsidies for LH-P02",
};
