import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { hmacSm3 } from "../../../../core/crypto/sm3.ts";
import { sm4Open, sm4Seal } from "../../../../core/crypto/sm4.ts";
import { deriveDeliveryKeys, type DeliveryKeys } from "../trace-keys.ts";

/**
 * Key custody for leak tracing in the service (docs/TRACING.md, "Key custody").
 *
 * The service holds one trace master secret S (32 random bytes, made on first use). Every
 * tracing key derives from it with HMAC-SM3 and domain-separation labels (UTF-8, parts joined
 * by 0x00):
 *
 *   deliverySecret(org, d) = HMAC-SM3(S, "PDL-TRACE-v1/delivery-secret" ‖ 0 ‖ org ‖ 0 ‖ d)
 *   indexKey(org)          = HMAC-SM3(S, "PDL-TRACE-v1/org-index-key" ‖ 0 ‖ org)
 *
 * deliverySecret is the master secret M of trace-keys.ts for exactly one delivery d by organisation
 * org: `deriveDeliveryKeys(deliverySecret, d)` gives that delivery's watermark and fingerprint
 * keys. The operator's tool receives only this secret and its own organisation's index key, so it
 * learns nothing about other deliveries or other organisations' handles, and the service can
 * re-derive every key a supervisor's trace needs without storing it.
 *
 * At rest S is sealed with SM4 (SM4-CTR + HMAC-SM3, core/crypto/sm4.ts) under the storage key
 *
 *   storageKey = HMAC-SM3(agency SM2 private key, "PDL-TRACE-v1/storage-key")
 *
 * and the agency key is itself SM4-sealed under the service passphrase (keys/keyring.ts), so one
 * secret (LEDGER_AGENCY_PASSPHRASE) protects all of them. The same storage key seals the keys
 * deposited in the fingerprint store.
 */
export const CUSTODY_LABELS = {
  storageKey: "PDL-TRACE-v1/storage-key",
  master: "PDL-TRACE-v1/service-master",
  deliverySecret: "PDL-TRACE-v1/delivery-secret",
  orgIndexKey: "PDL-TRACE-v1/org-index-key",
} as const;

const MASTER_FILE = "master.sealed";

function labelled(label: string, ...parts: string[]): Buffer {
  return Buffer.concat([Buffer.from(label, "utf8"), ...parts.flatMap((p) => [Buffer.of(0), Buffer.from(p, "utf8")])]);
}

/** The 32-byte key that seals tracing secrets at rest, from the agency's SM2 private key (hex). */
export function storageKeyFrom(agencyPrivateKeyHex: string): Buffer {
  if (!/^[0-9a-f]{64}$/.test(agencyPrivateKeyHex))
    throw new RangeError("the agency private key must be 64 lowercase hex characters");
  return hmacSm3(Buffer.from(agencyPrivateKeyHex, "hex"), CUSTODY_LABELS.storageKey);
}

export class TraceVault {
  private constructor(private readonly master: Buffer) {}

  /** Opens <dir>/master.sealed with the storage key, creating it on first use. */
  static async open(dir: string, storageKey: Uint8Array): Promise<TraceVault> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, MASTER_FILE);
    const aad = Buffer.from(CUSTODY_LABELS.master, "utf8");
    const sealed = await readFile(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return undefined;
      throw err;
    });
    if (sealed) return new TraceVault(sm4Open(storageKey, sealed, aad));
    const master = randomBytes(32);
    const tmp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
    await writeFile(tmp, sm4Seal(storageKey, master, aad), { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, path);
    return new TraceVault(master);
  }

  deliverySecret(orgId: string, deliveryId: string): Buffer {
    return hmacSm3(this.master, labelled(CUSTODY_LABELS.deliverySecret, orgId, deliveryId));
  }

  deliveryKeys(orgId: string, deliveryId: string): DeliveryKeys {
    return deriveDeliveryKeys(this.deliverySecret(orgId, deliveryId), deliveryId);
  }

  indexKey(orgId: string): Buffer {
    return hmacSm3(this.master, labelled(CUSTODY_LABELS.orgIndexKey, orgId));
  }
}
