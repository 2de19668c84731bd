import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { OPERATION_NAMES, fabricFunctionName } from "../../core/operations.ts";
import { CHAINCODE_DIR, buildChaincode } from "../../scripts/build-chaincode.ts";

const run = promisify(execFile);
const require = createRequire(import.meta.url);

interface Metadata {
  contracts: Record<string, { transactions: { name: string; tag: string[] }[] }>;
}

/**
 * The chaincode as Fabric loads it: the package (chaincode/package.json + the bundled
 * dist/index.js) read by fabric-shim's own bootstrap, as a peer or a CCaaS container would.
 */
describe("chaincode package", function () {
  this.timeout(120_000);
  let metadata: Metadata;
  let dir: string;

  before(async () => {
    await buildChaincode();
    dir = await mkdtemp(join(tmpdir(), "pdl-cc-"));
    const cli = require.resolve("fabric-shim/cli");
    await run(
      process.execPath,
      [cli, "metadata", "generate", "--module-path", CHAINCODE_DIR, "--file", join(dir, "metadata")],
      {
        env: { ...process.env, CORE_CHAINCODE_LOGGING_LEVEL: "warning" },
      },
    );
    metadata = JSON.parse(await readFile(join(dir, "metadata.json"), "utf8")) as Metadata;
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("is a package whose main entry is the CommonJS bundle", async () => {
    const pkg = JSON.parse(await readFile(join(CHAINCODE_DIR, "package.json"), "utf8")) as Record<string, unknown>;
    expect(pkg.type, "the sources are ESM; the bundle is .cjs").to.equal("module");
    expect(pkg.main).to.equal("dist/index.cjs");
    expect(Object.keys(pkg.dependencies as object).sort()).to.deep.equal(["fabric-contract-api", "fabric-shim"]);
  });

  it("exposes every rulebook operation as a submit transaction", () => {
    for (const op of OPERATION_NAMES) {
      const [contract, fn] = fabricFunctionName(op).split(":") as [string, string];
      const tx = metadata.contracts[contract]?.transactions.find((t) => t.name === fn);
      expect(tx, `${op} → ${contract}:${fn}`).to.not.equal(undefined);
      expect(tx!.tag).to.include("SUBMIT");
    }
    // Nothing else: no helper of the contracts' base class is callable as a transaction.
    for (const [name, contract] of Object.entries(metadata.contracts)) {
      if (name === "query" || name.startsWith("org.hyperledger")) continue;
      const expected = OPERATION_NAMES.filter((op) => op.startsWith(`${name}.`)).map((op) => op.slice(name.length + 1));
      expect(contract.transactions.map((t) => t.name).sort(), name).to.deep.equal([...expected].sort());
    }
  });

  it("exposes the queries as evaluate-only transactions", () => {
    const query = metadata.contracts.query!.transactions;
    expect(query.map((t) => t.name).sort()).to.deep.equal([
      "certificatesOfGrant",
      "get",
      "grantsOf",
      "history",
      "hopsOfGrant",
      "hopsOfProduct",
      "overdue",
    ]);
    for (const t of query) expect(t.tag, t.name).to.not.include("SUBMIT");
  });
});
