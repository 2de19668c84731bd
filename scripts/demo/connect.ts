import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { loadArtifact } from "../../ledger-service/src/chain/evm/artifacts.ts";
import type { Config } from "../../ledger-service/src/config.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";

/**
 * Finds the ledger service at `url` (GET /healthz), or starts one in this process on the
 * configured data directory and on the port of `url` when nothing answers there.
 */
export interface Connection {
  readonly baseUrl: string;
  /** The in-process service, when the demo started one. */
  readonly service?: RunningService;
}

export async function answers(url: string, timeoutMs = 1500): Promise<boolean> {
  try {
    const res = await fetch(`${url.replace(/\/$/, "")}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * The embedded chain deploys the registry from Hardhat's artifacts, which are build output:
 * `npm start` builds them first, `npm run demo` alone does not. Build them when they are missing.
 */
export function ensureContractArtifacts(): void {
  try {
    loadArtifact("Registry");
    return;
  } catch {
    // missing: build below
  }
  console.log("Contract artifacts are missing: building them (hardhat build --quiet)…");
  const cli = fileURLToPath(new URL("../../node_modules/hardhat/dist/src/cli.js", import.meta.url));
  const cwd = fileURLToPath(new URL("../../", import.meta.url));
  const built = spawnSync(process.execPath, [cli, "build", "--quiet"], { cwd, stdio: "inherit" });
  if (built.status !== 0)
    throw new Error(
      `hardhat build failed (exit ${built.status ?? built.signal}): run "npm run build:contracts" and try again`,
    );
}

export async function connectOrStart(url: string, config: Config): Promise<Connection> {
  if (await answers(url)) return { baseUrl: url.replace(/\/$/, "") };
  const { hostname, port } = new URL(url);
  const local = hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]";
  if (!local)
    throw new Error(
      `no ledger service answers at ${url}, and the demo only starts one itself on this machine (PDL_URL on 127.0.0.1 or localhost)`,
    );
  ensureContractArtifacts();
  // Start where the demo was told to look (PDL_URL), on the same data directory as `npm start`.
  const service = await startService({ ...config, ...(port ? { port: Number(port) } : {}) });
  const address = service.address();
  const host = address.address.includes(":") ? `[${address.address}]` : address.address;
  return { baseUrl: `http://${host}:${address.port}`, service };
}
