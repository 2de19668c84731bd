import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/**
 * The `pdl` package as operators install it: the CLI, the client SDK and core compiled and
 * bundled by esbuild into plain JavaScript with every dependency inside (`npm i -g ./pdl-*.tgz`
 * needs no registry and no TypeScript at run time). The chain clients (ethers, Fabric gRPC) are
 * separate chunks that load only when a receipt's anchor is confirmed on chain.
 */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ENTRY = join(ROOT, "ledger-service/src/client/cli/pdl.ts");

export interface CliPackage {
  /** The unpacked package directory (bin/, lib/, package.json). */
  readonly dir: string;
  /** The packed tarball, pdl-<version>.tgz. */
  readonly tarball: string;
  readonly version: string;
}

export async function buildCliPackage(outDir = join(ROOT, "dist")): Promise<CliPackage> {
  const root = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    version: string;
    license: string;
    engines: { node: string };
  };
  const dir = join(outDir, "pdl");
  rmSync(dir, { recursive: true, force: true });
  await build({
    entryPoints: { pdl: ENTRY },
    outdir: join(dir, "lib"),
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node22",
    minify: true,
    legalComments: "linked",
    // Fabric's HSM signer (a native addon) is loaded only for HSM identities, which pdl never uses.
    external: ["pkcs11js"],
    // Some bundled CommonJS packages require Node's modules; an ES module has no `require` of its own.
    banner: {
      js: 'import { createRequire as __pdlRequire } from "node:module"; const require = __pdlRequire(import.meta.url);',
    },
    logLevel: "warning",
  });
  mkdirSync(join(dir, "bin"), { recursive: true });
  const bin = join(dir, "bin/pdl.js");
  writeFileSync(bin, '#!/usr/bin/env node\nimport "../lib/pdl.js";\n');
  chmodSync(bin, 0o755);
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify(
      {
        name: "pdl",
        version: root.version,
        description:
          "Public Data Ledger command line: sign and submit records, read evidence, verify receipts, deliver and trace datasets",
        type: "module",
        license: root.license,
        engines: root.engines,
        bin: { pdl: "bin/pdl.js" },
        files: ["bin", "lib"],
      },
      null,
      2,
    ) + "\n",
  );
  const packed = execFileSync("npm", ["pack", "--silent", "--pack-destination", outDir], {
    cwd: dir,
    encoding: "utf8",
  });
  return { dir, tarball: join(outDir, packed.trim().split("\n").pop()!), version: root.version };
}

/**
 * Installs the tarball globally under `prefix` as an operator would (`npm i -g`), offline, with
 * an empty npm cache and a registry nobody answers: it succeeds only if nothing is fetched.
 */
export function installCliPackage(tarball: string, prefix: string, scratch: string): void {
  const install = spawnSync(
    "npm",
    [
      "install",
      "--global",
      "--prefix",
      prefix,
      "--offline",
      "--cache",
      join(scratch, "npm-cache"),
      "--registry",
      "http://127.0.0.1:9/",
      "--no-audit",
      "--no-fund",
      tarball,
    ],
    { cwd: scratch, encoding: "utf8", env: { ...process.env, npm_config_userconfig: join(scratch, "npmrc") } },
  );
  if (install.status !== 0) throw new Error(`npm install -g ${tarball} failed: ${install.stderr}`);
}
