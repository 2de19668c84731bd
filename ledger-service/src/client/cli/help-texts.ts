import { Help, type Argument, type Command, type HelpConfiguration, type Option } from "commander";
import stringWidth from "string-width";
import type { Language } from "../../../../core/errors.ts";

/**
 * pdl's help in Chinese: each command's, option's and argument's description as written in
 * English beside its definition, with its Chinese words. Keyed by the English text so a command
 * keeps its one definition; test/cli/pdl-language.test.ts walks every command and fails on a
 * description missing here.
 */
// prettier-ignore
export const HELP_ZH: Readonly<Record<string, string>> = {
  "Public Data Ledger: sign and submit records, read evidence, verify receipts, deliver and trace datasets":
    "公共数据账本：签名并提交记录、读取证据、核验回执、交付与溯源数据集",
  "output the version number": "显示版本号",
  "display help for command": "显示命令的帮助",
  "the ledger service": "账本服务的地址",
  "your SM2 key file (from `pdl keygen`)": "本机构的 SM2 密钥文件（由 `pdl keygen` 生成）",
  "file holding the key file's passphrase (else PDL_KEY_PASSPHRASE)": "存放密钥文件口令的文件（否则读 PDL_KEY_PASSPHRASE）",
  "language of pdl's messages and help": "pdl 的提示与帮助所用语言",
  "print results as JSON": "以 JSON 输出结果",
  "create an SM2 key for an organisation, sealed with SM4 under a passphrase (PDL_KEY_PASSPHRASE, --passphrase-file, or asked on the terminal)":
    "为机构生成 SM2 密钥，以口令经 SM4 封存（口令取自 PDL_KEY_PASSPHRASE、--passphrase-file，或在终端询问）",
  "the organisation's unified social credit code": "机构的统一社会信用代码",
  "where to write the sealed key file (owner-only permissions)": "封存密钥文件的写入位置（仅所有者可读写）",
  "overwrite an existing file": "覆盖已有文件",
  "list the rulebook operations `pdl submit` accepts, with the kind of record each writes":
    "列出 `pdl submit` 接受的规则操作及各自写入的记录类型",
  "sign a record of <operation> with your key and submit it; prints the accepted record and its receipt":
    "用本机构密钥签名 <operation> 的记录并提交；输出已接受的记录及其回执",
  "a rulebook operation, e.g. grant.issue (see `pdl operations`)": "规则操作，如 grant.issue（见 `pdl operations`）",
  "the record body as a JSON file, or - for standard input": "记录正文的 JSON 文件，- 表示标准输入",
  "a signed GET of any API path, e.g. /v1/grants or /v1/records/grant/G-1/history":
    "对任一 API 路径发出签名的 GET 请求，如 /v1/grants 或 /v1/records/grant/G-1/history",
  "send unsigned (public endpoints)": "不签名发送（公开接口）",
  "path and query": "路径与查询参数",
  "export a product's lineage graph back to its resources and grant (openlineage: NDJSON, one run event a line)":
    "导出数据产品直至其数据资源与授权的血缘图（openlineage：NDJSON，每行一个运行事件）",
  "output form": "输出格式",
  "write to a file instead of standard output": "写入文件而非标准输出",
  "send each OpenLineage event to this endpoint, e.g. Marquez's …/api/v1/lineage":
    "将每个 OpenLineage 事件发送到该地址，如 Marquez 的 …/api/v1/lineage",
  "print an example body of <operation> that passes its schema (to edit and `pdl submit`), and explain its hash fields":
    "输出一份符合 <operation> 模式的正文示例（修改后用 `pdl submit` 提交），并说明其中的哈希字段",
  "for lineage.hop: a delivery hop (POST /v1/deliveries; `pdl deliver` writes these)":
    "用于 lineage.hop：交付环节（POST /v1/deliveries；由 `pdl deliver` 写入）",
  "a rulebook operation a caller submits, e.g. grant.issue (see `pdl operations`)":
    "调用方提交的规则操作，如 grant.issue（见 `pdl operations`）",
  "fetch a record's receipt; --wait polls until it is anchored (exit 4 on timeout)":
    "获取记录的回执；--wait 轮询直至其上链锚定（超时退出码 4）",
  "poll until the receipt reaches --until": "轮询直至回执达到 --until 所指状态",
  "the state to wait for": "要等待的状态",
  "how long --wait polls": "--wait 轮询的时长",
  "also write the receipt to a file (for `pdl verify-receipt`)": "同时将回执写入文件（供 `pdl verify-receipt` 使用）",
  "the record's hash (64 hex), as `pdl submit` prints it": "记录哈希（64 位十六进制），即 `pdl submit` 输出的值",
  "print the shell completion script: eval \"$(pdl completion bash)\" in ~/.bashrc (zsh: ~/.zshrc)":
    "输出 shell 补全脚本：在 ~/.bashrc 中加入 eval \"$(pdl completion bash)\"（zsh：~/.zshrc）",
  "the shell": "shell 类型",
  "print the listing verification report issued last for <productId>; with --issue, have the service issue one now (the exchange, the agency): a listing names its reportHash":
    "输出 <productId> 最近签发的挂牌核验报告；加 --issue 则由服务立即签发一份（交易所、实施机构）：挂牌须写明其 reportHash",
  "issue the report now (built at the chain's time, its hash recorded on chain)": "立即签发报告（按链上时间生成，其哈希记录上链）",
  "print only the reportHash, the verdict and the failing checks": "只输出 reportHash、结论与未通过的检查项",
  "verify a receipt offline against the log's SM2 public key; --rpc-url or --fabric-config also confirms the anchor on chain":
    "以日志的 SM2 公钥离线核验回执；加 --rpc-url 或 --fabric-config 还在链上确认锚定",
  "the log key you trust: its SM2 public key (04…, 130 hex characters) or its vkey (`pdl log-key`); env PDL_LOG_KEY":
    "你信任的日志密钥：其 SM2 公钥（04…，130 位十六进制）或 vkey（`pdl log-key`）；环境变量 PDL_LOG_KEY",
  "take the log key from the service at --url (trust on first use) when --log-key is not given":
    "未给出 --log-key 时，从 --url 所指服务取得日志密钥（首次使用即信任）",
  "an EVM JSON-RPC endpoint you trust, to confirm an anchored receipt's transaction": "你信任的 EVM JSON-RPC 节点，用于确认已锚定回执的交易",
  "a Fabric peer connection you trust (JSON: peerEndpoint, mspId, certPath, keyPath, optional tlsCertPath and hostAlias, or a service config with that `fabric` section), to confirm the anchor":
    "你信任的 Fabric 节点连接（JSON：peerEndpoint、mspId、certPath、keyPath，可选 tlsCertPath 与 hostAlias，或含该 `fabric` 段的服务配置），用于确认锚定",
  "the receipt (JSON), or - for standard input; a write response with a `receipt` field is accepted too":
    "回执（JSON），- 表示标准输入；带 `receipt` 字段的写入应答也可",
  "print the log's signed-note verifier key (vkey) as the service publishes it; --hex for the SM2 key":
    "输出服务公布的日志签名验证密钥（vkey）；--hex 输出 SM2 公钥",
  "print the SM2 public key (04…) instead of the vkey": "输出 SM2 公钥（04…）而非 vkey",
  "watermark and fingerprint a dataset (CSV or JSON lines) for one recipient, write the recipient's copy, register the delivery and deposit its fingerprints":
    "为一个接收方给数据集（CSV 或 JSON lines）加水印并计算指纹，写出接收方副本，登记交付并存证其指纹",
  "where to write the recipient's watermarked copy": "接收方加水印副本的写入位置",
  "id of the delivery's lineage hop, e.g. D-2026-0001": "交付血缘环节的编号，如 D-2026-0001",
  "the product delivered": "所交付的数据产品",
  "the recipient's unified social credit code": "接收方的统一社会信用代码",
  "the watermark spec (JSON: keyColumns, columns, fraction; see docs/WATERMARK.md)":
    "水印规则（JSON：keyColumns、columns、fraction；见 docs/WATERMARK.md）",
  "the hop(s) whose output this delivery ships": "本次交付所交付其产出的血缘环节",
  "explicit hop inputs (JSON array of resource or artifact inputs)": "显式给出的环节输入（数据资源或中间产物输入的 JSON 数组）",
  "consent reference (products with personal information or trade secrets)": "授权同意凭证编号（含个人信息或商业秘密的产品）",
  "the data leaves the mainland": "数据出境",
  "data-export security assessment reference (cross-border)": "数据出境安全评估编号（出境时）",
  "where the delivery was prepared": "交付数据的处理环境",
  "declared grade of the delivered data": "所交付数据的申报分级",
  "input format": "输入格式",
  "format of the recipient's copy (default: the input's)": "接收方副本的格式（默认与输入相同）",
  "no progress bars": "不显示进度条",
  "the dataset to deliver (.csv, or .jsonl with one object per line)": "要交付的数据集（.csv，或每行一个对象的 .jsonl）",
  "trace a leaked file (CSV or JSON lines) to the deliveries it came from: watermark and fingerprint evidence, recipient, lineage, grant and destruction status, receipts (agency, supervisors)":
    "将泄露文件（CSV 或 JSON lines）溯源至其来源的交付：水印与指纹证据、接收方、血缘、授权与销毁状态、回执（实施机构、监管方）",
  "format of the file": "文件格式",
  "when the leak was found, Unix seconds (default: now)": "发现泄露的时间，Unix 秒（默认：当前时间）",
  "bound on the probability of any false watermark attribution (default 1e-9)": "任一水印错误归属的概率上限（默认 1e-9）",
  "test only the deliveries of this product for the watermark": "只对该数据产品的交付检验水印",
  "inclusion proofs returned per delivery (default 20)": "每项交付返回的包含证明数（默认 20）",
  "budget for the records sent, bytes (default 240 KiB; keep under the service's body limit)":
    "发送记录的字节预算（默认 240 KiB；须低于服务的请求体上限）",
  "also write the full JSON answer to this file": "同时将完整的 JSON 应答写入该文件",
  "print a summary for people instead of the JSON answer (not with --json)": "输出供人阅读的摘要而非 JSON 应答（不可与 --json 同用）",
  "the leaked records": "泄露的记录",
  "ask the service to checkpoint its log and anchor it on chain now (agency, exchange; a few per minute); prints the anchor":
    "请服务立即为日志生成检查点并上链锚定（实施机构、交易所；每分钟数次）；输出锚定结果",
  "why, for the service's log": "原因，记入服务日志",
};

