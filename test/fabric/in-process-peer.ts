import shim from "fabric-shim";
import type { ChaincodeStub } from "fabric-shim";
import type { Context } from "fabric-contract-api";
import { contracts } from "../../chaincode/src/index.ts";
import { LedgerError, isErrorCode } from "../../core/errors.ts";
import type { FabricIdentity } from "./identities.ts";
import { FabricLedger, prefixRange, type CommittedTx, type TxSimulator } from "./semantics/world-state.ts";

/**
 * The chaincode's contracts executed in process on the Fabric-semantics ledger: each call is
 * simulated against committed state through a stub with the shim's method names (and the real
 * fabric-shim ClientIdentity parsing the creator's certificate), then ordered into its own
 * block and validated. This is the chaincode's fast test path; the wire path runs the same
 * contracts under `fabric-chaincode-node server` behind the peer emulator.
 */
type ContractInstance = Record<string, (ctx: Context, ...args: string[]) => Promise<string>>;

export interface Invocation {
  readonly fn: string; // "grant:issue"
  readonly args: readonly string[];
  readonly creator: FabricIdentity;
  readonly timestamp: number;
}

export interface InvocationResult {
  readonly payload: string;
  readonly events: { name: string; payload: Buffer }[];
  readonly tx: CommittedTx;
}

export class InProcessPeer {
  readonly ledger = new FabricLedger();
  private readonly byName = new Map<string, ContractInstance>();
  private txCounter = 0;

  constructor(readonly channel = "pdl") {
    for (const C of contracts) {
      const instance = new C() as unknown as ContractInstance & { getName(): string };
      this.byName.set(instance.getName(), instance);
    }
  }

  /** Simulates without committing (an evaluate, or the endorsement of a submit). */
  async endorse(
    inv: Invocation,
  ): Promise<{ payload: string; events: { name: string; payload: Buffer }[]; simulator: TxSimulator; txId: string }> {
    const [contractName = "", fnName = ""] = inv.fn.split(":");
    const contract = this.byName.get(contractName);
    const method = contract?.[fnName];
    if (!contract || typeof method !== "function") throw new Error(`no function ${inv.fn}`);
    const txId = `tx${(++this.txCounter).toString().padStart(12, "0")}`;
    const simulator = this.ledger.simulate();
    const events: { name: string; payload: Buffer }[] = [];
    const stub = harnessStub(simulator, inv, txId, this.channel, events);
    const ctx = {
      stub,
      clientIdentity: new shim.ClientIdentity(stub as unknown as ChaincodeStub),
    } as unknown as Context;
    const payload = await method.call(contract, ctx, ...inv.args);
    return { payload, events, simulator, txId };
  }

  async evaluate(inv: Omit<Invocation, "timestamp">): Promise<string> {
    return (await this.endorse({ ...inv, timestamp: 0 })).payload;
  }

  /** Endorses and commits in a block of its own; rule failures reject with LedgerError. */
  async submit(inv: Invocation): Promise<InvocationResult> {
    const endorsed = await this.endorse(inv);
    const [tx] = this.ledger.commitBlock([
      { txId: endorsed.txId, timestamp: inv.timestamp, rwset: endorsed.simulator.rwset() },
    ]);
    if (!tx || tx.code !== "VALID") throw new Error(`transaction ${endorsed.txId} invalid: ${tx?.code}`);
    return { payload: endorsed.payload, events: endorsed.events, tx };
  }
}

/** Rethrows a chaincode error message "CODE: …" as the LedgerError it came from. */
export function ledgerErrorFrom(err: unknown): unknown {
  if (err instanceof LedgerError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = /\b([A-Z][A-Z_]+[A-Z]):/.exec(message)?.[1];
  return code && isErrorCode(code) ? new LedgerError(code) : err;
}

function iterator<T>(items: AsyncIterable<T>) {
  const it = items[Symbol.asyncIterator]();
  return {
    [Symbol.asyncIterator]: () => it,
    next: () => it.next(),
    close: async () => undefined,
  };
}

/** The subset of ChaincodeStub the contracts and ClientIdentity use, over a simulator. */
function harnessStub(
  sim: TxSimulator,
  inv: Invocation,
  txId: string,
  channel: string,
  events: { name: string; payload: Buffer }[],
) {
  return {
    getTxID: () => txId,
    getChannelID: () => channel,
    getCreator: () => ({ mspid: inv.creator.mspId, idBytes: Buffer.from(inv.creator.certificatePem, "utf8") }),
    getTxTimestamp: () => ({ seconds: inv.timestamp, nanos: 0 }),
    getState: async (key: string) => (await sim.getState(key)) ?? Buffer.alloc(0),
    putState: (key: string, value: Uint8Array) => sim.putState(key, value),
    deleteState: (key: string) => sim.deleteState(key),
    getStateByPartialCompositeKey: (objectType: string, attributes: string[]) =>
      iterator(sim.range(prefixRange(objectType, attributes))),
    getHistoryForKey: (key: string) =>
      iterator(
        (async function* () {
          for await (const e of sim.history(key))
            yield { txId: e.txId, timestamp: { seconds: e.timestamp, nanos: 0 }, isDelete: e.isDelete, value: e.value };
        })(),
      ),
    setEvent: (name: string, payload: Uint8Array) => {
      events.splice(0, events.length, { name, payload: Buffer.from(payload) });
    },
  };
}
