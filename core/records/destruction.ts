import { z } from "zod";
import { Hash, Id, Text, Timestamp } from "./common.ts";

/**
 * Destruction certificate (销毁证明): on exit or revocation the operator and each approved partner
 * certify, within 30 days, the return or destruction of each asset class (expert review item 7).
 * An empty asset list certifies that the holder kept nothing of that class.
 */
export const ASSET_CLASSES = ["raw-data", "derived-models", "traded-products"] as const;
export const AssetClass = z.enum(ASSET_CLASSES);
export type AssetClass = z.infer<typeof AssetClass>;

export const DestroyedAsset = z.strictObject({ hash: Hash, description: Text(256) });

export const DestructionCertificate = z.strictObject({
  id: Id,
  grantId: Id,
  assetClass: AssetClass,
  assets: z.array(DestroyedAsset).max(1024, "must list at most 1024 assets"),
  method: Text(256),
  destroyedAt: Timestamp,
  witness: Text(128),
});
export type DestructionCertificate = z.infer<typeof DestructionCertificate>;
