import hre from "hardhat";
import { BrowserProvider, Wallet, type Eip1193Provider } from "ethers";
import type { SignedRecord } from "../core/record.ts";
import { deployRegistry, RegistryClient } from "../ledger-service/src/chain/evm/registry-client.ts";
import { schemaHashOf } from "../core/records/resource.ts";
import { deliverBody, delivery, h, hopBody, R1_FIELDS, withPartner } from "./scenarios/fixtures.ts";
import { isWrite, type StepContext, type WriteStep } from "./scenarios/scenario.ts";
import { GENESIS, MEMBERS, org, signAs } from "./scenarios/world.ts";
import { report, type Row } from "./bench/report.ts";

/**
 * bench:gas — gas used by each registry operation on Hardhat's EVM, replaying the conformance
 * suite's standard story (bootstrap, actors, resources, grant, product, hops, partner, delivery,
 * anchors, exit, certificates, close). Budgets: a lineage hop ≤ 180k, an anchor ≤ 60k.
 */
const connection = await hre.network.create({
  network: "default",
  override: { initialBaseFeePerGas: 0, initialDate: "2025-12-31T00:00:00Z" },
} as never);
const eip1193 = connection.provider as unknown as Eip1193Provider & {
  request(a: { method: string; params?: unknown[] }): Promise<unknown>;
};
const provider = new BrowserProvider(eip1193, undefined, { cacheTimeout: -1 });
const fee = { maxFeePerGas: 0n, maxPriorityFeePerGas: 0n };
const wallets = Object.fromEntries(Object.values(MEMBERS).map((m) => [m.orgId, new Wallet(m.evmPrivateKey, provider)]));
const client = new RegistryClient(await deployRegistry(wallets[org("agency")]!, fee), provider);

// A plain value transfer, measured on the same chain, as the baseline.
const funded = await provider.getSigner(0);
const transfer = await (await funded.sendTransaction({ to: MEMBERS.op.evmAddress, value: 1n })).wait();

const gas = new Map<string, bigint[]>();
let t = GENESIS;
const labels = new Map<string, number>();
async function run(step: WriteStep, key: string = step.op): Promise<void> {
  t += step.advance ?? 10;
  if (step.label) labels.set(step.label, t);
  const c: StepContext = { t, time: (l) => labels.get(l)! };
  const body = typeof step.body === "function" ? step.body(c) : step.body;
  const signed: SignedRecord = signAs(step.as, step.op, body, `gas#${gas.size}#${t}`);
  await eip1193.request({ method: "evm_setNextBlockTimestamp", params: [t] });
  const { gasUsed } = await client.submit(signed, wallets[org(step.as)]!, fee);
  gas.set(key, [...(gas.get(key) ?? []), gasUsed]);
}

