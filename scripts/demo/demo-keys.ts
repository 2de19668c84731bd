import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileExists, newSm2Key, openKeyFile, sealKey, writeKeyFile, type UnsealedKey } from "../../core/keyfile.ts";
import type { Identity } from "../../ledger-service/src/client/sdk/ledger-client.ts";

/**
 * The demo's keys. The agency signs with its bootstrap key (<dataDir>/keys/agency.key.json,
 * created by the service on first start); every other organisation gets an SM2 key generated
 * here on first use and kept under <dataDir>/demo-keys/, sealed with the same passphrase, so a
 * second run signs as the same organisations.
 */

/** LEDGER_AGENCY_PASSPHRASE, else the passphrase the service generated in <dataDir>/keys/passphrase. */
export async function keyPassphrase(
  dataDir: string,
  env: Record<string, string | undefined> = process.env,
): Promise<string> {
  if (env.LEDGER_AGENCY_PASSPHRASE) return env.LEDGER_AGENCY_PASSPHRASE;
  const path = join(dataDir, "keys", "passphrase");
  if (!(await fileExists(path))) {
    throw new Error(
      `no key passphrase: set LEDGER_AGENCY_PASSPHRASE or start the service once with this data directory (${dataDir}) so that it creates ${path}`,
    );
  }
  return (await readFile(path, "utf8")).trim();
}

export async function agencyIdentity(dataDir: string, passphrase: string): Promise<Identity & { path: string }> {
  const path = join(dataDir, "keys", "agency.key.json");
  if (!(await fileExists(path)))
    throw new Error(
      `the agency's bootstrap key ${path} does not exist: point LEDGER_DATA_DIR at the service's data directory`,
    );
  let key: UnsealedKey;
  try {
    key = await openKeyFile(path, passphrase);
  } catch (err) {
    throw new Error(
      `cannot open ${path} with the passphrase (LEDGER_AGENCY_PASSPHRASE or keys/passphrase): ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (!key.orgId) throw new Error(`${path} names no organisation`);
  return { orgId: key.orgId, privateKey: key.privateKey, path };
}

export interface DemoKey extends Identity {
  readonly publicKey: string;
  /** True when this run generated the key. */
  readonly created: boolean;
}

/** The demo key of an organisation: opened from <dataDir>/demo-keys/<key>.key.json, or generated and stored there. */
export async function demoKey(
  dataDir: string,
  passphrase: string,
  catalogKey: string,
  orgId: string,
): Promise<DemoKey> {
  const path = join(dataDir, "demo-keys", `${catalogKey}.key.json`);
  if (await fileExists(path)) {
    const key = await openKeyFile(path, passphrase);
    if (key.orgId !== orgId) throw new Error(`${path} belongs to ${key.orgId ?? "no organisation"}, not ${orgId}`);
    return { orgId, privateKey: key.privateKey, publicKey: key.publicKey, created: false };
  }
  const key = newSm2Key(`demo-${catalogKey}`, orgId);
  await writeKeyFile(path, sealKey(key, passphrase));
  return { orgId, privateKey: key.privateKey, publicKey: key.publicKey, created: true };
}
