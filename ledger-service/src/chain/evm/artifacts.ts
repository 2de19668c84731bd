import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Interface, type InterfaceAbi } from "ethers";

/**
 * The registry's compiled contracts, read at run time from Hardhat's artifacts
 * (`npm run build:contracts`, also run by `npm test` and `npm run bench:gas`). Artifacts are
 * build output and never committed.
 */
export const MODULES = [
  "ActorModule",
  "GrantModule",
  "PartnerModule",
  "ProductModule",
  "ViewModule",
  "OversightModule",
  "ServiceListModule",
  "RevenueModule",
] as const;
export type ModuleName = (typeof MODULES)[number];

export interface Artifact {
  readonly contractName: string;
  readonly abi: InterfaceAbi;
  readonly bytecode: string;
}

const root = new URL("../../../../", import.meta.url);

export function loadArtifact(name: ModuleName | "Registry"): Artifact {
  const path =
    name === "Registry"
      ? `artifacts/contracts/Registry.sol/Registry.json`
      : `artifacts/contracts/modules/${name}.sol/${name}.json`;
  try {
    return JSON.parse(readFileSync(fileURLToPath(new URL(path, root)), "utf8")) as Artifact;
  } catch (err) {
    throw new Error(`contract artifact ${path} is missing: run "npm run build:contracts" first`, { cause: err });
  }
}

let combined: Interface | undefined;

/** One interface for the registry address: every module's functions, events and errors. */
export function registryInterface(): Interface {
  if (!combined) {
    const fragments = new Map<string, unknown>();
    for (const name of [...MODULES, "Registry"] as const) {
      for (const fragment of loadArtifact(name).abi as { type: string; name?: string; inputs?: { type: string }[] }[]) {
        if (fragment.type === "constructor" || fragment.type === "fallback") continue;
        const key = `${fragment.type}:${fragment.name}:${(fragment.inputs ?? []).map((i) => i.type).join(",")}`;
        fragments.set(key, fragment);
      }
    }
    combined = new Interface([...fragments.values()] as InterfaceAbi);
  }
  return combined;
}
