import { createHash } from "node:crypto";
import { CHAINCODE_DIR, buildChaincode } from "../../../scripts/build-chaincode.ts";
import { caCertificatePem } from "../identities.ts";
import { ChaincodeServer } from "./chaincode-server.ts";
import { PeerEmulator } from "./emulator.ts";

/**
 * TEST ONLY. A one-peer "network": a chaincode package running under
 * `fabric-chaincode-node server` as a child process, and the peer emulator dialling it and
 * serving the gateway. By default the chaincode is this repository's, freshly bundled
 * (npm run build:chaincode), on channel "pdl" under the name "pdl".
 */
export interface EmulatedNetworkOptions {
  readonly channel?: string;
  readonly chaincodeName?: string;
  /** A chaincode package directory; default: build and use chaincode/. */
  readonly modulePath?: string;
  /** MSPs whose test CA (test/fabric/identities.ts) the channel trusts. */
  readonly mspIds?: readonly string[];
  readonly queryBatchSize?: number;
}

export interface EmulatedNetwork {
  readonly emulator: PeerEmulator;
  readonly chaincode: ChaincodeServer;
  /** Trusts the test CA of `mspId` (identities created later with createFabricIdentity). */
  trust(mspId: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startEmulatedNetwork(options: EmulatedNetworkOptions = {}): Promise<EmulatedNetwork> {
  const channel = options.channel ?? "pdl";
  const chaincodeName = options.chaincodeName ?? "pdl";
  let modulePath = options.modulePath;
  if (modulePath === undefined) {
    await buildChaincode();
    modulePath = CHAINCODE_DIR;
  }
  // A package id looks like "<label>:<sha256 of the package>"; the path stands in for the package.
  const chaincodeId = `${chaincodeName}_1.0:${createHash("sha256").update(modulePath).digest("hex")}`;
  const chaincode = await ChaincodeServer.start({ modulePath, chaincodeId, localMspId: "PeerMSP" });
  let emulator: PeerEmulator;
  try {
    emulator = await PeerEmulator.start({
      channel,
      chaincodeName,
      chaincodeAddress: chaincode.address,
      chaincodeId,
      ...(options.queryBatchSize ? { queryBatchSize: options.queryBatchSize } : {}),
    });
  } catch (err) {
    await chaincode.stop();
    throw new Error(
      `the peer emulator could not reach the chaincode: ${err instanceof Error ? err.message : String(err)}\n${chaincode.describeExit()}`,
      { cause: err },
    );
  }
  const trusted = new Set<string>();
  const trust = async (mspId: string) => {
    if (trusted.has(mspId)) return;
    trusted.add(mspId);
    emulator.trust(mspId, await caCertificatePem(mspId));
  };
  for (const mspId of options.mspIds ?? []) await trust(mspId);
  return {
    emulator,
    chaincode,
    trust,
    async stop() {
      await emulator.stop();
      await chaincode.stop();
    },
  };
}
