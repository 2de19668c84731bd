import { LedgerError } from "../../../core/errors.ts";
import { fabricFunctionName } from "../../../core/operations.ts";
import type { SignedRecord } from "../../../core/record.ts";
import type { OverdueGrant, StateView, ViewKey } from "../../../core/views.ts";
import { createFabricIdentity, type FabricIdentity } from "../../fabric/identities.ts";
import { InProcessPeer, ledgerErrorFrom } from "../../fabric/in-process-peer.ts";
import type { ConformanceIdentity, ConformanceVariant } from "../variant.ts";

/**
 * The chaincode's contracts in process on the Fabric-semantics ledger, each actor submitting
 * with its own X.509 identity (MSP + pdl.org attribute; the agency also carries pdl.role=agency).
 */
export function createFabricInProcessVariant(): ConformanceVariant {
  let peer = new InProcessPeer();
  const identities = new Map<string, Promise<FabricIdentity>>();

  async function identityOf(orgId: string): Promise<FabricIdentity> {
    const id = identities.get(orgId);
    if (!id) throw new Error(`${orgId} is not enrolled`);
    return id;
  }

  return {
    name: "fabric-chaincode (in-process)",
    verifiesSignatures: true,
    async reset() {
      peer = new InProcessPeer();
    },
    async enrol(identity: ConformanceIdentity) {
      if (identities.has(identity.orgId)) return;
      const attributes: Record<string, string> = { "pdl.org": identity.orgId };
      if (identity.role === "agency") attributes["pdl.role"] = "agency";
      identities.set(
        identity.orgId,
        createFabricIdentity({ mspId: identity.mspId, commonName: identity.orgId, attributes }),
      );
    },
    async submit(signed: SignedRecord, time: number, submitter?: string) {
      const creator = await identityOf(submitter ?? signed.record.actor);
      try {
        await peer.submit({
          fn: fabricFunctionName(signed.record.op),
          args: [JSON.stringify(signed)],
          creator,
          timestamp: time,
        });
      } catch (err) {
        throw ledgerErrorFrom(err);
      }
    },
    async view(key: ViewKey): Promise<StateView | undefined> {
      const creator = await identityOf([...identities.keys()][0]!);
      try {
        return JSON.parse(await peer.evaluate({ fn: "query:get", args: [key.kind, key.id], creator })) as StateView;
      } catch (err) {
        const e = ledgerErrorFrom(err);
        if (e instanceof LedgerError && e.code === "NOT_FOUND") return undefined;
        throw e;
      }
    },
    async overdue(time: number): Promise<OverdueGrant[]> {
      const creator = await identityOf([...identities.keys()][0]!);
      return JSON.parse(await peer.evaluate({ fn: "query:overdue", args: [String(time)], creator })) as OverdueGrant[];
    },
    async close() {},
  };
}
