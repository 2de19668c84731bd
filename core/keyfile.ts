import { randomBytes } from "node:crypto";
import { access, chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { generateKeyPair, publicKeyFromPrivate } from "./crypto/sm2.ts";
import { openWithPassphrase, sealWithPassphrase } from "./crypto/sm4.ts";
import { PublicKeyHex } from "./records/common.ts";
import { validate } from "./validate.ts";

/**
 * Key files: an SM2 key pair (or a secp256k1 EVM key) with the private key sealed by SM4-CTR +
 * HMAC-SM3 under a passphrase (scrypt). The public half stays readable so tools can show whose
 * key it is without the passphrase. The key's purpose and public key are bound into the MAC as
 * associated data, so a sealed key cannot be relabelled.
 */
export const KeyFileSchema = z.strictObject({
  v: z.literal(1),
  purpose: z.string().regex(/^[a-z][a-z0-9-]*$/),
  algorithm: z.enum(["sm2", "secp256k1"]),
  orgId: z.string().optional(),
  publicKey: z.string(),
  sealed: z.unknown(),
});
export type KeyFile = z.infer<typeof KeyFileSchema>;

export interface UnsealedKey {
  readonly purpose: string;
  readonly algorithm: "sm2" | "secp256k1";
  readonly orgId: string | undefined;
  readonly publicKey: string;
  readonly privateKey: string;
}

function aad(file: Pick<KeyFile, "purpose" | "algorithm" | "publicKey">): Buffer {
  return Buffer.from(`pdl-key\n${file.purpose}\n${file.algorithm}\n${file.publicKey}`, "utf8");
}

export function sealKey(
  key: Omit<UnsealedKey, "publicKey"> & { publicKey?: string },
  passphrase: string,
  options?: { scryptN?: number },
): KeyFile {
  const publicKey = key.publicKey ?? publicKeyFromPrivate(key.privateKey);
  if (key.algorithm === "sm2") validate(PublicKeyHex, publicKey, "public key");
  const head = { purpose: key.purpose, algorithm: key.algorithm, publicKey };
  const sealed = sealWithPassphrase(Buffer.from(key.privateKey, "utf8"), passphrase, aad(head), options);
  return { v: 1, ...head, ...(key.orgId ? { orgId: key.orgId } : {}), sealed };
}

/**
 * A key file that cannot be used: missing, not a key file, or sealed under another passphrase.
 * The message is one line for people, naming the file; `words` has it in English and Chinese.
 */
export class KeyFileError extends Error {
  constructor(
    readonly words: { readonly en: string; readonly zh: string },
    readonly path: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(words.en, options);
    this.name = "KeyFileError";
  }
}

/** Opens the sealed private key; `path` only names the file in the error. */
export function openKey(file: KeyFile, passphrase: string, path?: string): UnsealedKey {
  const named = { en: path ?? `the ${file.purpose} key file`, zh: path ?? `${file.purpose} 密钥文件` };
  let privateKey: string;
  try {
    privateKey = openWithPassphrase(
      file.sealed as Parameters<typeof openWithPassphrase>[0],
      passphrase,
      aad(file),
    ).toString("utf8");
  } catch (err) {
    // The MAC covers the sealed key and its label: a wrong passphrase and an altered file look alike.
    throw new KeyFileError(
      {
        en: `wrong passphrase for ${named.en} (or the file was altered)`,
        zh: `${named.zh} 的口令错误（或文件已被改动）`,
      },
      path,
      { cause: err },
    );
  }
  if (file.algorithm === "sm2" && publicKeyFromPrivate(privateKey) !== file.publicKey) {
    throw new KeyFileError(
      { en: `${named.en}: the private key does not match the public key`, zh: `${named.zh}：私钥与公钥不匹配` },
      path,
    );
  }
  return { purpose: file.purpose, algorithm: file.algorithm, orgId: file.orgId, publicKey: file.publicKey, privateKey };
}

export async function readKeyFile(path: string): Promise<KeyFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why =
      code === "ENOENT"
        ? { en: "does not exist", zh: "不存在" }
        : code === "EISDIR"
          ? { en: "is a directory", zh: "是一个目录" }
          : { en: `cannot be read (${code})`, zh: `无法读取（${code}）` };
    throw new KeyFileError({ en: `the key file ${path} ${why.en}`, zh: `密钥文件 ${path} ${why.zh}` }, path, {
      cause: err,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new KeyFileError(
      {
        en: `${path} is not a key file (not JSON; pdl keygen writes one)`,
        zh: `${path} 不是密钥文件（不是 JSON；pdl keygen 可生成密钥文件）`,
      },
      path,
      { cause: err },
    );
  }
  const file = KeyFileSchema.safeParse(parsed);
  if (!file.success) {
    const first = file.error.issues[0]!;
    const where = first.path.length > 0 ? `${first.path.join(".")}: ` : "";
    throw new KeyFileError(
      {
        en: `${path} is not a key file (${where}${first.message}; pdl keygen writes one)`,
        zh: `${path} 不是密钥文件（${where}${first.message}；pdl keygen 可生成密钥文件）`,
      },
      path,
    );
  }
  return file.data;
}

/** Reads and opens a sealed key file, each failure a KeyFileError naming the file. */
export async function openKeyFile(path: string, passphrase: string): Promise<UnsealedKey> {
  return openKey(await readKeyFile(path), passphrase, path);
}

/** Writes atomically (temp file + rename) with owner-only permissions. */
export async function writeKeyFile(path: string, file: KeyFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(tmp, JSON.stringify(file, null, 2) + "\n", { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

export function newSm2Key(purpose: string, orgId?: string): UnsealedKey {
  const pair = generateKeyPair();
  return { purpose, algorithm: "sm2", orgId, publicKey: pair.publicKey, privateKey: pair.privateKey };
}

/** Whether a key (or passphrase) file is there. */
export async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
