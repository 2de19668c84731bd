import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { Interface } from "ethers";
import { loadArtifact, MODULES } from "../../ledger-service/src/chain/evm/artifacts.ts";

/**
 * Deploys the Public Data Ledger registry with Hardhat Ignition: the five modules, then the
 * routing facade with each module's function selectors. The deploying account becomes the
 * registry's deployer, the only account allowed to bootstrap the agency.
 *
 *   npx hardhat ignition deploy ignition/modules/Registry.ts --network rpc
 *
 * (The service and the tests deploy the same way in code: deployRegistry in
 * ledger-service/src/chain/evm/registry-client.ts.)
 */
export default buildModule("PublicDataLedgerRegistry", (m) => {
  const modules = MODULES.map((name) => m.contract(name));
  const selectors = MODULES.map((name) => {
    const fns: string[] = [];
    new Interface(loadArtifact(name).abi).forEachFunction((f) => fns.push(f.selector));
    return fns;
  });
  const registry = m.contract("Registry", [modules, selectors]);
  return { registry, ...Object.fromEntries(MODULES.map((name, i) => [name, modules[i]!])) };
});
