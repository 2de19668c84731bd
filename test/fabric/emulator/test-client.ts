import * as grpc from "@grpc/grpc-js";
import {
  connect,
  hash,
  signers,
  type Contract,
  type Gateway,
  type Hash,
  type Network,
  type Signer,
} from "@hyperledger/fabric-gateway";
import type { FabricIdentity } from "../identities.ts";

/**
 * TEST ONLY. The real fabric-gateway client connected to an emulator endpoint with a test
 * identity: by default an ECDSA signer over SHA-256 digests, as a Fabric application would connect.
 */
export interface TestClient {
  readonly gateway: Gateway;
  readonly network: Network;
  readonly contract: Contract;
  close(): void;
}

export function connectTestClient(
  address: string,
  identity: FabricIdentity,
  options: { channel?: string; chaincode?: string; contract?: string; signer?: Signer; hash?: Hash } = {},
): TestClient {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const gateway = connect({
    client,
    identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificatePem, "utf8") },
    signer: options.signer ?? signers.newPrivateKeySigner(identity.privateKey),
    hash: options.hash ?? hash.sha256,
  });
  const network = gateway.getNetwork(options.channel ?? "pdl");
  return {
    gateway,
    network,
    contract: network.getContract(options.chaincode ?? "probe", options.contract),
    close() {
      gateway.close();
      client.close();
    },
  };
}
