import { REGISTRY_CONTRACTS } from "./fabric/registry-contracts.ts";
import { QueryContract } from "./fabric/query-contract.ts";

/**
 * The Public Data Ledger chaincode: the registry's contracts for fabric-contract-api. Started by
 * `fabric-chaincode-node start` (peer-launched) or `fabric-chaincode-node server`
 * (chaincode as a service).
 */
export const contracts = [...REGISTRY_CONTRACTS, QueryContract];

export { execute } from "./engine/engine.ts";
export { view, overdue } from "./engine/queries.ts";
export { Ledger } from "./ledger/ledger.ts";
export type { WorldState, HistoryEntry } from "./ledger/world-state.ts";
export type { Submitter, TxContext } from "./engine/tx.ts";
