import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Wallet } from "ethers";
import type { Logger } from "../logger.ts";
import { fileExists, newSm2Key, openKeyFile, sealKey, writeKeyFile, type UnsealedKey } from "../../../core/keyfile.ts";

/**
 * The service's own keys, created on first start under <dataDir>/keys and sealed with one
 * passphrase:
 *  - agency.key.json (or the file LEDGER_AGENCY_KEY_FILE names, which must then exist and belong
 *    to the configured agency): the implementing agency's bootstrap SM2 key (the agency signs with it
 *    through the `pdl` CLI; the service uses it to bootstrap the agency on chain and to sign
 *    checkpoint anchors);
 *  - log.key.json: the SM2 key that signs log checkpoints and listing reports;
 *  - relay.key.json: the EVM account that submits transactions (bound to the agency on chain).
 *
 * The passphrase comes from LEDGER_AGENCY_PASSPHRASE. Without it, and only for the embedded
 * demo chain, a random passphrase is generated once and kept in <dataDir>/keys/passphrase
 * (owner-only) next to the keys it opens: convenient on a laptop, no protection at all on a
 * server, so a start on any other backend without the variable is refused.
 */
/** A key the service cannot use as configured: the message says which file and why. */
export class KeyringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyringError";
  }
}

export interface Keyring {
  readonly agency: UnsealedKey;
  readonly log: UnsealedKey;
  readonly relay: UnsealedKey;
  readonly paths: {
    readonly agency: string;
    readonly log: string;
    readonly relay: string;
    readonly passphrase?: string;
  };
}

async function resolvePassphrase(
  dir: string,
  env: Record<string, string | undefined>,
  logger: Logger,
  generatedFor: string | undefined,
): Promise<{ passphrase: string; path?: string }> {
  const fromEnv = env.LEDGER_AGENCY_PASSPHRASE;
  if (fromEnv) return { passphrase: fromEnv };
  if (generatedFor !== undefined)
    throw new KeyringError(
      `backend ${generatedFor} needs LEDGER_AGENCY_PASSPHRASE, the passphrase that seals the service's keys (a generated one kept next to the keys is for the embedded demo chain only)`,
    );
  const path = join(dir, "passphrase");
  if (!(await fileExists(path))) {
    await writeFile(path, randomBytes(24).toString("base64url") + "\n", { mode: 0o600 });
  }
  logger.warn(
    { path },
    "LEDGER_AGENCY_PASSPHRASE is not set: using a generated passphrase stored next to the keys (set the variable in production)",
  );
  return { passphrase: (await readFile(path, "utf8")).trim(), path };
}

async function loadOrCreate(
  path: string,
  passphrase: string,
  create: () => UnsealedKey,
  scryptN?: number,
): Promise<UnsealedKey> {
  if (await fileExists(path)) return openKeyFile(path, passphrase);
  const key = create();
  await writeKeyFile(path, sealKey(key, passphrase, scryptN ? { scryptN } : undefined));
  return key;
}

export interface AgencyKeySetting {
  readonly orgId: string;
  /** A sealed key file the agency brings; absent: <dataDir>/keys/agency.key.json, created when missing. */
  readonly keyFile?: string;
}

export async function openKeyring(
  dataDir: string,
  agencySetting: AgencyKeySetting,
  logger: Logger,
  env: Record<string, string | undefined> = process.env,
  options?: {
    scryptN?: number;
    /** The configured backend: only the embedded one may fall back to a generated passphrase. */
    backend?: string;
  },
): Promise<Keyring> {
  const dir = join(dataDir, "keys");
  const { mkdir } = await import("node:fs/promises");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { passphrase, path: passphrasePath } = await resolvePassphrase(
    dir,
    env,
    logger,
    options?.backend === undefined || options.backend === "embedded" ? undefined : options.backend,
  );
  const agencyOrgId = agencySetting.orgId;
  const paths = {
    agency: agencySetting.keyFile ?? join(dir, "agency.key.json"),
    log: join(dir, "log.key.json"),
    relay: join(dir, "relay.key.json"),
  };
  if (agencySetting.keyFile && !(await fileExists(agencySetting.keyFile)))
    throw new KeyringError(`the agency key file ${agencySetting.keyFile} (LEDGER_AGENCY_KEY_FILE) does not exist`);
  const agency = await loadOrCreate(paths.agency, passphrase, () => newSm2Key("agency", agencyOrgId), options?.scryptN);
  if (agency.orgId !== undefined && agency.orgId !== agencyOrgId) {
    throw new KeyringError(
      `the agency key ${paths.agency} belongs to ${agency.orgId}, not to the configured agency ${agencyOrgId} (LEDGER_AGENCY_ORG_ID)`,
    );
  }
  const log = await loadOrCreate(paths.log, passphrase, () => newSm2Key("log"), options?.scryptN);
  const relay = await loadOrCreate(
    paths.relay,
    passphrase,
    () => {
      const wallet = Wallet.createRandom();
      return {
        purpose: "relay",
        algorithm: "secp256k1",
        orgId: agencyOrgId,
        publicKey: wallet.address.toLowerCase(),
        privateKey: wallet.privateKey,
      };
    },
    options?.scryptN,
  );
  return { agency, log, relay, paths: { ...paths, ...(passphrasePath ? { passphrase: passphrasePath } : {}) } };
}
