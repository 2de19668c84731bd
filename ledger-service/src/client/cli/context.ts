import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { LedgerClient, type Identity } from "../sdk/ledger-client.ts";
import { openKey, readKeyFile } from "../../../../core/keyfile.ts";

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

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export function globals(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
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
    throw new CliError("the key file is sealed: set PDL_KEY_PASSPHRASE or pass --passphrase-file");
  return purpose === "new" ? askNewPassphrase() : askPassphrase("Passphrase of the key file:");
}

async function askPassphrase(message: string, validate?: (value: string) => true | string): Promise<string> {
  const { default: password } = await import("@inquirer/password");
  // The prompt goes to standard error: standard output stays the command's answer.
  return password(
    { message, mask: true, validate: validate ?? ((v) => v.length > 0 || "the passphrase is empty") },
    {
      output: process.stderr,
    },
  );
}

async function askNewPassphrase(): Promise<string> {
  const first = await askPassphrase("Passphrase for the new key file:");
  await askPassphrase("The same passphrase again:", (v) => v === first || "not the same passphrase");
  return first;
}

export async function identity(options: GlobalOptions): Promise<Identity> {
  if (!options.key) throw new CliError("this command signs as you: pass --key <key file> (or set PDL_KEY)");
  const file = await readKeyFile(options.key);
  if (file.algorithm !== "sm2") throw new CliError(`${options.key} is not an SM2 key`);
  if (!file.orgId) throw new CliError(`${options.key} names no organisation (keygen --org)`);
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
    throw new CliError(`${path === "-" ? "standard input" : path} is not JSON: ${(err as Error).message}`);
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