// prettier-ignore
const TITLES_ZH: Readonly<Record<string, string>> = {
  "Usage:": "用法：", "Options:": "选项：", "Global Options:": "全局选项：", "Arguments:": "参数：", "Commands:": "命令：",
};

// The notes commander adds after a description: "(choices: …, default: …, env: …)".
const NOTES_ZH: readonly [RegExp, string][] = [
  [/\bchoices: /g, "可选："],
  [/\bdefault: /g, "默认："],
  [/\bpreset: /g, "预设："],
  [/\benv: /g, "环境变量："],
];

const say = (text: string) => HELP_ZH[text] ?? text;

/** A description with commander's notes after it, its words and the notes' labels in Chinese. */
function described(full: string, description: string): string {
  const rest = description && full.startsWith(description) ? full.slice(description.length) : full;
  let notes = rest;
  for (const [label, zh] of NOTES_ZH) notes = notes.replace(label, zh);
  notes = notes.replace(/^ ?\((.*)\)$/, "（$1）").replace(/, /g, "，");
  return (description && full.startsWith(description) ? say(description) : "") + notes;
}

// Chinese has no spaces to wrap at: a line may break before any Han character or full-width
// mark (each takes two columns of the terminal), but never before a closing mark.
const WIDE = "\\p{Script=Han}\\u3000-\\u303f\\uff00-\\uffef";
const CLOSING = "[，。、；：！？）」』】》〉]*";
const CHUNK_ZH = new RegExp(`\\s*(?:[${WIDE}]|[^\\s${WIDE}]+)${CLOSING}`, "gu");

