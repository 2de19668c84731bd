import { toCstIso } from "./time.ts";

/**
 * The rulebook's stable error codes: one list shared by the chaincode, the Solidity contracts
 * (as custom errors named in PascalCase, e.g. GRANT_TERM_TOO_LONG ↔ GrantTermTooLong), the
 * ledger service and the CLI. Codes never change meaning; messages may be reworded.
 *
 * `scope` says who can raise the code: `rule` codes are raised identically by both chain
 * variants; `service` codes only by the ledger service (authentication, transport, limits);
 * `client` codes by the users' own tools (`pdl deliver`) before anything is sent or written.
 */
export type ErrorScope = "rule" | "service" | "client";

interface ErrorSpec {
  readonly scope: ErrorScope;
  /** HTTP status the service answers with. */
  readonly http: number;
  readonly en: string;
  readonly zh: string;
}

// The table, one code a line (not reflowed by the formatter).
// prettier-ignore
export const ERROR_CODES = {
  // --- record and identity ----------------------------------------------------------------
  INVALID_RECORD: { scope: "rule", http: 400, en: "The record does not match its schema.", zh: "记录不符合数据格式要求。" },
  BAD_SIGNATURE: { scope: "rule", http: 401, en: "The SM2 signature does not verify against the author's registered key.", zh: "SM2 签名与作者登记的公钥不匹配。" },
  NOT_AUTHORIZED: { scope: "rule", http: 403, en: "The author's role or identity does not permit this operation.", zh: "作者的角色或身份无权执行此操作。" },
  REPLAYED_RECORD: { scope: "rule", http: 409, en: "This signed record was already accepted once.", zh: "该签名记录已被受理，不得重复提交。" },
  DUPLICATE_ID: { scope: "rule", http: 409, en: "A record with this identifier already exists.", zh: "该标识的记录已存在。" },
  NOT_FOUND: { scope: "rule", http: 404, en: "The referenced record does not exist.", zh: "所引用的记录不存在。" },
  ALREADY_BOOTSTRAPPED: { scope: "rule", http: 409, en: "The implementing agency is already registered.", zh: "实施机构已完成初始化登记。" },
  ACTOR_ROLE_INVALID: { scope: "rule", http: 422, en: "The organisation does not hold the role this operation requires of it.", zh: "该组织不具备此操作所要求的角色。" },
  // --- resources --------------------------------------------------------------------------
  SOURCE_REVIEW_MISSING: { scope: "rule", http: 422, en: "Every source unit of the resource must approve this schema before registration.", zh: "资源登记前须经全部数源单位审核同意。" },
  GRADE_INCONSISTENT: { scope: "rule", http: 422, en: "A resource with personal-information fields must be graded 3 or higher.", zh: "含个人信息字段的数据资源须定为三级及以上。" },
  SCHEMA_INCOMPATIBLE: { scope: "rule", http: 422, en: "A new version may only append fields; existing fields must keep their name, type and order.", zh: "新版本只能追加字段，已有字段的名称、类型和顺序不得改变。" },
  VERSION_CONFLICT: { scope: "rule", http: 409, en: "The version number must follow the current version.", zh: "版本号须紧接当前版本。" },
  RESOURCE_NOT_ACTIVE: { scope: "rule", http: 422, en: "The resource has been withdrawn.", zh: "该数据资源已撤回。" },
  FIELD_UNKNOWN: { scope: "rule", http: 422, en: "The field is not defined by the resource.", zh: "该字段不属于此数据资源。" },
  // --- grants -----------------------------------------------------------------------------
  GRANT_TERM_INVALID: { scope: "rule", http: 422, en: "The grant must end after it starts and after the time of issue.", zh: "授权期限的结束时间须晚于开始时间和签发时间。" },
  GRANT_TERM_TOO_LONG: { scope: "rule", http: 422, en: "A grant may last at most 5 years.", zh: "授权运营期限不得超过 5 年。" },
  GRANT_NOT_ACTIVE: { scope: "rule", http: 422, en: "The grant is not active (suspended, revoked, exiting or closed).", zh: "授权不处于有效状态（已暂停、撤销、退出中或已关闭）。" },
  GRANT_OUTSIDE_TERM: { scope: "rule", http: 422, en: "The grant is not in force at this time (before its start or after its end).", zh: "当前时间不在授权期限内。" },
  GRANT_STATUS_INVALID: { scope: "rule", http: 409, en: "The grant's current status does not allow this transition.", zh: "授权当前状态不允许此变更。" },
  REGRANT_FORBIDDEN: { scope: "rule", http: 403, en: "The operator may not re-grant or sub-authorize public data.", zh: "运营机构不得进行二次授权或转授权。" },
  ORG_BLACKLISTED: { scope: "rule", http: 422, en: "The organisation is banned from the market (5-year blacklist).", zh: "该组织处于 5 年市场禁入期（黑名单）。" },
  RESOURCE_NOT_GRANTED: { scope: "rule", http: 422, en: "The resource is outside the grant's scope.", zh: "该数据资源不在授权范围内。" },
  FIELD_NOT_GRANTED: { scope: "rule", http: 422, en: "The field is outside the grant's field scope.", zh: "该字段不在授权字段范围内。" },
  // --- partners ---------------------------------------------------------------------------
  PARTNER_OUT_OF_SCOPE: { scope: "rule", http: 422, en: "The partner acts outside the scope it was admitted for, or the admission exceeds the grant's scope.", zh: "运营合作方超出准入范围，或准入范围超出授权范围。" },
  PARTNER_TERM_EXCEEDS_GRANT: { scope: "rule", http: 422, en: "A partner admission may not end after the grant.", zh: "运营合作方准入期限不得晚于授权期限。" },
  PARTNER_NOT_ADMITTED: { scope: "rule", http: 403, en: "The organisation is neither the grantee nor an approved, unexpired partner of this grant.", zh: "该组织既非被授权运营机构，也非经批准且在有效期内的运营合作方。" },
  PARTNER_STATUS_INVALID: { scope: "rule", http: 409, en: "The partner admission's current status does not allow this transition.", zh: "运营合作方准入的当前状态不允许此变更。" },
  // --- products, prices, listing ----------------------------------------------------------
  PRODUCT_GRANT_MISMATCH: { scope: "rule", http: 422, en: "The product was not registered under this grant.", zh: "该数据产品并非依据此授权登记。" },
  PRODUCT_STATUS_INVALID: { scope: "rule", http: 409, en: "The product's listing status does not allow this transition.", zh: "数据产品的挂牌状态不允许此变更。" },
  PRICE_CAP_MISSING: { scope: "rule", http: 422, en: "No price cap is set for this domain and charging unit.", zh: "该领域和计费方式尚未设定上限收费标准。" },
  PRICE_ABOVE_CAP: { scope: "rule", http: 422, en: "The price exceeds the agency's cap.", zh: "价格超过实施机构设定的上限收费标准。" },
  PUBLIC_WELFARE_NOT_FREE: { scope: "rule", http: 422, en: "A public-welfare product must be free of charge.", zh: "公益性数据产品不得收费。" },
  SERVICE_LIST_FOREIGN_PRODUCT: { scope: "rule", http: 403, en: "The service list names a product another operator registered.", zh: "服务清单列入了其他运营机构登记的数据产品。" },
  SERVICE_LIST_FEE_MISMATCH: { scope: "rule", http: 422, en: "A service list entry's fee differs from the product's registered pricing (public-welfare entries are free; others carry the product's charging unit and price).", zh: "服务清单条目的收费与数据产品登记的定价不一致（公益性条目须标明免费，其他条目须与登记的计费方式和价格相同）。" },
  REPORT_UNKNOWN: { scope: "rule", http: 422, en: "The listing names a verification report the service has not issued on chain.", zh: "挂牌所引用的核验报告未经服务在链上出具。" },
  REPORT_PRODUCT_MISMATCH: { scope: "rule", http: 422, en: "The verification report was issued for another product.", zh: "该核验报告是为其他数据产品出具的。" },
  REPORT_NOT_PASSED: { scope: "rule", http: 422, en: "The verification report's verdict is fail: a listing needs a passing report.", zh: "该核验报告的结论为不通过：挂牌须有通过的核验报告。" },
  REPORT_SUPERSEDED: { scope: "rule", http: 422, en: "A later verification report was issued for the product: a listing names the latest.", zh: "该数据产品已出具更新的核验报告：挂牌须引用最新的报告。" },
  REVENUE_MAXIMUM_MISSING: { scope: "rule", http: 422, en: "The agency has set no maximum permitted revenue for this operator and year.", zh: "实施机构尚未设定该运营机构该年度的最高准许收入。" },
  REVENUE_ALREADY_REPORTED: { scope: "rule", http: 409, en: "The operator has already filed its actual revenue for this year; the year's maximum and report no longer change.", zh: "运营机构已报送该年度实际收入，该年度的最高准许收入和报送不得再变更。" },
  REVENUE_NOT_REPORTED: { scope: "rule", http: 422, en: "The operator has not filed its actual revenue for this year.", zh: "运营机构尚未报送该年度实际收入。" },
  REVENUE_CAP_PENDING: { scope: "rule", http: 422, en: "The operator's actual revenue for the year deviates from its maximum permitted revenue by more than 10 %: new products and upward repricing in the domain wait until the agency sets the price cap for the domain and charging unit again, after the report.", zh: "运营机构该年度实际收入与最高准许收入偏差超过10%：在实施机构于报送之后重新设定该领域和计费方式的上限收费标准前，该领域不得登记新产品或上调价格。" },
  LINEAGE_INCOMPLETE: { scope: "rule", http: 422, en: "The product has no recorded lineage hop.", zh: "该数据产品没有登记任何数据血缘环节。" },
  // --- lineage and delivery ---------------------------------------------------------------
  ARTIFACT_UNKNOWN: { scope: "rule", http: 422, en: "The input artifact was not produced by a hop under this grant.", zh: "输入中间产物并非本授权下的血缘环节所产出。" },
  ARTIFACT_HASH_MISMATCH: { scope: "rule", http: 422, en: "The input hash differs from the output hash recorded for that artifact.", zh: "输入哈希与该中间产物登记的输出哈希不一致。" },
  GRADE_DOWNGRADE_FORBIDDEN: { scope: "rule", http: 422, en: "Only a de-identification or aggregation hop may lower the grade of its output.", zh: "只有去标识化或汇总环节可以降低输出数据的级别。" },
  PRIVACY_ENV_REQUIRED: { scope: "rule", http: 422, en: "Grade 3+ inputs may only be processed in a TEE, MPC or federated environment.", zh: "三级及以上数据只能在可信执行环境、多方安全计算或联邦学习环境中处理。" },
  RAW_EXPORT_FORBIDDEN: { scope: "rule", http: 422, en: "Grade 3+ data may not be delivered raw: raw data stays in the domain.", zh: "三级及以上数据不得原样交付：原始数据不出域。" },
  DELIVERY_DETAILS_REQUIRED: { scope: "rule", http: 400, en: "A delivery hop must carry its delivery details, and only a delivery hop may.", zh: "交付环节须填写交付信息，非交付环节不得填写。" },
  CONSENT_REQUIRED: { scope: "rule", http: 422, en: "Delivering a product with personal information or trade secrets needs a consent reference.", zh: "交付涉及个人信息或商业秘密的数据产品须提供授权同意凭证。" },
  CROSS_BORDER_ASSESSMENT_REQUIRED: { scope: "rule", http: 422, en: "A cross-border delivery needs a data-export security assessment reference.", zh: "数据出境交付须提供数据出境安全评估凭证。" },
  DELIVERY_UNMARKED: { scope: "rule", http: 422, en: "A delivery must carry a watermark readable in at least 30 cells: with fewer, no leak of it can ever be attributed.", zh: "交付数据须带有至少 30 个可检测的水印单元格，否则其泄露无法溯源归属。" },
  // --- exit, destruction, evaluation ------------------------------------------------------
  EXIT_NOTICE_MISSING: { scope: "rule", http: 422, en: "A voluntary exit needs the operator's exit notice on file.", zh: "主动退出须先由运营机构提交退出方案。" },
  EXIT_NOTICE_TOO_SHORT: { scope: "rule", http: 422, en: "A voluntary exit needs at least 3 months' notice.", zh: "主动退出须提前 3 个月提交退出方案。" },
  GRANT_NOT_EXPIRED: { scope: "rule", http: 422, en: "An expiry exit may only start once the grant's term has ended.", zh: "授权期满前不得办理期满退出。" },
  GRANT_NOT_EXITING: { scope: "rule", http: 409, en: "Destruction certificates are filed only for a grant that is exiting or revoked.", zh: "只有退出中或已撤销的授权才能提交销毁证明。" },
  DESTRUCTION_INCOMPLETE: { scope: "rule", http: 422, en: "Every holder must certify every asset class (raw data, derived models, traded products) before the grant closes.", zh: "须由各持有方对原始数据、衍生模型、已交易产品三类资产全部出具销毁证明后，授权方可关闭。" },
  ANCHOR_NOT_MONOTONIC: { scope: "rule", http: 409, en: "An anchored checkpoint must be larger than the previous one of the same log.", zh: "锚定的检查点规模须大于同一日志上一次锚定的检查点。" },
  // --- complaints and objections (社会监督, 异议处置) ------------------------------------------
  ALERT_GRANT_MISMATCH: { scope: "rule", http: 422, en: "The risk alert concerns another grant.", zh: "该风险预警针对的是其他授权。" },
  CASE_CLOSED: { scope: "rule", http: 409, en: "The complaint or objection is closed: its outcome or answer is already on record.", zh: "该投诉或异议已办结，处理结果或答复已登记。" },
  // --- service ----------------------------------------------------------------------------
  AUTH_REQUIRED: { scope: "service", http: 401, en: "This request must be signed with the caller's SM2 key.", zh: "此请求须使用调用方的 SM2 私钥签名。" },
  AUTH_SIGNATURE_INVALID: { scope: "service", http: 401, en: "The request signature does not verify.", zh: "请求签名验证失败。" },
  AUTH_CLOCK_SKEW: { scope: "service", http: 401, en: "The request timestamp is outside the ±5 minute window.", zh: "请求时间戳超出 ±5 分钟的允许范围。" },
  AUTH_NONCE_REPLAYED: { scope: "service", http: 401, en: "The request nonce was already used.", zh: "请求随机数已被使用。" },
  FORBIDDEN: { scope: "service", http: 403, en: "Your role may not read this.", zh: "您的角色无权读取此内容。" },
  PAYLOAD_TOO_LARGE: { scope: "service", http: 413, en: "The request body is too large.", zh: "请求体过大。" },
  MALFORMED_REQUEST: { scope: "service", http: 400, en: "The request is malformed.", zh: "请求格式错误。" },
  ROUTE_NOT_FOUND: { scope: "service", http: 404, en: "No such endpoint.", zh: "接口不存在。" },
  CHAIN_UNAVAILABLE: { scope: "service", http: 503, en: "The chain is unavailable; nothing was written. Retry later.", zh: "区块链暂不可用，未写入任何数据，请稍后重试。" },
  CHAIN_MISMATCH: { scope: "service", http: 503, en: "The chain does not hold this ledger's history (another chain, or a node that lost its state); nothing was written.", zh: "所连接的区块链不含本账本的历史（链不一致或节点丢失了状态），未写入任何数据。" },
  RATE_LIMITED: { scope: "service", http: 429, en: "Too many requests from this caller; retry after the time the Retry-After header gives.", zh: "该调用方请求过于频繁，请按 Retry-After 所示时间后重试。" },
  CLOCK_NOT_MANUAL: { scope: "service", http: 409, en: "The chain's clock cannot be moved: only the embedded chain started with LEDGER_CLOCK=manual has a clock the agency moves.", zh: "区块链时钟不可调整：仅以 LEDGER_CLOCK=manual 启动的内嵌链允许实施机构推进时钟。" },
  CLOCK_BACKWARDS: { scope: "service", http: 409, en: "The chain's clock only moves forward.", zh: "区块链时钟只能向前推进，不能回拨。" },
  CHAIN_CONFLICT: { scope: "service", http: 409, en: "A concurrent transaction changed the same records; nothing was written. Retry.", zh: "并发交易修改了相同记录，未写入任何数据，请重试。" },
  TRACE_TOO_FEW_RECORDS: { scope: "service", http: 422, en: "Too few distinct records to trace: below the documented minimum no attribution can be decided.", zh: "待溯源的记录过少：低于规定的最少记录数，无法作出归属判定。" },
  // --- the operator's tool ---------------------------------------------------------------
  WATERMARK_COLUMN_MISSING: { scope: "client", http: 422, en: "The watermark spec names a column the dataset does not have; nothing was written.", zh: "水印规则所列的列在数据文件中不存在，未写入任何内容。" },
  WATERMARK_TOO_FEW_CELLS: { scope: "client", http: 422, en: "The watermark marks fewer cells than the spec's minimum; nothing was written.", zh: "水印标记的单元格数少于水印规则规定的最小值，未写入任何内容。" },
  INTERNAL: { scope: "service", http: 500, en: "Internal error.", zh: "内部错误。" },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * The words for what a refusal's `details` name, in both languages: the service writes a
 * Chinese `detail` from them for a caller asking in Chinese (the throw sites write English).
 * `time` marks Unix seconds, shown as a CST date-time beside the number.
 */
// prettier-ignore
export const DETAIL_NAMES = {
  id: { en: "id", zh: "标识" },
  kind: { en: "record kind", zh: "记录类别" },
  orgId: { en: "organisation", zh: "组织" },
  actor: { en: "caller", zh: "调用方" },
  role: { en: "role", zh: "角色" },
  resourceId: { en: "resource", zh: "数据资源" },
  grantId: { en: "grant", zh: "授权" },
  productId: { en: "product", zh: "数据产品" },
  deliveryId: { en: "delivery", zh: "交付" },
  admissionId: { en: "partner admission", zh: "合作方准入" },
  hopId: { en: "lineage hop", zh: "血缘环节" },
  expectedVersion: { en: "expected version", zh: "应为版本" },
  field: { en: "field", zh: "字段" },
  fieldIndex: { en: "field position (from 0)", zh: "字段位置（从 0 起）" },
  grade: { en: "grade", zh: "数据级别" },
  outputGrade: { en: "output grade", zh: "输出数据级别" },
  missing: { en: "certificates missing", zh: "缺少的销毁证明" },
  issues: { en: "fields", zh: "字段" },
  header: { en: "header", zh: "请求头" },
  nonce: { en: "nonce", zh: "随机数" },
  method: { en: "method", zh: "请求方法" },
  path: { en: "path", zh: "路径" },
  recordHash: { en: "record hash", zh: "记录哈希" },
  reportHash: { en: "report hash", zh: "报告哈希" },
  latestReportHash: { en: "latest report hash", zh: "最新报告哈希" },
  limit: { en: "limit", zh: "上限" },
  max: { en: "maximum", zh: "最大值" },
  allowed: { en: "allowed values", zh: "可选值" },
  file: { en: "file", zh: "文件" },
  state: { en: "state", zh: "状态" },
  staged: { en: "records staged", zh: "已暂存记录数" },
  limitBytes: { en: "limit in bytes", zh: "上限（字节）" },
  windowSeconds: { en: "window in seconds", zh: "时间窗口（秒）" },
  retryAfterSeconds: { en: "retry after seconds", zh: "重试等待（秒）" },
  maxSkewSeconds: { en: "allowed skew in seconds", zh: "允许偏差（秒）" },
  serverTime: { en: "server time", zh: "服务器时间", time: true },
  capFen: { en: "cap in fen", zh: "上限价格（分）" },
  priceFen: { en: "price in fen", zh: "价格（分）" },
  charge: { en: "charge", zh: "是否收费" },
  entry: { en: "entry (from 0)", zh: "条目序号（从 0 起）" },
  anchoredSize: { en: "anchored tree size", zh: "已锚定的检查点规模" },
  domain: { en: "domain", zh: "领域" },
  chargeUnit: { en: "charging unit", zh: "计费方式" },
  bannedUntil: { en: "banned until", zh: "禁入截止", time: true },
  latestEnd: { en: "latest end", zh: "最晚结束时间", time: true },
  earliestExit: { en: "earliest exit", zh: "最早退出时间", time: true },
  validFrom: { en: "valid from", zh: "有效期起", time: true },
  validUntil: { en: "valid until", zh: "有效期至", time: true },
  grantValidUntil: { en: "grant valid until", zh: "授权有效期至", time: true },
  minimum: { en: "minimum", zh: "最少数量" },
  count: { en: "count", zh: "实际数量" },
  backend: { en: "chain backend", zh: "区块链类型" },
  clock: { en: "clock", zh: "时钟" },
  now: { en: "chain time", zh: "链上时间", time: true },
  validationCode: { en: "validation code", zh: "校验结果" },
  attempts: { en: "attempts", zh: "尝试次数" },
  chainId: { en: "chain", zh: "区块链" },
  markedCells: { en: "marked cells", zh: "水印单元格数" },
  column: { en: "column", zh: "列" },
  use: { en: "used as", zh: "用途" },
  operator: { en: "operator", zh: "运营机构" },
  year: { en: "year", zh: "年度" },
  reportedAt: { en: "reported at", zh: "报送时间", time: true },
} as const satisfies Record<string, { en: string; zh: string; time?: true }>;

export type DetailName = keyof typeof DETAIL_NAMES;

/**
 * What each refusal names in `details` (at least these keys; docs/RULEBOOK.md lists them). A
 * code missing here names nothing yet: the errors test walks the code list and fails for it.
 */
// prettier-ignore
export const REFUSAL_NAMES: { readonly [C in ErrorCode]?: readonly DetailName[] } = {
  INVALID_RECORD: ["issues"],
  NOT_FOUND: ["id"],
  DUPLICATE_ID: ["id"],
  FIELD_UNKNOWN: ["resourceId", "field"],
  FIELD_NOT_GRANTED: ["resourceId", "field"],
  RESOURCE_NOT_GRANTED: ["resourceId"],
  ORG_BLACKLISTED: ["orgId", "bannedUntil"],
  GRANT_TERM_TOO_LONG: ["latestEnd"],
  EXIT_NOTICE_TOO_SHORT: ["earliestExit"],
  GRANT_NOT_EXPIRED: ["validUntil"],
  PARTNER_TERM_EXCEEDS_GRANT: ["grantValidUntil"],
  PRICE_CAP_MISSING: ["domain", "chargeUnit"],
  PRICE_ABOVE_CAP: ["capFen"],
  RESOURCE_NOT_ACTIVE: ["resourceId"],
  GRANT_NOT_ACTIVE: ["grantId"],
  GRANT_OUTSIDE_TERM: ["grantId"],
  GRANT_STATUS_INVALID: ["grantId"],
  PRODUCT_STATUS_INVALID: ["productId"],
  LINEAGE_INCOMPLETE: ["productId"],
  REVENUE_MAXIMUM_MISSING: ["operator", "year"],
  REVENUE_ALREADY_REPORTED: ["operator", "year"],
  REVENUE_NOT_REPORTED: ["operator", "year"],
  REVENUE_CAP_PENDING: ["operator", "year", "domain", "chargeUnit", "reportedAt"],
  ACTOR_ROLE_INVALID: ["orgId"],
  VERSION_CONFLICT: ["expectedVersion"],
  EXIT_NOTICE_MISSING: ["grantId"],
  GRANT_NOT_EXITING: ["grantId"],
  PARTNER_STATUS_INVALID: ["admissionId"],
  PARTNER_NOT_ADMITTED: ["orgId"],
  ARTIFACT_UNKNOWN: ["hopId"],
  ARTIFACT_HASH_MISMATCH: ["hopId"],
  NOT_AUTHORIZED: ["orgId"],
  BAD_SIGNATURE: ["orgId"],
  REPLAYED_RECORD: ["recordHash"],
  ALREADY_BOOTSTRAPPED: ["orgId"],
  REGRANT_FORBIDDEN: ["orgId"],
  SOURCE_REVIEW_MISSING: ["resourceId", "orgId"],
  GRADE_INCONSISTENT: ["resourceId", "grade"],
  SCHEMA_INCOMPATIBLE: ["resourceId", "fieldIndex"],
  GRANT_TERM_INVALID: ["validFrom", "validUntil", "now"],
  DESTRUCTION_INCOMPLETE: ["grantId", "missing"],
  PARTNER_OUT_OF_SCOPE: ["admissionId", "id"],
  PUBLIC_WELFARE_NOT_FREE: ["priceFen"],
  DELIVERY_DETAILS_REQUIRED: ["hopId"],
  PRODUCT_GRANT_MISMATCH: ["productId", "grantId"],
  ANCHOR_NOT_MONOTONIC: ["anchoredSize"],
  PRIVACY_ENV_REQUIRED: ["grade"],
  RAW_EXPORT_FORBIDDEN: ["grade"],
  CONSENT_REQUIRED: ["hopId", "productId"],
  CROSS_BORDER_ASSESSMENT_REQUIRED: ["hopId"],
  GRADE_DOWNGRADE_FORBIDDEN: ["grade", "outputGrade"],
  SERVICE_LIST_FOREIGN_PRODUCT: ["entry", "productId"],
  SERVICE_LIST_FEE_MISMATCH: ["entry", "productId", "charge", "chargeUnit", "priceFen"],
  REPORT_UNKNOWN: ["reportHash"],
  REPORT_PRODUCT_MISMATCH: ["reportHash", "productId"],
  REPORT_NOT_PASSED: ["reportHash"],
  REPORT_SUPERSEDED: ["reportHash", "latestReportHash"],
  AUTH_REQUIRED: ["header"],
  AUTH_SIGNATURE_INVALID: ["actor"],
  AUTH_CLOCK_SKEW: ["serverTime", "maxSkewSeconds"],
  AUTH_NONCE_REPLAYED: ["actor", "nonce"],
  FORBIDDEN: ["role"],
  PAYLOAD_TOO_LARGE: ["limitBytes"],
  MALFORMED_REQUEST: ["field"],
  ROUTE_NOT_FOUND: ["method", "path"],
  CHAIN_UNAVAILABLE: ["retryAfterSeconds"],
  CHAIN_MISMATCH: ["backend"],
  RATE_LIMITED: ["limit", "windowSeconds"],
  CLOCK_NOT_MANUAL: ["backend", "clock"],
  CLOCK_BACKWARDS: ["now"],
  CHAIN_CONFLICT: ["validationCode", "attempts"],
  TRACE_TOO_FEW_RECORDS: ["minimum", "count"],
  CASE_CLOSED: ["id"],
  ALERT_GRANT_MISMATCH: ["id", "grantId"],
  DELIVERY_UNMARKED: ["markedCells", "minimum"],
  WATERMARK_COLUMN_MISSING: ["column", "use"],
  WATERMARK_TOO_FEW_CELLS: ["markedCells", "minimum"],
};

/** Codes that name nothing on purpose: an internal error tells the caller nothing of the inside. */
export const NAMES_NOTHING: readonly ErrorCode[] = ["INTERNAL"];

export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];
export const RULE_ERROR_CODES = ERROR_CODE_LIST.filter((c) => ERROR_CODES[c].scope === "rule");

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_CODES, value);
}

