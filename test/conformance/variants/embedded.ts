import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SignedRecord } from "../../../core/record.ts";
import type { OverdueGrant, StateView, ViewKey } from "../../../core/views.ts";
import type { Submitter } from "../../../chaincode/src/engine/tx.ts";
import { EmbeddedLedger } from "../../../ledger-service/src/chain/embedded/embedded-ledger.ts";
import type { ConformanceIdentity, ConformanceVariant } from "../variant.ts";

/**
 * The embedded default chain: the chaincode's engine on the durable LevelDB world state and
 * block store, a fresh store on disk per scenario, each actor submitting as its own identity
 * (MSP + pdl.org attribute; the agency also carries pdl.role=agency), each record in its own
 * block at exactly the step's time.
 */
export function createEmbeddedVariant(): ConformanceVariant {
  let chain: EmbeddedLedger | undefined;
  let dir: string | undefined;
  const identities = new Map<string, Submitter>();

  const current = (): EmbeddedLedger => {
    if (!chain) throw new Error("the embedded variant was not reset");
    return chain;
  };
  const close = async () => {
    await chain?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    chain = undefined;
    dir = undefined;
  };

  return {
    name: "embedded (chaincode engine on LevelDB)",
    verifiesSignatures: true,
    async reset(genesisTime: number) {
      await close();
      dir = await mkdtemp(join(tmpdir(), "pdl-conformance-embedded-"));
      chain = await EmbeddedLedger.open({ path: dir, wall: () => genesisTime });
    },
    async enrol(identity: ConformanceIdentity) {
      const attributes: Record<string, string> = { "pdl.org": identity.orgId };
      if (identity.role === "agency") attributes["pdl.role"] = "agency";
      identities.set(identity.orgId, { mspId: identity.mspId, certificateDer: new Uint8Array(), attributes });
    },
    async submit(signed: SignedRecord, time: number, submitter?: string) {
      const who = submitter ?? signed.record.actor;
      const identity = identities.get(who);
      if (!identity) throw new Error(`${who} is not enrolled`);
      const [outcome] = await current().commit([signed], { submitter: identity, time });
      if (!outcome!.ok) throw outcome!.error;
    },
    view(key: ViewKey): Promise<StateView | undefined> {
      return current().view(key);
    },
    overdue(time: number): Promise<OverdueGrant[]> {
      return current().overdue(time);
    },
    close,
  };
}
