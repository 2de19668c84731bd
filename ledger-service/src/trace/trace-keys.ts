import { sm3 } from "../../../core/crypto/sm3.ts";
import { hmacSm3 } from "../../../core/crypto/sm3.ts";
import { sm4Open, sm4Seal } from "../../../core/crypto/sm4.ts";

/**
 * Per-delivery key material for leak tracing.
 *
 * All keys come from the operator's master secret M (≥ 32 bytes, kept by the operator's tool)
 * with HMAC-SM3 and domain-separation labels (L ‖ 0x00 ‖ delivery id, UTF-8):
 *
 *   watermarkKey   = HMAC-SM3(M, "PDL-TRACE-v1/watermark-key"   ‖ 0x00 ‖ deliveryId)
 *   fingerprintKey = HMAC-SM3(M, "PDL-TRACE-v1/fingerprint-key" ‖ 0x00 ‖ deliveryId)
 *   indexKey       = HMAC-SM3(M, "PDL-TRACE-v1/index-key")   (one per operator, not per delivery)
 *
 *   watermarkCommitment = SM3("PDL-TRACE-v1/watermark-commitment" ‖ 0x00 ‖ watermarkKey)
 *
 * The commitment goes on chain with the delivery; revealing watermarkKey later (to a supervisor
 * or a court) lets anyone check it against the commitment. Keys at rest are sealed with
 * SM4-CTR + HMAC-SM3 (`core/crypto/sm4.ts`) under a 32-byte storage key, with the delivery id as
 * associated data so a sealed blob cannot be swapped between deliveries.
 */
export const LABELS = {
  watermarkKey: "PDL-TRACE-v1/watermark-key",
  fingerprintKey: "PDL-TRACE-v1/fingerprint-key",
  indexKey: "PDL-TRACE-v1/index-key",
  watermarkCommitment: "PDL-TRACE-v1/watermark-commitment",
  sealedDeliveryKeys: "PDL-TRACE-v1/sealed-delivery-keys",
  sealedIndexKey: "PDL-TRACE-v1/sealed-index-key",
} as const;

export const MIN_MASTER_SECRET_BYTES = 32;

export interface DeliveryKeys {
  readonly deliveryId: string;
  readonly watermarkKey: Buffer;
  readonly fingerprintKey: Buffer;
}

function labelled(label: string, ...parts: string[]): Buffer {
  return Buffer.concat([Buffer.from(label, "utf8"), ...parts.flatMap((p) => [Buffer.of(0), Buffer.from(p, "utf8")])]);
}

function checkMaster(masterSecret: Uint8Array): void {
  if (!(masterSecret instanceof Uint8Array) || masterSecret.length < MIN_MASTER_SECRET_BYTES) {
    throw new RangeError(`the operator master secret must be at least ${MIN_MASTER_SECRET_BYTES} bytes`);
  }
}

function checkDeliveryId(deliveryId: string): void {
  if (
    typeof deliveryId !== "string" ||
    deliveryId.length === 0 ||
    deliveryId.length > 256 ||
    deliveryId.includes("\u0000")
  ) {
    throw new RangeError("a delivery id must be a non-empty string of at most 256 characters without NUL");
  }
}

export function deriveDeliveryKeys(masterSecret: Uint8Array, deliveryId: string): DeliveryKeys {
  checkMaster(masterSecret);
  checkDeliveryId(deliveryId);
  return {
    deliveryId,
    watermarkKey: hmacSm3(masterSecret, labelled(LABELS.watermarkKey, deliveryId)),
    fingerprintKey: hmacSm3(masterSecret, labelled(LABELS.fingerprintKey, deliveryId)),
  };
}

export function deriveIndexKey(masterSecret: Uint8Array): Buffer {
  checkMaster(masterSecret);
  return hmacSm3(masterSecret, Buffer.from(LABELS.indexKey, "utf8"));
}

/** SM3("PDL-TRACE-v1/watermark-commitment" ‖ 0x00 ‖ watermarkKey), lowercase hex. */
export function watermarkCommitment(watermarkKey: Uint8Array): string {
  return sm3(Buffer.concat([Buffer.from(LABELS.watermarkCommitment, "utf8"), Buffer.of(0), watermarkKey])).toString(
    "hex",
  );
}

export function verifyWatermarkCommitment(watermarkKey: Uint8Array, commitmentHex: string): boolean {
  return watermarkCommitment(watermarkKey) === commitmentHex.toLowerCase();
}

/** Seals a delivery's keys with SM4 under a 32-byte storage key (AAD = label ‖ 0 ‖ delivery id). */
export function sealDeliveryKeys(storageKey: Uint8Array, keys: DeliveryKeys): Buffer {
  checkDeliveryId(keys.deliveryId);
  return sm4Seal(
    storageKey,
    Buffer.concat([keys.watermarkKey, keys.fingerprintKey]),
    labelled(LABELS.sealedDeliveryKeys, keys.deliveryId),
  );
}

export function openDeliveryKeys(storageKey: Uint8Array, deliveryId: string, sealed: Uint8Array): DeliveryKeys {
  const plain = sm4Open(storageKey, sealed, labelled(LABELS.sealedDeliveryKeys, deliveryId));
  if (plain.length !== 64) throw new Error("sealed delivery keys have the wrong length");
  return { deliveryId, watermarkKey: plain.subarray(0, 32), fingerprintKey: plain.subarray(32, 64) };
}

export function sealIndexKey(storageKey: Uint8Array, indexKey: Uint8Array): Buffer {
  return sm4Seal(storageKey, indexKey, Buffer.from(LABELS.sealedIndexKey, "utf8"));
}

export function openIndexKey(storageKey: Uint8Array, sealed: Uint8Array): Buffer {
  return sm4Open(storageKey, sealed, Buffer.from(LABELS.sealedIndexKey, "utf8"));
}