/** GRANT_TERM_TOO_LONG → GrantTermTooLong: the Solidity custom error for a code. */
export function solidityErrorName(code: ErrorCode): string {
  return code
    .toLowerCase()
    .split("_")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}

const BY_SOLIDITY_NAME = new Map(RULE_ERROR_CODES.map((c) => [solidityErrorName(c), c]));

/** GrantTermTooLong → GRANT_TERM_TOO_LONG, or undefined for an error that is not ours. */
export function codeFromSolidityError(name: string): ErrorCode | undefined {
  return BY_SOLIDITY_NAME.get(name);
}

export type Language = "en" | "zh";

export function errorMessage(code: ErrorCode, lang: Language = "en"): string {
  return ERROR_CODES[code][lang];
}

const isDetailName = (key: string): key is DetailName => Object.hasOwn(DETAIL_NAMES, key);

function detailValue(key: string, value: unknown, lang: Language): string {
  if (key === "issues" && Array.isArray(value))
    return (value as { path?: unknown; message?: unknown }[])
      .map((i) => `${String(i.path) || (lang === "zh" ? "记录" : "record")} ${String(i.message)}`)
      .join(lang === "zh" ? "，" : ", ");
  const text = typeof value === "string" ? value : JSON.stringify(value);
  if (isDetailName(key) && "time" in DETAIL_NAMES[key] && typeof value === "number" && Number.isSafeInteger(value))
    return `${toCstIso(value)} (${value})`;
  return text;
}

