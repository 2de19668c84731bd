import { build } from "esbuild";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Packages the probe chaincode as Fabric loads a Node chaincode: a directory with package.json
 * whose `main` is a CommonJS bundle; fabric-contract-api and fabric-shim stay external so the
 * shim and the contracts share one contract API. Returns the directory (a fresh temp dir).
 */
export async function packageProbeChaincode(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "pdl-probe-cc-"));
  await build({
    entryPoints: [fileURLToPath(new URL("./probe-chaincode.ts", import.meta.url))],
    outfile: join(dir, "index.js"),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node18",
    external: ["fabric-contract-api", "fabric-shim"],
    logLevel: "warning",
  });
  await writeFile(
    join(dir, "package.json"),
    JSON.stringify({ name: "probe-chaincode", version: "0.0.0", main: "index.js" }),
  );
  return dir;
}
