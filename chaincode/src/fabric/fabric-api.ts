import contractApi from "fabric-contract-api";

/**
 * fabric-contract-api is CommonJS whose exports Node's ESM loader cannot detect by name; import
 * it once, as a default, and re-export the values the contracts use.
 */
export const { Contract, Context, Info, Transaction } = contractApi;
export type { Context as ContractContext } from "fabric-contract-api";