/**
 * The refusal's `detail` in the caller's language: the throw site's own English sentence, or,
 * in Chinese (and in English when the site wrote none), its `details` as named words
 * ("数据资源 R2；字段 idno"). `issuesZh`, the Chinese wording of schema issues, stands for
 * `issues` in Chinese.
 */
export function localizedDetail(
  detail: string | undefined,
  details: Readonly<Record<string, unknown>> | undefined,
  lang: Language,
): string | undefined {
  if (lang === "en" && detail) return detail;
  if (!details) return lang === "en" ? detail : undefined;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(details)) {
    if (key === "issuesZh" || value === undefined) continue;
    const shown = key === "issues" && lang === "zh" && Array.isArray(details.issuesZh) ? details.issuesZh : value;
    const label = isDetailName(key) ? DETAIL_NAMES[key][lang] : key;
    parts.push(`${label}${lang === "zh" ? "：" : ": "}${detailValue(key, shown, lang)}`);
  }
  return parts.length > 0 ? parts.join(lang === "zh" ? "；" : "; ") : undefined;
}

/**
 * The one error type of the rulebook. `details` carries what the caller needs to fix the
 * request (the offending field, the limit); it never carries personal data.
 */
export class LedgerError extends Error {
  readonly code: ErrorCode;
  /** What exactly is wrong, in English (the service shows it beside the localized message). */
  readonly detail: string | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, detail?: string, details?: Record<string, unknown>) {
    // The message is also the wire form of a chaincode error (Fabric passes only a message):
    // `CODE: English message detail details={…}`, read back by `ledgerErrorFromMessage`.
    const base = detail ? `${code}: ${ERROR_CODES[code].en} ${detail}` : `${code}: ${ERROR_CODES[code].en}`;
    super(details ? `${base}${DETAILS_TAG}${JSON.stringify(details)}` : base);
    this.name = "LedgerError";
    this.code = code;
    this.detail = detail;
    this.details = details;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }
}

