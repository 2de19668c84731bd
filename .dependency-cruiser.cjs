/**
 * The layering rules of the project (docs/CONTRIBUTING.md), checked by `npm run lint`
 * (depcruise). test/layering.test.ts shows each rule failing on a wrong import.
 *
 *   core/  <-  chaincode/, contracts' tooling
 *   core/  <-  ledger-service libraries (log/, trace/, fabric-access/)  <-  client/  and  server
 *   server = http/, domain/, chain/, indexes/, keys/, crypto/, storage/, trace/service/ and the
 *            top-level modules of ledger-service/src (service.ts, config.ts, main.ts, …)
 */
const SERVER =
  "^ledger-service/src/(http|domain|chain|indexes|keys|crypto|trace/service)/|^ledger-service/src/[^/]+\\.ts$";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "No import cycles anywhere.",
      from: {},
      to: { circular: true },
    },
    {
      name: "core-is-self-contained",
      severity: "error",
      comment: "core/ imports nothing of the project outside core/.",
      from: { path: "^core/" },
      to: { path: "^(?!core/)", dependencyTypesNot: ["npm", "npm-dev", "npm-optional", "npm-peer", "core"] },
    },
    {
      name: "chaincode-imports-only-core",
      severity: "error",
      comment: "The chaincode is the production rule engine: it depends on core/ only.",
      from: { path: "^chaincode/" },
      to: {
        path: "^(?!(chaincode|core)/)",
        dependencyTypesNot: ["npm", "npm-dev", "npm-optional", "npm-peer", "core"],
      },
    },
    {
      name: "client-never-imports-the-server",
      severity: "error",
      comment: "What runs on an operator's or supervisor's machine (client/) never imports the server.",
      from: { path: "^ledger-service/src/client/" },
      to: { path: SERVER },
    },
    {
      name: "libraries-never-import-the-server",
      severity: "error",
      comment:
        "log/, trace/ (but trace/service/), fabric-access/ and storage/ are libraries for the client and the server alike.",
      from: {
        path: "^ledger-service/src/(log|trace|fabric-access|storage)/",
        pathNot: "^ledger-service/src/trace/service/",
      },
      to: { path: SERVER },
    },
    {
      name: "libraries-never-import-the-client",
      severity: "error",
      from: { path: "^ledger-service/src/(log|trace|fabric-access|storage)/" },
      to: { path: "^ledger-service/src/client/" },
    },
    {
      name: "server-never-imports-the-client",
      severity: "error",
      comment: "The server and the client share core/ and the libraries, never each other.",
      from: { path: SERVER },
      to: { path: "^ledger-service/src/client/" },
    },
    {
      name: "domain-never-imports-http",
      severity: "error",
      comment: "The domain throws LedgerError; only the HTTP layer knows about requests and statuses.",
      from: { path: "^ledger-service/src/domain/" },
      to: { path: "^ledger-service/src/http/" },
    },
    {
      name: "only-entry-points-import-the-service",
      severity: "error",
      comment: "service.ts wires everything together: only entry points (main.ts, scripts, tests) import it.",
      from: { pathNot: "^(ledger-service/src/main\\.ts|scripts/|test/)" },
      to: { path: "^ledger-service/src/service\\.ts$" },
    },
    {
      name: "console-imports-core-and-the-client-sdk",
      severity: "error",
      comment: "The web console runs in the browser on core/ and the client SDK only.",
      from: { path: "^ledger-service/console/" },
      to: {
        path: "^(?!(ledger-service/console|core|ledger-service/src/client/sdk)/)",
        dependencyTypesNot: ["npm", "npm-dev", "npm-optional", "npm-peer", "core"],
      },
    },
    {
      name: "console-never-imports-node-builtins",
      severity: "error",
      comment:
        "The console runs in the browser: Node's modules reach it only through core/, aliased to src/platform/ by its build.",
      from: { path: "^ledger-service/console/src/" },
      // "buffer" is the npm package of that name in the browser build.
      to: { dependencyTypes: ["core"], pathNot: "^buffer$" },
    },
    {
      name: "product-code-never-imports-tests",
      severity: "error",
      from: { path: "^(core|chaincode|contracts|ledger-service|scripts|bin|ignition)/" },
      to: { path: "^test/" },
    },
    {
      name: "no-unresolvable-imports",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: {
      path: "^(node_modules|artifacts|cache|types|coverage|chaincode/dist|chaincode/node_modules|data|ledger-service/console/dist)/",
    },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
