import { readdirSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

/**
 * Builds the web console (ledger-service/console → ledger-service/console/dist) with Vite.
 * `--if-stale` (what `npm start` runs) builds only when dist/ is missing or older than a source
 * file of the console or of core/ and the client SDK it bundles.
 */
const root = fileURLToPath(new URL("../", import.meta.url));
const consoleDir = join(root, "ledger-service/console");
const stamp = join(consoleDir, "dist/index.html");

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "dist" || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function stale(): boolean {
  if (!existsSync(stamp)) return true;
  const sources = [consoleDir, join(root, "core"), join(root, "ledger-service/src/client/sdk")];
  return Math.max(...sources.map(newest), statSync(join(root, "package-lock.json")).mtimeMs) > statSync(stamp).mtimeMs;
}

if (process.argv.includes("--if-stale") && !stale()) process.exit(0);
const started = Date.now();
await build({ configFile: join(consoleDir, "vite.config.ts") });
console.log(`web console built in ${((Date.now() - started) / 1000).toFixed(1)} s: ledger-service/console/dist`);
