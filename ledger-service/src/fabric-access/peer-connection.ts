import { readFile } from "node:fs/promises";
import * as grpc from "@grpc/grpc-js";
import { clientIdentityFromPem, type ClientIdentity } from "./identity.ts";

/**
 * How anyone reaches a Fabric peer: the service's backend (chain/fabric) and a verifier
 * confirming an anchor with its own identity (client/anchors). Settings come from the service
 * configuration or a verifier's peer file.
 */
/** The `fabric` section of the service configuration (and the shape of a verifier's peer file). */
export interface FabricConfig {
  readonly peerEndpoint?: string;
  readonly tlsCertPath?: string;
  readonly hostAlias?: string;
  readonly mspId?: string;
  readonly certPath?: string;
  readonly keyPath?: string;
  readonly channel: string;
  readonly chaincode: string;
}

const PEER_SETTINGS = ["peerEndpoint", "mspId", "certPath", "keyPath"] as const;
export type PeerSetting = (typeof PEER_SETTINGS)[number];

/** The settings `dialPeer` needs that `config` lacks, in a fixed order. */
export function missingPeerSettings(config: Partial<FabricConfig>): PeerSetting[] {
  return PEER_SETTINGS.filter((field) => !config[field]);
}

/** The gRPC connection to the configured peer and the client identity read from PEM files. */
export async function dialPeer(config: FabricConfig): Promise<{ client: grpc.Client; identity: ClientIdentity }> {
  const missing = missingPeerSettings(config);
  if (missing.length > 0) throw new Error(`the Fabric connection needs ${missing.join(", ")}`);
  const { peerEndpoint, mspId, certPath, keyPath } = config as Required<FabricConfig>;
  const identity = clientIdentityFromPem(mspId, await readFile(certPath), await readFile(keyPath));
  const credentials = config.tlsCertPath
    ? grpc.credentials.createSsl(await readFile(config.tlsCertPath))
    : grpc.credentials.createInsecure();
  const client = new grpc.Client(
    peerEndpoint,
    credentials,
    config.hostAlias ? { "grpc.ssl_target_name_override": config.hostAlias } : {},
  );
  return { client, identity };
}
