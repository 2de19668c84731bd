import * as grpc from "@grpc/grpc-js";
import type { SignedRecord } from "../../../core/record.ts";
import type { OverdueGrant, StateView, ViewKey } from "../../../core/views.ts";
import { FabricBackend } from "../../../ledger-service/src/chain/fabric/fabric-backend.ts";
import { clientIdentity } from "../../../ledger-service/src/fabric-access/identity.ts";
import { startEmulatedNetwork } from "../../fabric/emulator/network.ts";
import { createFabricIdentity } from "../../fabric/identities.ts";
import type { ConformanceIdentity, ConformanceVariant } from "../variant.ts";

/**
 * The chaincode over the wire: every scenario goes through the service's FabricBackend
 * (@hyperledger/fabric-gateway over gRPC) to the peer emulator, which runs the bundled
 * chaincode under `fabric-chaincode-node server` (one process for the whole run). Each actor
 * submits with its own X.509 identity, as in the in-process variant (MSP + pdl.org attribute;
 * the agency also carries pdl.role=agency).
 *
 * Two emulator test hooks stand in for what a real network cannot do: `reset()` gives each
 * scenario a fresh ledger on the same chaincode connection, and `setClock(time)` makes the
 * submitted transaction carry exactly the scenario's time (the gateway client stamps proposals
 * with the wall clock).
 */
export async function createFabricGrpcVariant(): Promise<ConformanceVariant> {
  const net = await startEmulatedNetwork({ channel: "pdl", chaincodeName: "pdl" });
  const client = new grpc.Client(net.emulator.address, grpc.credentials.createInsecure());
  const backends = new Map<string, Promise<FabricBackend>>();

  async function backendOf(orgId: string): Promise<FabricBackend> {
    const backend = backends.get(orgId);
    if (!backend) throw new Error(`${orgId} is not enrolled`);
    return backend;
  }
  const reader = () => backendOf([...backends.keys()][0]!);

  return {
    name: "fabric-chaincode (gRPC peer emulator)",
    verifiesSignatures: true,
    async reset() {
      net.emulator.reset();
    },
    async enrol(identity: ConformanceIdentity) {
      if (backends.has(identity.orgId)) return;
      const attributes: Record<string, string> = { "pdl.org": identity.orgId };
      if (identity.role === "agency") attributes["pdl.role"] = "agency";
      backends.set(
        identity.orgId,
        (async () => {
          await net.trust(identity.mspId);
          const id = await createFabricIdentity({ mspId: identity.mspId, commonName: identity.orgId, attributes });
          // No conflict retries: scenarios are sequential, so a conflict would be a bug to see.
          return FabricBackend.connect({
            client,
            identity: clientIdentity(id.mspId, id.certificatePem, id.privateKey),
            channel: "pdl",
            chaincode: "pdl",
            conflictRetries: 0,
          });
        })(),
      );
    },
    async submit(signed: SignedRecord, time: number, submitter?: string) {
      const backend = await backendOf(submitter ?? signed.record.actor);
      net.emulator.setClock(time);
      try {
        await backend.submit(signed);
      } finally {
        net.emulator.setClock(undefined);
      }
    },
    async view(key: ViewKey): Promise<StateView | undefined> {
      return (await reader()).view(key);
    },
    async overdue(time: number): Promise<OverdueGrant[]> {
      return (await reader()).overdue(time);
    },
    async close() {
      for (const backend of backends.values()) await (await backend).close();
      client.close();
      await net.stop();
    },
  };
}
