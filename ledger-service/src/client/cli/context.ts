import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { LedgerClient, type Identity } from "../sdk/ledger-client.ts";
import { openKey, readKeyFile } from "../../../../core/keyfile.ts";
import { localeLanguage, type Words } from "./language.ts";

/**
 * What every command shares: the service URL, the caller's SM2 identity (a sealed key file and
 * its passphrase) and the language of error messages. Options win over the environment.
 */
export interface GlobalOptions {
  readonly url: string;
  readonly key?: string;
  readonly passphraseFile?: string;
  readonly lang?: "en" | "zh";
  readonly json?: boolean;
}

/** A failure of pdl's own (usage, files, local checks), said in both languages. */
export class CliError extends Error {
  constructor(
    readonly words: Words,
    readonly exitCode = 1,
  ) {
    super(words.en);
    this.name = "CliError";
  }
}

/** The options with the language settled: --lang, else PDL_LANG, else the locale (LANG). */
/** fetch's failure to reach the service at all (a TypeError whose cause is the socket's or the URL's). */
export function isNetworkFailure(err: unknown): boolean {
  return err instanceof TypeError && err.message === "fetch failed" && (err as { cause?: unknown }).cause !== undefined;
}

export function globals(command: Command, env: NodeJS.ProcessEnv = process.env): GlobalOptions {
  const options = command.optsWithGlobals<GlobalOptions>();
  return { ...options, lang: options.lang ?? localeLanguage(env) };
}

/**
 * The key file's passphrase: --passphrase-file, else PDL_KEY_PASSPHRASE, else asked on the
 * terminal (not echoed; twice for a new key). Without a terminal there is no one to ask.
 */
export async function passphrase(
  options: GlobalOptions,
  purpose: "open" | "new" = "open",
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  if (options.passphraseFile) return (await readFile(options.passphraseFile, "utf8")).trim();
  const value = env.PDL_KEY_PASSPHRASE;
  if (value) return value;
  if (!process.stdin.isTTY || !process.stderr.isTTY)
    throw new CliError({
      en: "the key file is sealed: set PDL_KEY_PASSPHRASE or pass --passphrase-file",
      zh: "密钥文件已加密：请设置 PDL_KEY_PASSPHRASE 或给出 --passphrase-file",
    });
  const zh = (options.lang ?? localeLanguage(env)) === "zh";
  if (purpose === "open") return askPassphrase(zh ? "密钥文件的口令：" : "Passphrase of the key file:", zh);
  const first = await askPassphrase(zh ? "新密钥文件的口令：" : "Passphrase for the new key file:", zh);
  await askPassphrase(
    zh ? "再次输入同一口令：" : "The same passphrase again:",
    zh,
    (v) => v === first || (zh ? "两次输入的口令不一致" : "not the same passphrase"),
  );
  return first;
}

async function askPassphrase(
  message: string,
  zh: boolean,
  validate?: (value: string) => true | string,
): Promise<string> {
  const { default: password } = await import("@inquirer/password");
  const empty = zh ? "口令为空" : "the passphrase is empty";
  // The prompt goes to standard error: standard output stays the command's answer.
  return password(
    { message, mask: true, validate: validate ?? ((v) => v.length > 0 || empty) },
    {
      output: process.stderr,
    },
  );
}

export async function identity(options: GlobalOptions): Promise<Identity> {
  if (!options.key)
    throw new CliError({
      en: "this command signs as you: pass --key <key file> (or set PDL_KEY)",
      zh: "此命令须以您的身份签名：请给出 --key <密钥文件>（或设置 PDL_KEY）",
    });
  const file = await readKeyFile(options.key);
  if (file.algorithm !== "sm2")
    throw new CliError({ en: `${options.key} is not an SM2 key`, zh: `${options.key} 不是 SM2 密钥` });
  if (!file.orgId)
    throw new CliError({
      en: `${options.key} names no organisation (keygen --org)`,
      zh: `${options.key} 未写明所属组织（keygen --org）`,
    });
  const key = openKey(file, await passphrase(options), options.key);
  return { orgId: file.orgId, privateKey: key.privateKey };
}

export async function client(options: GlobalOptions, signed = true): Promise<LedgerClient> {
  return new LedgerClient({
    baseUrl: options.url,
    ...(options.lang ? { language: options.lang } : {}),
    ...(signed ? { identity: await identity(options) } : {}),
  });
}

/** Reads JSON from a file, or from standard input for "-". */
export async function readJson(path: string): Promise<unknown> {
  const text = path === "-" ? await readStdin() : await readFile(path, "utf8");
  try {
    return JSON.parse(text);
  } catch (err) {
    const where = path === "-" ? { en: "standard input", zh: "标准输入" } : { en: path, zh: path };
    throw new CliError({
      en: `${where.en} is not JSON: ${(err as Error).message}`,
      zh: `${where.zh} 不是 JSON：${(err as Error).message}`,
    });
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export function print(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + "\n");
}
