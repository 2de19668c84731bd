import "../fabric/quiet.ts";
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { runScenario, type ScenarioResult } from "./runner.ts";
import { SCENARIOS } from "./scenarios/index.ts";
import type { Scenario } from "../../scripts/scenarios/scenario.ts";
import type { ConformanceVariant } from "./variant.ts";

/**
 * `npm run test:conformance`: every scenario on every chain variant available, one line per
 * variant ("<variant>: N passed, M failed"), and a failure for any scenario whose steps came
 * out differently on two variants. Exit status 0 only when everything passed and agreed.
 */
const { values } = parseArgs({
  options: {
    variant: { type: "string", multiple: true },
    grep: { type: "string" },
    verbose: { type: "boolean", short: "v" },
  },
});

type Factory = () => Promise<ConformanceVariant>;
const here = new URL(".", import.meta.url);
const FACTORIES: [string, string, string][] = [
  // The gRPC variant is loaded first on purpose: fabric-shim (in-process variant) bundles an
  // older @hyperledger/fabric-protos, and jspb's generated classes share one global namespace,
  // so the two copies are not independent. Loaded after the shim's copy, the emulator's
  // messages fail grpc's "Expected argument of type protos.ChaincodeMessage" check; loaded
  // before it, both variants pass (the same order mocha's file order gives the unit tests).
  ["fabric-grpc", "./variants/fabric-grpc.ts", "createFabricGrpcVariant"],
  ["fabric", "./variants/fabric-in-process.ts", "createFabricInProcessVariant"],
  ["evm", "./variants/evm.ts", "createEvmVariant"],
  ["embedded", "./variants/embedded.ts", "createEmbeddedVariant"],
];

async function loadVariants(): Promise<{ key: string; create: Factory }[]> {
  const found = [];
  for (const [key, file, exported] of FACTORIES) {
    if (values.variant && !values.variant.includes(key)) continue;
    if (!existsSync(new URL(file, here))) {
      console.log(`${key}: not available (${file} missing)`);
      continue;
    }
    const mod = (await import(new URL(file, here).href)) as Record<string, Factory>;
    const create = mod[exported];
    if (typeof create !== "function") throw new Error(`${file} does not export ${exported}`);
    found.push({ key, create: async () => create() });
  }
  return found;
}

const scenarios = SCENARIOS.filter((s) => !values.grep || s.name.includes(values.grep));
const names = new Set<string>();
for (const s of scenarios) {
  if (names.has(s.name)) throw new Error(`duplicate scenario name: ${s.name}`);
  names.add(s.name);
}

const applies = (s: Scenario, v: ConformanceVariant) => s.requires !== "verifies-signatures" || v.verifiesSignatures;

const results = new Map<string, Map<string, ScenarioResult>>();
const lines: string[] = [];
let failed = false;
for (const { create } of await loadVariants()) {
  const variant = await create();
  const byScenario = new Map<string, ScenarioResult>();
  let passed = 0;
  let failedHere = 0;
  const started = Date.now();
  try {
    for (const scenario of scenarios) {
      if (!applies(scenario, variant)) continue;
      let result: ScenarioResult;
      try {
        result = await runScenario(variant, scenario);
      } catch (err) {
        result = {
          scenario: scenario.name,
          trace: ["crash"],
          failures: [`crashed: ${err instanceof Error ? err.stack : String(err)}`],
        };
      }
      byScenario.set(scenario.name, result);
      if (result.failures.length === 0) passed++;
      else {
        failedHere++;
        console.log(`✗ [${variant.name}] ${scenario.name}\n    ${result.failures.join("\n    ")}`);
      }
      if (values.verbose) console.log(`  [${variant.name}] ${scenario.name}\n    ${result.trace.join("\n    ")}`);
    }
  } finally {
    await variant.close();
  }
  results.set(variant.name, byScenario);
  if (failedHere > 0) failed = true;
  lines.push(
    `${variant.name}: ${passed} passed, ${failedHere} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
}

// Cross-variant agreement: the same scenario must produce the same trace everywhere.
const variantNames = [...results.keys()];
let disagreements = 0;
for (const scenario of scenarios) {
  const traces = variantNames
    .map((v) => [v, results.get(v)?.get(scenario.name)] as const)
    .filter(([, r]) => r !== undefined);
  for (let i = 1; i < traces.length; i++) {
    const [va, a] = traces[0]!;
    const [vb, b] = traces[i]!;
    const diff = a!.trace.findIndex((line, j) => line !== b!.trace[j]);
    if (diff >= 0 || a!.trace.length !== b!.trace.length) {
      disagreements++;
      const j = diff >= 0 ? diff : Math.min(a!.trace.length, b!.trace.length);
      console.log(
        `≠ ${scenario.name}: ${va} and ${vb} disagree\n    ${va}: ${a!.trace[j] ?? "(end)"}\n    ${vb}: ${b!.trace[j] ?? "(end)"}`,
      );
    }
  }
}

const onlySome = scenarios.filter((s) => s.requires).length;
console.log("");
for (const line of lines) console.log(line);
console.log(
  `${scenarios.length} scenarios; ${onlySome} need a chain that verifies SM2 signatures itself (Fabric) and are skipped where the service verifies them instead (EVM).`,
);
if (variantNames.length > 1)
  console.log(
    disagreements === 0
      ? `all ${variantNames.length} variants agree on every shared scenario`
      : `${disagreements} disagreement(s) between variants`,
  );
process.exitCode = failed || disagreements > 0 || variantNames.length === 0 ? 1 : 0;
