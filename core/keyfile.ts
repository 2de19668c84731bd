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

export function openKey(file: KeyFile, passphrase: string): UnsealedKey {
  const privateKey = openWithPassphrase(
    file.sealed as Parameters<typeof openWithPassphrase>[0],
    passphrase,
    aad(file),
  ).toString("utf8");
  if (file.algorithm === "sm2" && publicKeyFromPrivate(privateKey) !== file.publicKey) {
    throw new Error(`key file ${file.purpose}: the private key does not match the public key`);
  }
  return { purpose: file.purpose, algorithm: file.algorithm, orgId: file.orgId, publicKey: file.publicKey, privateKey };
}

export async function readKeyFile(path: string): Promise<KeyFile> {
  return validate(KeyFileSchema, JSON.parse(await readFile(path, "utf8")), `key file ${path}`);
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
