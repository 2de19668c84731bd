import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";

/**
 * The layering rules of .dependency-cruiser.cjs, run as `npm run lint:layers` runs them, on a
 * small tree laid out like the repository: each rule passes on an allowed import and fails,
 * naming itself, on the forbidden one.
 */
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DEPCRUISE = join(ROOT, "node_modules", ".bin", "depcruise");
const CONFIG = join(ROOT, ".dependency-cruiser.cjs");

type Tree = Record<string, string>;

/** A file that imports each of `targets` (paths relative to the tree root). */
function importing(from: string, ...targets: string[]): string {
  return targets
    .map((target, i) => {
      const rel = relative(dirname(from), target);
      return `import * as m${i} from "${rel.startsWith(".") ? rel : "./" + rel}";\nexport const x${i} = m${i};`;
    })
    .join("\n");
}

/** The modules the probes import: one of each layer. */
const BASE: Tree = {
  "core/errors.ts": "export const E = 1;",
  "chaincode/src/engine.ts": importing("chaincode/src/engine.ts", "core/errors.ts"),
  "ledger-service/src/log/merkle-log.ts": importing("ledger-service/src/log/merkle-log.ts", "core/errors.ts"),
  "ledger-service/src/http/app.ts": importing("ledger-service/src/http/app.ts", "ledger-service/src/domain/access.ts"),
  "ledger-service/src/domain/access.ts": importing("ledger-service/src/domain/access.ts", "core/errors.ts"),
  "ledger-service/src/service.ts": importing("ledger-service/src/service.ts", "ledger-service/src/http/app.ts"),
  "ledger-service/src/main.ts": importing("ledger-service/src/main.ts", "ledger-service/src/service.ts"),
  "ledger-service/src/client/sdk/ledger-client.ts": importing(
    "ledger-service/src/client/sdk/ledger-client.ts",
    "core/errors.ts",
    "ledger-service/src/log/merkle-log.ts",
  ),
  "test/helpers.ts": importing("test/helpers.ts", "ledger-service/src/service.ts"),
  "scripts/demo.ts": importing("scripts/demo.ts", "ledger-service/src/service.ts"),
};

async function lintLayers(extra: Tree): Promise<{ code: number; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), "pdl-layers-"));
  try {
    const tree: Tree = {
      ...BASE,
      ...extra,
      "tsconfig.json": JSON.stringify({
        compilerOptions: {
          allowImportingTsExtensions: true,
          noEmit: true,
          module: "NodeNext",
          moduleResolution: "NodeNext",
        },
      }),
    };
    for (const [path, text] of Object.entries(tree)) {
      await mkdir(join(dir, dirname(path)), { recursive: true });
      await writeFile(join(dir, path), text + "\n");
    }
    return await new Promise((resolve) => {
      execFile(
        DEPCRUISE,
        ["--config", CONFIG, "--output-type", "err", "core", "chaincode", "ledger-service", "scripts", "test"],
        { cwd: dir, timeout: 60_000 },
        (err, stdout, stderr) => {
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr });
        },
      );
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const PROBES: { rule: string; file: string; imports: string[] }[] = [
  { rule: "core-is-self-contained", file: "core/records.ts", imports: ["ledger-service/src/log/merkle-log.ts"] },
  {
    rule: "chaincode-imports-only-core",
    file: "chaincode/src/contract.ts",
    imports: ["ledger-service/src/log/merkle-log.ts"],
  },
  {
    rule: "client-never-imports-the-server",
    file: "ledger-service/src/client/cli/pdl.ts",
    imports: ["ledger-service/src/http/app.ts"],
  },
  {
    rule: "server-never-imports-the-client",
    file: "ledger-service/src/http/routes.ts",
    imports: ["ledger-service/src/client/sdk/ledger-client.ts"],
  },
  {
    rule: "libraries-never-import-the-server",
    file: "ledger-service/src/log/receipt.ts",
    imports: ["ledger-service/src/domain/access.ts"],
  },
  {
    rule: "domain-never-imports-http",
    file: "ledger-service/src/domain/lineage-graph.ts",
    imports: ["ledger-service/src/http/app.ts"],
  },
  {
    rule: "only-entry-points-import-the-service",
    file: "ledger-service/src/domain/reports.ts",
    imports: ["ledger-service/src/service.ts"],
  },
  { rule: "product-code-never-imports-tests", file: "scripts/bench.ts", imports: ["test/helpers.ts"] },
  {
    rule: "console-imports-core-and-the-client-sdk",
    file: "ledger-service/console/src/app.ts",
    imports: ["ledger-service/src/http/app.ts"],
  },
];

describe("layering rules (npm run lint:layers)", function () {
  this.timeout(120_000);

  it("passes on a tree whose imports follow the rules", async () => {
    const allowed = await lintLayers({
      "ledger-service/console/src/app.ts": importing(
        "ledger-service/console/src/app.ts",
        "core/errors.ts",
        "ledger-service/src/client/sdk/ledger-client.ts",
      ),
    });
    expect(allowed.code, allowed.output).to.equal(0);
  });

  for (const probe of PROBES) {
    it(`fails ${probe.rule} on ${probe.file} importing ${probe.imports.join(", ")}`, async () => {
      const run = await lintLayers({ [probe.file]: importing(probe.file, ...probe.imports) });
      expect(run.code, run.output).to.not.equal(0);
      expect(run.output).to.include(probe.rule);
    });
  }

  it("fails console-never-imports-node-builtins on a console page importing node:fs", async () => {
    const run = await lintLayers({
      "ledger-service/console/src/page.ts": 'import { readFileSync } from "node:fs";\nexport const r = readFileSync;',
    });
    expect(run.code, run.output).to.not.equal(0);
    expect(run.output).to.include("console-never-imports-node-builtins");
  });

  it("fails no-cycles on two modules importing each other", async () => {
    const run = await lintLayers({
      "ledger-service/src/log/a.ts": importing("ledger-service/src/log/a.ts", "ledger-service/src/log/b.ts"),
      "ledger-service/src/log/b.ts": importing("ledger-service/src/log/b.ts", "ledger-service/src/log/a.ts"),
    });
    expect(run.code, run.output).to.not.equal(0);
    expect(run.output).to.include("no-cycles");
  });
});