function wrapZh(text: string, width: number): string {
  return text
    .split(/\r?\n/)
    .map((line) => {
      const lines: string[] = [];
      let current = "";
      for (const chunk of line.match(CHUNK_ZH) ?? []) {
        if (current && stringWidth(current + chunk) > width) {
          lines.push(current);
          current = chunk.trimStart();
        } else current += chunk;
      }
      return [...lines, current].join("\n");
    })
    .join("\n");
}

/** Commander's help in the run's language: as commander writes it in English, in Chinese for zh. */
export function helpIn(lang: Language): HelpConfiguration {
  if (lang === "en") return {};
  return {
    displayWidth: (text: string) => stringWidth(text),
    boxWrap(this: Help, text: string, width: number) {
      return width < this.minWidthToWrap ? text : wrapZh(text, width);
    },
    styleTitle: (title: string) => TITLES_ZH[title] ?? title,
    commandDescription: (cmd: Command) => say(cmd.description()),
    subcommandDescription: (cmd: Command) => say(cmd.summary() || cmd.description()),
    optionDescription(this: Help, option: Option) {
      return described(Help.prototype.optionDescription.call(this, option), option.description);
    },
    argumentDescription(this: Help, argument: Argument) {
      return described(Help.prototype.argumentDescription.call(this, argument), argument.description);
    },
  };
}
