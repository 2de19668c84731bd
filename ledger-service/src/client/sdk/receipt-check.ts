import { parseVerifierKey } from "../../log/checkpoint.ts";
import { verifyReceiptOffline, type ReceiptVerification } from "../../log/receipt.ts";

export type { ReceiptCheck, ReceiptVerification } from "../../log/receipt.ts";

/**
 * A receipt checked with nothing but a log key the verifier trusts, as `pdl verify-receipt` does
 * offline: the key is the log's SM2 public key (04…, 130 hex characters) or its signed-note
 * verifier key (name+id+base64, as GET /v1/public/checkpoint publishes it), whose name then
 * names the signer too. The receipt may come wrapped in a write's answer (`{receipt: …}`).
 * Untrusted input: a malformed receipt or key is a failed check, never an exception.
 */
export function checkReceipt(receiptText: string, logKeyText: string): ReceiptVerification {
  let doc: unknown;
  try {
    doc = JSON.parse(receiptText);
  } catch (err) {
    return failed("format", `the receipt is not JSON: ${(err as Error).message}`);
  }
  if (doc && typeof doc === "object" && "receipt" in doc && typeof doc.receipt === "object") doc = doc.receipt;
  const key = logKeyText.trim();
  if (/^04[0-9a-f]{128}$/i.test(key)) return verifyReceiptOffline(doc, key.toLowerCase());
  let vkey: { keyName: string; publicKey: string };
  try {
    vkey = parseVerifierKey(key);
  } catch (err) {
    return failed(
      "log key",
      `the log key is neither an SM2 public key (04 and 128 hex characters) nor a verifier key: ${(err as Error).message}`,
    );
  }
  return verifyReceiptOffline(doc, vkey.publicKey.toLowerCase(), vkey.keyName);
}

function failed(name: string, detail: string): ReceiptVerification {
  return { ok: false, checks: [{ name, ok: false, detail }] };
}
