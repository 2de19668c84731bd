import type { SignedRecord } from "../../core/record.ts";
import type { ConformanceIdentity } from "../../scripts/scenarios/world.ts";

export type { ConformanceIdentity };
import type { OverdueGrant, StateView, ViewKey } from "../../core/views.ts";

/**
 * One chain variant under the conformance suite: the Solidity contracts on Hardhat's EVM, the
 * chaincode on the in-process Fabric harness, the chaincode behind the gRPC peer emulator.
 * Every scenario runs on a fresh chain.
 */
export interface ConformanceVariant {
  /** Printed as "<name>: N passed, M failed". */
  readonly name: string;
  /** Whether the chain itself verifies SM2 record signatures (Fabric does; the EVM cannot). */
  readonly verifiesSignatures: boolean;
  /** A fresh, empty chain whose clock starts at `genesisTime` (Unix seconds). */
  reset(genesisTime: number): Promise<void>;
  /**
   * Makes `identity` the submitter of later records by `orgId`: an EVM account, a Fabric
   * creator certificate. Called for every actor before it first signs anything.
   */
  enrol(identity: ConformanceIdentity): Promise<void>;
  /**
   * Submits the record in a transaction at exactly `time` (strictly increasing across calls),
   * sent by the enrolled identity of `submitter` (default: the record's author). Resolves when
   * accepted; rejects with a LedgerError carrying the rule's code otherwise.
   */
  submit(signed: SignedRecord, time: number, submitter?: string): Promise<void>;
  view(key: ViewKey): Promise<StateView | undefined>;
  overdue(time: number): Promise<OverdueGrant[]>;
  close(): Promise<void>;
}
