import { build } from "esbuild";
import { fileURLToPath } from "node:url";

/**
 * Bundles the chaincode and the shared core it imports into one CommonJS file,
 * chaincode/dist/index.cjs (CommonJS, which fabric-shim require()s), so `chaincode/` is a self-contained Fabric chaincode package:
 * package.json + dist/. fabric-contract-api and fabric-shim stay external because the shim
 * loads the contracts with its own copy of the contract API and the two must be the same module.
 * Node 18 is the oldest runtime of Fabric 2.5's nodeenv image.
 */
const root = fileURLToPath(new URL("..", import.meta.url));
export const CHAINCODE_DIR = `${root}chaincode`;

export async function buildChaincode(): Promise<void> {
  await build({
    entryPoints: [`${CHAINCODE_DIR}/src/index.ts`],
    outfile: `${CHAINCODE_DIR}/dist/index.cjs`,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node18",
    external: ["fabric-contract-api", "fabric-shim"],
    sourcemap: "linked",
    legalComments: "none",
    logLevel: "warning",
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildChaincode();