const DETAILS_TAG = " details=";

/**
 * The LedgerError a message of the form `CODE: English message detail details={…}` carries
 * (what a chaincode error looks like once Fabric turned it into text), or undefined.
 */
export function ledgerErrorFromMessage(text: string): LedgerError | undefined {
  const m = /^([A-Z][A-Z0-9_]*[A-Z0-9]):\s?([\s\S]*)$/.exec(text);
  const code = m?.[1];
  if (!m || !isErrorCode(code)) return undefined;
  let rest = m[2]!;
  let details: Record<string, unknown> | undefined;
  const tag = rest.lastIndexOf(DETAILS_TAG);
  if (tag >= 0) {
    try {
      const parsed: unknown = JSON.parse(rest.slice(tag + DETAILS_TAG.length));
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
        details = parsed as Record<string, unknown>;
        rest = rest.slice(0, tag);
      }
    } catch {
      // not our tag: the text is all detail
    }
  }
  const english = ERROR_CODES[code].en;
  const detail = (rest.startsWith(english) ? rest.slice(english.length) : rest).trim();
  return new LedgerError(code, detail || undefined, details);
}

/**
 * Throws `LedgerError(code, detail, details)` unless `condition` holds. `details` names the
 * offending id, field or limit in keys both chain variants use alike (the Solidity custom
 * error's parameter names), so a client can act on a refusal without parsing text.
 */
export function ensure(
  condition: unknown,
  code: ErrorCode,
  detail?: string,
  details?: Record<string, unknown>,
): asserts condition {
  if (!condition) throw new LedgerError(code, detail, details);
}
