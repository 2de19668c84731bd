import { CommanderError } from "commander";
import { LedgerApiError, OutcomePendingError } from "../sdk/ledger-client.ts";
import { KeyFileError } from "../../../../core/keyfile.ts";
import { refusalDetails } from "./refusal.ts";
import { cliLanguage, type Words } from "./language.ts";
import { pdlProgram } from "./program.ts";
import { CliError, isNetworkFailure } from "./context.ts";

/** pdl's own messages (usage errors, local failures, help) follow --lang, PDL_LANG or the locale. */
const lang = cliLanguage(process.argv.slice(2), process.env);
const program = pdlProgram(lang);

/**
 * A failure as one JSON object on standard error (--json), or as a line for people, in the
 * run's language; the JSON's `message` is in that language too.
 */
function fail(exitCode: number, error: Record<string, unknown>, line: Words): never {
  if (program.opts<{ json?: boolean }>().json) process.stderr.write(JSON.stringify({ error, exitCode }) + "\n");
  else process.stderr.write(line[lang]);
  process.exit(exitCode);
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof OutcomePendingError) {
    process.stdout.write(JSON.stringify(err.body, null, 2) + "\n");
    fail(
      4,
      { code: err.code, message: err.message, recordHash: err.recordHash },
      {
        en: `pdl: sent, outcome not known yet: poll \`pdl receipt ${err.recordHash} --wait\` (or pdl get /v1/receipts/${err.recordHash}: 200 written, 404 nothing written)\n`,
        zh: `pdl：已发送，结果尚未知晓：请用 \`pdl receipt ${err.recordHash} --wait\` 查询（或 pdl get /v1/receipts/${err.recordHash}：200 表示已写入，404 表示未写入）\n`,
      },
    );
  }
  if (err instanceof LedgerApiError) {
    const body = (err.body as { error?: Record<string, unknown> } | undefined)?.error;
    fail(
      3,
      { status: err.status, ...(body ?? { code: err.code, message: err.message }) },
      {
        en: `pdl: the service refused: ${err.message}${refusalDetails(err.body, "en")}\n`,
        zh: `pdl：服务拒绝了请求：${err.message}${refusalDetails(err.body, "zh")}\n`,
      },
    );
  }
  if (err instanceof KeyFileError) {
    fail(
      1,
      { code: "KEY_FILE", message: err.words[lang] },
      { en: `pdl: ${err.words.en}\n`, zh: `pdl：${err.words.zh}\n` },
    );
  }
  if (err instanceof CliError)
    fail(
      err.exitCode,
      { code: "CLI", message: err.words[lang] },
      { en: `pdl: ${err.words.en}\n`, zh: `pdl：${err.words.zh}\n` },
    );
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (isNetworkFailure(err)) {
    const url = program.opts<{ url: string }>().url;
    if (cause?.code === "ECONNREFUSED")
      fail(
        1,
        { code: "UNREACHABLE", message: lang === "zh" ? `${url} 没有服务应答` : `no service answers at ${url}`, url },
        {
          en: `pdl: no service answers at ${url} (start it with npm start)\n`,
          zh: `pdl：${url} 没有服务应答（可用 npm start 启动服务）\n`,
        },
      );
    // A name that does not resolve, a reset connection, a port fetch will not use: why, in one line.
    const why = cause?.code ?? cause?.message ?? "fetch failed";
    fail(
      1,
      {
        code: "UNREACHABLE",
        message: lang === "zh" ? `无法连接 ${url}（${why}）` : `cannot reach ${url} (${why})`,
        url,
      },
      { en: `pdl: cannot reach ${url} (${why})\n`, zh: `pdl：无法连接 ${url}（${why}）\n` },
    );
  }
  fail(
    1,
    { code: "INTERNAL", message: (err as Error).message ?? String(err) },
    {
      en: `pdl: ${(err as Error).stack ?? String(err)}\n`,
      zh: `pdl：内部错误：${(err as Error).stack ?? String(err)}\n`,
    },
  );
}
