import type { Context } from "fabric-contract-api";
import { Contract } from "./fabric-api.ts";
import type { OperationName } from "../../../core/operations.ts";
import { Ledger } from "../ledger/ledger.ts";
import { execute } from "../engine/engine.ts";
import type { Submitter, TxContext } from "../engine/tx.ts";
import { StubWorldState, txTime } from "./stub-state.ts";

/** DER bytes of the PEM certificate the creator presented. */
function certificateDer(idBytes: Uint8Array): Uint8Array {
  const pem = Buffer.from(idBytes).toString("utf8");
  const body = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  return Buffer.from(body, "base64");
}

export function submitterOf(ctx: Context): Submitter {
  const identity = ctx.clientIdentity as unknown as {
    getMSPID(): string;
    getIDBytes(): Uint8Array;
    attrs?: Record<string, string>;
  };
  return {
    mspId: identity.getMSPID(),
    certificateDer: certificateDer(identity.getIDBytes()),
    attributes: identity.attrs ?? {},
  };
}

export function txContextOf(ctx: Context): TxContext {
  return {
    ledger: new Ledger(new StubWorldState(ctx.stub)),
    now: txTime(ctx.stub),
    txId: ctx.stub.getTxID(),
    submitter: submitterOf(ctx),
  };
}

/**
 * Base of the registry's contracts: each write takes the signed record as JSON, runs the
 * rulebook and emits one event named after the operation (past tense) whose payload carries
 * the record kind, id, SM3 record hash and the signed record itself.
 */
export abstract class LedgerContract extends Contract {
  protected async run(ctx: Context, op: OperationName, signedJson: string): Promise<string> {
    const event = await execute(txContextOf(ctx), op, signedJson);
    ctx.stub.setEvent(event.name, Buffer.from(JSON.stringify(event.payload), "utf8"));
    return JSON.stringify({ id: event.payload.id, recordHash: event.payload.recordHash, event: event.name });
  }

  /** The transaction body of `op` (registry-contracts.ts defines one per operation with it). */
  static transaction(op: OperationName) {
    return async function (this: LedgerContract, ctx: Context, signedRecord: string): Promise<string> {
      return this.run(ctx, op, signedRecord);
    };
  }
}
