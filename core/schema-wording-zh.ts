/**
 * The rulebook schemas' own sentences (core/records) in Chinese. zod's zh-CN locale words only
 * the issues zod raises itself; a schema's custom sentence ("must be a 32-byte hash …") would reach
 * a Chinese reader in English. Sentences are matched whole, so a sentence this table does not know
 * passes through unchanged rather than half translated.
 */

/** What a list's `what` (core/records/common.ts uniqueList) is called in Chinese. */
const LISTED: Readonly<Record<string, string>> = {
  "evidence records": "证据记录",
  domains: "领域",
  fields: "字段",
  products: "产品",
  "source resources": "来源数据资源",
  "source units": "数据来源单位",
  scenarios: "应用场景",
  assets: "资产",
  inputs: "输入",
  resources: "数据资源",
  "products or services": "产品或服务",
  "product or service": "产品或服务",
};

const USCC = "不是统一社会信用代码：";

const EXACT: Readonly<Record<string, string>> = {
  "must be 1–31 characters: letters, digits, '.', '_', ':' or '-', starting with a letter or digit":
    "须为 1–31 个字符：字母、数字、“.”、“_”、“:”或“-”，且以字母或数字开头",
  "is not a unified social credit code: it must be exactly 18 characters": `${USCC}应为 18 位`,
  "is not a unified social credit code: it uses characters outside the GB 32100 alphabet (digits and capitals except I, O, Z, S, V; positions 3–8 are digits)": `${USCC}含有 GB 32100 之外的字符（数字和除 I、O、Z、S、V 外的大写字母；第 3–8 位为数字）`,
  "is not a unified social credit code: it starts with an unknown registration authority code": `${USCC}首位登记管理部门代码无效`,
  "is not a unified social credit code: it has a wrong check character (GB 32100-2015)": `${USCC}校验码错误（GB 32100-2015）`,
  "must be a 32-byte hash as 64 lowercase hex characters": "须为 32 字节的哈希值：64 个小写十六进制字符",
  "must be whole seconds": "须为整秒",
  "must be an uncompressed SM2 public key: 04 followed by 128 lowercase hex characters":
    "须为未压缩的 SM2 公钥：04 后接 128 个小写十六进制字符",
  "must be an SM2 signature r‖s as 128 lowercase hex characters": "须为 SM2 签名 r‖s：128 个小写十六进制字符",
  "must be an EVM address: 0x and 40 lowercase hex characters": "须为 EVM 地址：0x 后接 40 个小写十六进制字符",
  "must not be empty": "不得为空",
  "must not start or end with white space": "首尾不得有空白字符",
  "must grant at least one resource": "须至少授权一项数据资源",
  "must list each resource once": "每项数据资源只能列出一次",
  "must name at least one input": "须至少列出一个输入",
  "must name each input once": "每个输入只能列出一次",
  "must define at least one field": "须至少定义一个字段",
  "must define at most 255 fields": "至多定义 255 个字段",
  "must not define a field name twice": "字段名不得重复",
  "must list each product once": "每个产品只能列出一次",
  "must be a whole year": "须为整数年份",
  "amounts are whole fen": "金额须为整数（分）",
  "prices are whole fen": "价格须为整数（分）",
  "a volume is a whole number of records": "数量须为记录的整数条数",
  "grades run from 1 to 4": "分级为 1 至 4 级",
  "must be an MSP id": "须为 MSP 标识",
  "must be 1–100 printable ASCII characters without spaces": "须为 1–100 个可打印 ASCII 字符，不含空格",
  "must be base64": "须为 base64 编码",
  "must be 16 random bytes as 32 lowercase hex characters": "须为 16 个随机字节：32 个小写十六进制字符",
  "a concluded stage carries an outcome, and only a concluded stage does": "办结阶段须填写处理结果，其他阶段不得填写",
};

/** Sentences with a number or a list's name in them. */
const PATTERNS: readonly [RegExp, (m: RegExpExecArray) => string | undefined][] = [
  [/^must be at most (\d+) characters$/, (m) => `至多 ${m[1]} 个字符`],
  [/^must list at least (\d+) (.+)$/, (m) => listed(m[2]!, (w) => `须至少列出 ${m[1]} 项${w}`)],
  [/^must list at most (\d+) (.+)$/, (m) => listed(m[2]!, (w) => `至多列出 ${m[1]} 项${w}`)],
  [/^must not repeat (.+)$/, (m) => listed(m[1]!, (w) => `${w}不得重复`)],
  [/^must name at most (\d+) inputs$/, (m) => `至多列出 ${m[1]} 个输入`],
  [/^the maximum permitted revenue must be at least (\d+) fen$/, (m) => `允许收益上限须至少为 ${m[1]} 分`],
];

function listed(what: string, sentence: (w: string) => string): string | undefined {
  const w = LISTED[what];
  return w === undefined ? undefined : sentence(w);
}

/** `message` in Chinese when it is one of the rulebook schemas' sentences; otherwise unchanged. */
export function schemaSentenceInChinese(message: string): string {
  const exact = EXACT[message];
  if (exact !== undefined) return exact;
  for (const [pattern, word] of PATTERNS) {
    const m = pattern.exec(message);
    const worded = m && word(m);
    if (worded) return worded;
  }
  return message;
}
