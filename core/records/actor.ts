import { z } from "zod";
import { EvmAddress, Hash, OrgId, PublicKeyHex, Role, Text } from "./common.ts";

/**
 * Actor registration: an organisation (by its unified social credit code), its one role, its
 * SM2 public key, and how it appears on each chain: an EVM address, and a Fabric identity
 * (MSP id, plus optionally the SM3 digest of its DER certificate; without the digest any
 * certificate of that MSP carrying the CA attribute pdl.org = orgId is accepted).
 */
export const FabricIdentity = z.strictObject({
  mspId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/, "must be an MSP id"),
  certSm3: Hash.optional(),
});

export const Actor = z.strictObject({
  orgId: OrgId,
  name: Text(128),
  role: Role,
  publicKey: PublicKeyHex,
  evmAddress: EvmAddress.optional(),
  fabric: FabricIdentity.optional(),
});
export type Actor = z.infer<typeof Actor>;