for (const step of withPartner) if (isWrite(step)) await run(step);
await run(
  {
    as: "op",
    op: "lineage.hop",
    body: hopBody("H2", {
      operation: "fuse",
      inputs: [
        { kind: "artifact", hopId: "H1", hash: h("H1-out") },
        { kind: "resource", resourceId: "R1", version: 1, fields: ["a", "b", "c"], hash: h("R1-v1") },
      ],
    }),
  },
  "lineage.hop (2 inputs)",
);
await run(
  { as: "op", op: "lineage.hop", body: deliverBody("D1", { delivery: delivery({ consentRef: "C-1" }) }) },
  "lineage.hop (delivery)",
);
await run({ as: "pa", op: "lineage.hop", body: hopBody("H3") }, "lineage.hop (partner)");
await run({ as: "agency", op: "report.issue", body: { reportHash: h("report"), productId: "P1", verdict: "pass" } });
await run({ as: "ex", op: "product.list", body: { productId: "P1", reportHash: h("report") } });
await run({
  as: "op",
  op: "product.reprice",
  body: { productId: "P1", pricing: { model: "industry", chargeUnit: "per-call", priceFen: 400 } },
});
await run({ as: "ex", op: "product.delist", body: { productId: "P1", reason: "bench" } });
// The operations the story above does not reach, each once.
const R1_V2 = [...R1_FIELDS, { name: "d", type: "date", personalInfo: false } as const];
await run({
  as: "su1",
  op: "resource.review",
  body: { resourceId: "R1", schemaHash: schemaHashOf(R1_V2), decision: "approved", reportHash: h("review-v2") },
});
await run({
  as: "agency",
  op: "resource.version",
  body: {
    resourceId: "R1",
    version: 2,
    fields: R1_V2,
    grade: 2,
    gradeReason: "bench",
    schemaHash: schemaHashOf(R1_V2),
    note: "adds d",
  },
});
await run({
  as: "agency",
  op: "evaluation.record",
  body: { grantId: "G1", year: 2026, grade: "qualified", reportHash: h("eval-2026") },
});
await run({ as: "agency", op: "grant.suspend", body: { grantId: "G1", reason: "bench" } });
await run({ as: "agency", op: "grant.resume", body: { grantId: "G1", reason: "bench" } });
await run({ as: "op", op: "grant.exitNotice", body: { grantId: "G1", planHash: h("exit-plan") } });
await run(
  {
    as: "op",
    op: "partner.propose",
    body: {
      id: "A2",
      grantId: "G1",
      partner: org("pa2"),
      scope: [{ resourceId: "R1", fields: ["a"] }],
      products: ["P1"],
      validUntil: t + 86_400,
      jointLiabilityHash: h("jl2"),
    },
  },
  "partner.propose (second)",
);
await run({ as: "agency", op: "partner.revoke", body: { admissionId: "A2", reason: "bench" } });
await run({ as: "agency", op: "blacklist.add", body: { orgId: org("pa2"), reason: "bench" } });
await run(
  {
    as: "agency",
    op: "grant.issue",
    body: {
      id: "G2",
      grantee: org("op2"),
      scope: [{ resourceId: "R1", fields: ["a"] }],
      scenarios: ["bench"],
      validFrom: t,
      validUntil: t + 365 * 86_400,
      agreementHash: h("g2"),
    },
  },
  "grant.issue (one resource)",
);
await run({ as: "agency", op: "grant.exit", body: { grantId: "G2", kind: "violation", reason: "bench" } });
await run({ as: "agency", op: "resource.withdraw", body: { resourceId: "R2", reason: "bench" } });
for (let size = 1; size <= 4; size++) {
  await run(
    {
      as: "agency",
      op: "anchor.checkpoint",
      body: {
        origin: "ledger.example/log",
        treeSize: size * 1000,
        rootHash: h(`r${size}`),
        checkpointHash: h(`c${size}`),
      },
    },
    size === 1 ? "anchor.checkpoint (first of a log)" : "anchor.checkpoint",
  );
}
await run({ as: "agency", op: "grant.revoke", body: { grantId: "G1", reason: "bench" } });
for (const as of ["op", "pa"] as const) {
  for (const cls of ["raw-data", "derived-models", "traded-products"]) {
    await run({
      as,
      op: "destruction.certify",
      body: {
        id: `C-${as}-${cls}`,
        grantId: "G1",
        assetClass: cls,
        assets: [],
        method: "shredding",
        destroyedAt: GENESIS,
        witness: "notary",
      },
    });
  }
}
await run({ as: "agency", op: "grant.close", body: { grantId: "G1" } });
await connection.close();

// A hop's budget holds one fresh slot more than the hop's own two: the scope bits its output
// derives from (a partner's scope follows derived data, docs/RULEBOOK.md), 22.1k gas.
const BUDGETS: Record<string, string> = {
  "lineage.hop": "≤ 180000",
  "lineage.hop (2 inputs)": "≤ 180000",
  "lineage.hop (delivery)": "≤ 180000",
  "lineage.hop (partner)": "≤ 180000",
  "anchor.checkpoint": "≤ 60000",
};
const NOTES: Record<string, string> = {
  "lineage.hop":
    "includes the output's derivation: one fresh slot of the grant's scope bits (zero to non-zero SSTORE, 22.1k)",
  "anchor.checkpoint (first of a log)":
    "once per log origin: the first anchor stores the log's size in a fresh slot (zero to non-zero SSTORE, +17k); every later anchor is the budgeted figure",
};
const rows: Row[] = [{ subject: "plain transfer", metric: "gas", value: Number(transfer!.gasUsed), unit: "gas" }];
const summary: Record<string, number> = {};
for (const [op, used] of gas) {
  const max = Number(used.reduce((a, b) => (b > a ? b : a), 0n));
  summary[op] = max;
  rows.push({
    subject: op,
    metric: `gas (max of ${used.length})`,
    value: max,
    unit: "gas",
    baseline: "plain transfer",
    ...(BUDGETS[op] ? { target: BUDGETS[op] } : {}),
    ...(NOTES[op] ? { note: NOTES[op] } : {}),
  });
}
report("gas", "bench:gas — gas per registry operation on Hardhat's EVM (zero fee, paris, optimizer 200)", rows, {
  gasByOperation: summary,
});
const over = Object.entries(BUDGETS).filter(([op, budget]) => (summary[op] ?? 0) > Number(budget.replace(/\D/g, "")));
if (over.length > 0) {
  console.error(`over budget: ${over.map(([op]) => op).join(", ")}`);
  process.exitCode = 1;
}
