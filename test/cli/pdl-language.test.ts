import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { Command } from "commander";
import stringWidth from "string-width";
import { HELP_ZH } from "../../ledger-service/src/client/cli/help-texts.ts";
import { cliLanguage, localeLanguage, usageError } from "../../ledger-service/src/client/cli/language.ts";
import { pdlProgram } from "../../ledger-service/src/client/cli/program.ts";
import { org } from "../../scripts/scenarios/world.ts";
import { runPdl, type PdlRun } from "./run-pdl.ts";

const HAN = /[\u4e00-\u9fff]/;

/** The locale of a user's shell: only what is given, none of the test runner's own. */
const locale = (vars: Record<string, string>) => ({
  LC_ALL: undefined,
  LC_MESSAGES: undefined,
  LANG: undefined,
  PDL_LANG: undefined,
  PDL_KEY: undefined,
  ...vars,
});

/** pdl's one line on standard error, without the help commander prints after a usage error. */
const firstLine = (run: PdlRun) => run.stderr.split("\n")[0]!;

describe("pdl speaks the user's language in its own messages", function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "pdl-lang-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("takes the language from --lang, else PDL_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG)", () => {
    expect(localeLanguage({ LANG: "zh_CN.UTF-8" })).to.equal("zh");
    expect(localeLanguage({ LANG: "zh_TW" })).to.equal("zh");
    expect(localeLanguage({ LANG: "zh" })).to.equal("zh");
    expect(localeLanguage({ LANG: "C.UTF-8" })).to.equal("en");
    expect(localeLanguage({ LANG: "zu_ZA.UTF-8" }), "zu is not zh").to.equal("en");
    expect(localeLanguage({})).to.equal("en");
    expect(localeLanguage({ LC_ALL: "en_US.UTF-8", LANG: "zh_CN.UTF-8" }), "LC_ALL wins").to.equal("en");
    expect(localeLanguage({ LC_MESSAGES: "zh_CN.UTF-8", LANG: "en_US.UTF-8" })).to.equal("zh");
    expect(cliLanguage(["receipt", "--lang", "en"], { LANG: "zh_CN.UTF-8" })).to.equal("en");
    expect(cliLanguage(["--lang=zh", "receipt"], { LANG: "C" })).to.equal("zh");
    expect(cliLanguage(["receipt"], { PDL_LANG: "zh", LANG: "C" })).to.equal("zh");
    expect(cliLanguage(["receipt"], { PDL_LANG: "en", LANG: "zh_CN.UTF-8" })).to.equal("en");
  });

  it("says commander's usage errors in Chinese, keeping the names as typed, and leaves English alone", () => {
    expect(usageError("error: unknown option '--bogus'\n", "zh")).to.equal("错误：未知选项 '--bogus'\n");
    expect(usageError("error: unknown option '--ulr' (Did you mean --url?)\n", "zh")).to.equal(
      "错误：未知选项 '--ulr'（是否想用 --url？）\n",
    );
    expect(usageError("error: too many arguments for 'receipt'. Expected 1 argument but got 2.\n", "zh")).to.equal(
      "错误：命令 'receipt' 的参数过多，应为 1 个，实际 2 个\n",
    );
    expect(usageError("error: unknown option '--bogus'\n", "en")).to.equal("error: unknown option '--bogus'\n");
  });

  it("gives a usage error in Chinese under a Chinese locale or --lang zh, in English otherwise", async () => {
    const zhLocale = await runPdl(["receipt", "--bogus"], locale({ LANG: "zh_CN.UTF-8" }));
    expect(zhLocale.code).to.equal(1);
    expect(firstLine(zhLocale)).to.equal("错误：未知选项 '--bogus'");
    const zhOption = await runPdl(["receipt", "--lang", "zh"], locale({ LANG: "C.UTF-8" }));
    expect(firstLine(zhOption)).to.equal("错误：缺少必需的参数 'recordHash'");
    const badChoice = await runPdl(["--lang", "fr", "receipt", "x"], locale({ LANG: "zh_CN.UTF-8" }));
    expect(firstLine(badChoice)).to.equal("错误：选项 '--lang <lang>' 的取值 'fr' 无效，可选值为 en, zh");

    const en = await runPdl(["receipt", "--bogus"], locale({ LANG: "C.UTF-8" }));
    expect(firstLine(en)).to.equal("error: unknown option '--bogus'");
    const enOverLocale = await runPdl(["receipt", "--lang", "en"], locale({ LANG: "zh_CN.UTF-8" }));
    expect(firstLine(enOverLocale)).to.equal("error: missing required argument 'recordHash'");
  });

  it("says its local refusals in the chosen language: one line, exit 1, no stack", async () => {
    const notKey = join(dir, "not-a-key.json");
    writeFileSync(notKey, "hello");
    const notJson = join(dir, "body.txt");
    writeFileSync(notJson, "not json");
    const dataset = join(dir, "data.csv");
    writeFileSync(dataset, "id,amount\n1,2\n");
    const spec = join(dir, "spec.json");
    writeFileSync(spec, JSON.stringify({ keyColumns: [], columns: [] }));
    const deliver = ["deliver", dataset, "--out", join(dir, "copy.csv"), "--id", "D-1", "--product", "P1"];
    // A port nobody listens on: one just freed.
    const closed = await new Promise<string>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(`http://127.0.0.1:${port}`));
      });
    });
    const cases: [string[], string, string][] = [
      [
        ["receipt", "abc"],
        "pdl: a record hash is 64 lowercase hex characters",
        "pdl：记录哈希为 64 位小写十六进制字符",
      ],
      [
        ["submit", "cap.set", notJson],
        "pdl: this command signs as you: pass --key <key file> (or set PDL_KEY)",
        "pdl：此命令须以您的身份签名：请给出 --key <密钥文件>（或设置 PDL_KEY）",
      ],
      [
        ["submit", "cap.set", notJson, "--key", notKey],
        `pdl: ${notKey} is not a key file (not JSON; pdl keygen writes one)`,
        `pdl：${notKey} 不是密钥文件（不是 JSON；pdl keygen 可生成密钥文件）`,
      ],
      [
        ["template", "actor.bootstrap"],
        "pdl: no template for actor.bootstrap: `pdl operations` lists the operations (the service writes actor.bootstrap and anchor.checkpoint itself)",
        "pdl：没有 actor.bootstrap 的模板：`pdl operations` 列出全部操作（actor.bootstrap 和 anchor.checkpoint 由服务自行写入）",
      ],
      [
        ["log-key", "--url", closed],
        `pdl: no service answers at ${closed} (start it with npm start)`,
        `pdl：${closed} 没有服务应答（可用 npm start 启动服务）`,
      ],
      [
        [...deliver, "--recipient", org("con"), "--watermark", spec],
        `pdl: ${spec}: a watermark needs at least one key column`,
        `pdl：${spec}：水印规则无效：水印须至少有一个键列`,
      ],
      [
        // A port fetch refuses to use: why, in one line, not a stack.
        ["log-key", "--url", "http://127.0.0.1:9"],
        "pdl: cannot reach http://127.0.0.1:9 (bad port)",
        "pdl：无法连接 http://127.0.0.1:9（bad port）",
      ],
    ];
    for (const [args, en, zh] of cases) {
      const inEnglish = await runPdl(args, locale({ LANG: "C.UTF-8" }));
      expect([inEnglish.code, inEnglish.stderr], args.join(" ")).to.deep.equal([1, `${en}\n`]);
      const inChinese = await runPdl(args, locale({ LANG: "zh_CN.UTF-8" }));
      expect([inChinese.code, inChinese.stderr], args.join(" ")).to.deep.equal([1, `${zh}\n`]);
      expect(inChinese.stderr).to.match(HAN);
    }
  });

  it("says a local refusal of the work itself (a leak file with no record) in the chosen language", async () => {
    const key = join(dir, "supervisor.key.json");
    const made = await runPdl(["keygen", "--org", org("sup"), "--out", key], { PDL_KEY_PASSPHRASE: "language test" });
    expect(made.code, made.stderr).to.equal(0);
    const empty = join(dir, "leak.csv");
    writeFileSync(empty, "");
    const args = ["trace", empty, "--key", key, "--url", "http://127.0.0.1:8080"];
    const env = { PDL_KEY_PASSPHRASE: "language test" };
    const en = await runPdl(args, { ...locale({ LANG: "C.UTF-8" }), ...env });
    expect([en.code, en.stderr]).to.deep.equal([1, `pdl: ${empty} holds no record\n`]);
    const zh = await runPdl(args, { ...locale({ LANG: "zh_CN.UTF-8" }), ...env });
    expect([zh.code, zh.stderr]).to.deep.equal([1, `pdl：${empty} 不含任何记录\n`]);
  });

  it("puts the message in the chosen language into --json output too", async () => {
    const run = await runPdl(["receipt", "abc", "--json"], locale({ LANG: "zh_CN.UTF-8" }));
    expect(JSON.parse(run.stderr)).to.deep.equal({
      error: { code: "CLI", message: "记录哈希为 64 位小写十六进制字符" },
      exitCode: 1,
    });
  });

  it("has Chinese words for every command's, option's and argument's help, and none left over", () => {
    const described = new Set<string>(["display help for command"]);
    const walk = (command: Command): void => {
      for (const text of [
        command.description(),
        ...command.options.map((o) => o.description),
        ...command.registeredArguments.map((a) => a.description),
      ])
        if (text) described.add(text);
      command.commands.forEach(walk);
    };
    walk(pdlProgram("zh"));
    expect(
      [...described].filter((text) => !(text in HELP_ZH)),
      "described without Chinese",
    ).to.deep.equal([]);
    expect(
      Object.keys(HELP_ZH).filter((text) => !described.has(text)),
      "Chinese for nothing",
    ).to.deep.equal([]);
    expect(Object.values(HELP_ZH).filter((zh) => !HAN.test(zh))).to.deep.equal([]);
  });

  it("prints its help in Chinese under a Chinese locale or --lang zh, wrapped to the terminal's 80 columns", async () => {
    const top = await runPdl(["--help"], locale({ LANG: "zh_CN.UTF-8" }));
    expect(top.code).to.equal(0);
    expect(top.stdout).to.match(/^用法： pdl \[options\] \[command\]/);
    expect(top.stdout)
      .to.include("命令：")
      .and.include("选项：")
      .and.include("用本机构密钥签名 <operation> 的记录并提交");
    expect(top.stdout).to.include("（默认：").and.include("环境变量：PDL_URL");
    const deliver = await runPdl(["deliver", "--help", "--lang", "zh"], locale({ LANG: "C.UTF-8" }));
    expect(deliver.stdout).to.include("参数：").and.include("接收方的统一社会信用代码");
    for (const run of [top, deliver]) {
      const lines = run.stdout.split("\n");
      expect(
        lines.filter((line) => stringWidth(line) > 80),
        "wider than the terminal",
      ).to.deep.equal([]);
      expect(
        lines.filter((line) => /^\s*[，。、；：）]/.test(line)),
        "a line opening on a closing mark",
      ).to.deep.equal([]);
    }

    const en = await runPdl(["receipt", "--help"], locale({ LANG: "C.UTF-8" }));
    expect(en.stdout).to.match(/^Usage: pdl receipt \[options\] <recordHash>/);
    expect(en.stdout).to.include("the record's hash (64 hex), as `pdl submit` prints it");
    expect(HAN.test(en.stdout), "no Chinese in the English help").to.equal(false);
  });
});
