import { openKey, KeyFileSchema } from "../../../../core/keyfile.ts";
import { LedgerClient } from "../../../src/client/sdk/ledger-client.ts";
import type { Language } from "../i18n/i18n.ts";

/**
 * Opens a sealed key file (core/keyfile.ts) with its passphrase, in the browser: the private key
 * never leaves this page. Loaded only when someone signs in, so the public pages do not carry
 * the SM2/SM4 code.
 */
export class WrongKeyFile extends Error {}
export class WrongPassphrase extends Error {}

export interface Unsealed {
  readonly orgId: string;
  readonly client: LedgerClient;
}

export function unsealKeyFile(text: string, passphrase: string, orgIdIfMissing: string, language: Language): Unsealed {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new WrongKeyFile("not JSON");
  }
  const file = KeyFileSchema.safeParse(parsed);
  if (!file.success || file.data.algorithm !== "sm2") throw new WrongKeyFile("not an SM2 key file");
  const orgId = file.data.orgId ?? orgIdIfMissing.trim();
  if (!orgId) throw new WrongKeyFile("no organisation code");
  let privateKey: string;
  try {
    privateKey = openKey(file.data, passphrase).privateKey;
  } catch {
    throw new WrongPassphrase("the passphrase does not open this key file");
  }
  const client = new LedgerClient({ baseUrl: window.location.origin, identity: { orgId, privateKey }, language });
  return { orgId, client };
}
