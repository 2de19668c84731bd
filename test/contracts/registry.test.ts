import { expect } from "chai";
import { readFileSync } from "node:fs";
import { schemaHashOf } from "../../core/records/resource.ts";
import { canonicalJson } from "../../core/canonical.ts";
import { OPERATIONS } from "../../core/operations.ts";
import { recordHash, type SignedRecord } from "../../core/record.ts";
import type { ResourceField } from "../../core/records/resource.ts";
import { addCalendarYears, fromIso } from "../../core/time.ts";
import { EvmBackend } from "../../ledger-service/src/chain/evm/evm-backend.ts";
import { MODULES } from "../../ledger-service/src/chain/evm/artifacts.ts";
import { actorBody, ZERO_FEE, expectCode, freshChain, h, sign, type Org, type TestChain } from "./helpers.ts";

const GENESIS = fromIso("2027-06-01T09:00:00+08:00");
const FIELDS: ResourceField[] = [
  { name: "name", type: "string", personalInfo: true },
  { name: "amount", type: "decimal", personalInfo: false },
];

function resourceBody(id: string, su: Org, holder: Org, grade = 3) {
  return {
    id,
    name: `Resource ${id}`,
    domain: "finance",
    sourceUnits: [su.orgId],
    fields: FIELDS,
    scope: "Longhua",
    updateFrequency: "monthly",
    grade,
    gradeReason: "test",
    schemaHash: schemaHashOf(FIELDS),
    holder: holder.orgId,
  };
}

describe("Solidity registry through the EVM client", function () {
  let chain: TestChain;
  let agency: Org, su: Org, op: Org, ex: Org, stranger: Org;
  let t = GENESIS;
  const tick = () => (t += 10);
  const accepted: SignedRecord[] = [];
  /** Submits and remembers what was accepted (for the event round trip). */
  const ok = async (signed: SignedRecord, from: Org) => {
    const r = await chain.submit(signed, from, tick());
    accepted.push(signed);
    return r;
  };

  before(async function () {
    chain = await freshChain(GENESIS);
    agency = chain.org("agency", "agency", 1);
    su = chain.org("su", "source-unit", 2);
    op = chain.org("op", "operator", 3);
    ex = chain.org("ex", "exchange", 4);
    stranger = chain.org("stranger", "operator", 5);
  });

  after(async function () {
    await chain?.close();
  });

  it("deploys modules that each fit the 24 KB contract size limit", function () {
    for (const name of [...MODULES, "Registry"]) {
      const path = name === "Registry" ? "Registry.sol/Registry.json" : `modules/${name}.sol/${name}.json`;
      const { deployedBytecode } = JSON.parse(
        readFileSync(new URL(`../../artifacts/contracts/${path}`, import.meta.url), "utf8"),
      ) as { deployedBytecode: string };
      expect((deployedBytecode.length - 2) / 2, name).to.be.at.most(24_576);
    }
  });

  it("lets only the deployer bootstrap the agency, once", async function () {
    await expectCode(
      chain.submit(sign(agency, "actor.bootstrap", actorBody(agency)), stranger, tick()),
      "NOT_AUTHORIZED",
    );
    await expectCode(
      chain.submit(sign(agency, "actor.bootstrap", actorBody(agency, { role: "operator" })), agency, tick()),
      "ACTOR_ROLE_INVALID",
    );
    await expectCode(chain.submit(sign(op, "actor.bootstrap", actorBody(agency)), agency, tick()), "INVALID_RECORD");
    await ok(sign(agency, "actor.bootstrap", actorBody(agency)), agency);
    await expectCode(
      chain.submit(sign(agency, "actor.bootstrap", actorBody(agency)), agency, tick()),
      "ALREADY_BOOTSTRAPPED",
    );
    expect(await chain.client.view({ kind: "actor", id: agency.orgId })).to.deep.equal({
      kind: "actor",
      orgId: agency.orgId,
      role: "agency",
      publicKey: agency.publicKey,
    });
  });

  it("registers actors with unique ids and addresses, and never a second agency", async function () {
    for (const o of [su, op, ex]) await ok(sign(agency, "actor.register", actorBody(o)), agency);
    await expectCode(chain.submit(sign(agency, "actor.register", actorBody(op)), agency, tick()), "DUPLICATE_ID");
    await expectCode(
      chain.submit(sign(agency, "actor.register", actorBody(stranger, { role: "agency" })), agency, tick()),
      "ACTOR_ROLE_INVALID",
    );
    await expectCode(
      chain.submit(
        sign(agency, "actor.register", actorBody(stranger, { evmAddress: op.wallet.address.toLowerCase() })),
        agency,
        tick(),
      ),
      "DUPLICATE_ID",
    );
    expect(await chain.client.view({ kind: "actor", id: stranger.orgId })).to.equal(undefined);
  });

  it("binds submitters: the author's own address or the agency's relay, nothing else", async function () {
    const review = () =>
      sign(su, "resource.review", {
        resourceId: "R1",
        schemaHash: schemaHashOf(FIELDS),
        decision: "approved",
        reportHash: h("review"),
      });
    // An unregistered author, even through the relay.
    await expectCode(
      chain.submit(sign(stranger, "product.delist", { productId: "P1", reason: "x" }), agency, tick()),
      "NOT_AUTHORIZED",
    );
    // A registered author sent from another actor's account.
    await expectCode(chain.submit(review(), op, tick()), "NOT_AUTHORIZED");
    // The wrong role for the operation.
    await expectCode(
      chain.submit(
        sign(op, "resource.review", {
          resourceId: "R1",
          schemaHash: schemaHashOf(FIELDS),
          decision: "approved",
          reportHash: h("r"),
        }),
        op,
        tick(),
      ),
      "NOT_AUTHORIZED",
    );
    // Relayed by the agency's account.
    await ok(review(), agency);
  });

  it("refuses a replayed record that creates nothing, and re-grants by an operator", async function () {
    const again = sign(su, "resource.review", {
      resourceId: "R1",
      schemaHash: schemaHashOf(FIELDS),
      decision: "approved",
      reportHash: h("again"),
    });
    await ok(again, su);
    await expectCode(chain.submit(again, su, tick()), "REPLAYED_RECORD");
    const regrant = {
      id: "G-RE",
      grantee: op.orgId,
      scope: [{ resourceId: "R1", fields: ["amount"] }],
      scenarios: ["x"],
      validFrom: t,
      validUntil: t + 1000,
      agreementHash: h("a"),
    };
    await expectCode(chain.submit(sign(op, "grant.issue", regrant), op, tick()), "REGRANT_FORBIDDEN");
  });

  it("enforces the resource grade and the 5-calendar-year grant term, clamped to the month's end", async function () {
    await expectCode(
      chain.submit(sign(agency, "resource.register", resourceBody("R1", su, agency, 2)), agency, tick()),
      "GRADE_INCONSISTENT",
    );
    await ok(sign(agency, "resource.register", resourceBody("R1", su, agency)), agency);
    // From 29 February 2028, five calendar years end on 28 February 2033 (CST).
    const validFrom = fromIso("2028-02-29T10:00:00+08:00");
    const longest = addCalendarYears(validFrom, 5);
    expect(longest).to.equal(fromIso("2033-02-28T10:00:00+08:00"));
    const grant = (id: string, validUntil: number) => ({
      id,
      grantee: op.orgId,
      scope: [{ resourceId: "R1", fields: ["name", "amount"] }],
      scenarios: ["credit"],
      validFrom,
      validUntil,
      agreementHash: h(id),
    });
    await expectCode(
      chain.submit(sign(agency, "grant.issue", grant("G-LONG", longest + 1)), agency, tick()),
      "GRANT_TERM_TOO_LONG",
    );
    await expectCode(
      chain.submit(
        sign(agency, "grant.issue", { ...grant("G-F", longest), scope: [{ resourceId: "R1", fields: ["nope"] }] }),
        agency,
        tick(),
      ),
      "FIELD_UNKNOWN",
    );
    await ok(sign(agency, "grant.issue", grant("G-5Y", longest)), agency);
    expect(await chain.client.view({ kind: "grant", id: "G-5Y" })).to.deep.equal({
      kind: "grant",
      id: "G-5Y",
      grantee: op.orgId,
      status: "active",
      validFrom,
      validUntil: longest,
      endedAt: 0,
      exitKind: "",
      exitNoticeAt: 0,
    });
  });

  it("simulates without writing and checks schemas before any transaction", async function () {
    const grant = {
      id: "G-SIM",
      grantee: op.orgId,
      scope: [{ resourceId: "R1", fields: ["amount"] }],
      scenarios: ["x"],
      validFrom: t,
      validUntil: addCalendarYears(t, 6),
      agreementHash: h("sim"),
    };
    await expectCode(
      chain.client.simulate(sign(agency, "grant.issue", grant), agency.wallet.address),
      "GRANT_TERM_TOO_LONG",
    );
    const gas = await chain.client.simulate(
      sign(agency, "grant.issue", { ...grant, validUntil: addCalendarYears(t, 1) }),
      agency.wallet.address,
    );
    expect(Number(gas)).to.be.greaterThan(21_000);
    expect(await chain.client.view({ kind: "grant", id: "G-SIM" })).to.equal(undefined);
    await expectCode(
      chain.client.populate(sign(agency, "grant.issue", { ...grant, grantee: "not-a-uscc" })),
      "INVALID_RECORD",
    );
  });

  it("records a product's lineage, lists it and anchors checkpoints monotonically", async function () {
    const grantFrom = t;
    await ok(
      sign(agency, "grant.issue", {
        id: "G1",
        grantee: op.orgId,
        scope: [{ resourceId: "R1", fields: ["name", "amount"] }],
        scenarios: ["credit"],
        validFrom: grantFrom,
        validUntil: addCalendarYears(grantFrom, 2),
        agreementHash: h("g1"),
      }),
      agency,
    );
    await ok(sign(agency, "cap.set", { domain: "finance", chargeUnit: "per-call", maxPriceFen: 500 }), agency);
    const product = {
      id: "P1",
      name: "Score",
      domain: "finance",
      scenario: "credit",
      serviceForm: "api",
      grantId: "G1",
      sources: ["R1"],
      pricing: { model: "industry", chargeUnit: "per-call", priceFen: 501 },
      personalInfo: true,
      tradeSecret: false,
    };
    await expectCode(chain.submit(sign(op, "product.register", product), op, tick()), "PRICE_ABOVE_CAP");
    await ok(sign(op, "product.register", { ...product, pricing: { ...product.pricing, priceFen: 500 } }), op);
    await expectCode(
      chain.submit(sign(ex, "product.list", { productId: "P1", reportHash: h("report") }), ex, tick()),
      "LINEAGE_INCOMPLETE",
    );
    const hop = {
      id: "H1",
      grantId: "G1",
      productId: "P1",
      operation: "collect",
      inputs: [{ kind: "resource", resourceId: "R1", version: 1, fields: ["name"], hash: h("R1") }],
      outputHash: h("H1"),
      environment: "plain",
      recordCount: 10,
    };
    await expectCode(chain.submit(sign(op, "lineage.hop", hop), op, tick()), "PRIVACY_ENV_REQUIRED");
    await ok(sign(op, "lineage.hop", { ...hop, environment: "tee" }), op);
    const deid = {
      id: "H2",
      grantId: "G1",
      productId: "P1",
      operation: "de-identify",
      inputs: [{ kind: "artifact", hopId: "H1", hash: h("H1") }],
      outputHash: h("H2"),
      outputGrade: 2,
      environment: "tee",
      recordCount: 10,
    };
    await expectCode(
      chain.submit(
        sign(op, "lineage.hop", { ...deid, inputs: [{ kind: "artifact", hopId: "H1", hash: h("other") }] }),
        op,
        tick(),
      ),
      "ARTIFACT_HASH_MISMATCH",
    );
    await ok(sign(op, "lineage.hop", deid), op);
    expect(await chain.client.view({ kind: "hop", id: "H2" })).to.deep.equal({
      kind: "hop",
      id: "H2",
      grantId: "G1",
      productId: "P1",
      actor: op.orgId,
      outputHash: h("H2"),
      outputGrade: 2,
    });
    await expectCode(
      chain.submit(sign(ex, "product.list", { productId: "P1", reportHash: h("report") }), ex, tick()),
      "REPORT_UNKNOWN",
    );
    await ok(sign(agency, "report.issue", { reportHash: h("report"), productId: "P1", verdict: "pass" }), agency);
    await ok(sign(ex, "product.list", { productId: "P1", reportHash: h("report") }), ex);
    expect(await chain.client.view({ kind: "product", id: "P1" })).to.include({
      status: "listed",
      hopCount: 2,
      priceFen: 500,
      reportHash: h("report"),
      operator: op.orgId,
    });

    const anchor = (treeSize: number) =>
      sign(agency, "anchor.checkpoint", {
        origin: "ledger.test/log",
        treeSize,
        rootHash: h(`root${treeSize}`),
        checkpointHash: h(`cp${treeSize}`),
      });
    await ok(anchor(10), agency);
    await expectCode(chain.submit(anchor(10), agency, tick()), "ANCHOR_NOT_MONOTONIC");
    await ok(anchor(12), agency);
    expect(await chain.client.view({ kind: "anchor", id: "ledger.test/log" })).to.deep.equal({
      kind: "anchor",
      origin: "ledger.test/log",
      treeSize: 12,
      rootHash: h("root12"),
      checkpointHash: h("cp12"),
    });
  });

  it("lists overdue grants with the missing certificates, and clears them as holders certify", async function () {
    const revokedAt = tick();
    await chain.submit(sign(agency, "grant.revoke", { grantId: "G1", reason: "test" }), agency, revokedAt);
    const deadline = revokedAt + 30 * 86_400;
    expect(await chain.client.overdue(deadline)).to.deep.equal([]);
    const late = await chain.client.overdue(deadline + 1);
    expect(late).to.have.length(1);
    expect(late[0]).to.deep.include({ grantId: "G1", endedAt: revokedAt, deadline });
    expect(late[0]!.missing.map((m) => m.assetClass)).to.deep.equal(["raw-data", "derived-models", "traded-products"]);
    for (const cls of ["raw-data", "derived-models", "traded-products"]) {
      await chain.submit(
        sign(op, "destruction.certify", {
          id: `C-${cls}`,
          grantId: "G1",
          assetClass: cls,
          assets: [],
          method: "shred",
          destroyedAt: t,
          witness: "notary",
        }),
        op,
        tick(),
      );
    }
    expect(await chain.client.overdue(deadline + 1)).to.deep.equal([]);
    expect(await chain.client.view({ kind: "certificate", id: "C-raw-data" })).to.deep.equal({
      kind: "certificate",
      id: "C-raw-data",
      grantId: "G1",
      holder: op.orgId,
      assetClass: "raw-data",
      late: false,
    });
  });

  it("rebuilds every accepted signed record from the chain's events alone", async function () {
    const events = await chain.client.events(0);
    const ours = events.filter((e) => accepted.some((s) => recordHash(s.record) === e.recordHash));
    expect(ours).to.have.length(accepted.length);
    for (const [i, signed] of accepted.entries()) {
      const e = ours[i]!;
      expect(e.event).to.equal(OPERATIONS[signed.record.op].event);
      expect(canonicalJson(e.signed)).to.equal(canonicalJson(signed));
      expect(e.recordHash).to.equal(recordHash(signed.record));
      const block = await chain.provider.getBlock(e.blockNumber);
      expect(e.blockTime).to.equal(block!.timestamp);
      expect(e.txId).to.match(/^0x[0-9a-f]{64}$/);
    }
  });

  it("streams events through the service backend, resuming after a cursor", async function () {
    const backend = new EvmBackend(chain.address, "31337", chain.provider, agency.wallet, { overrides: ZERO_FEE });
    const all = [];
    for await (const e of backend.events()) all.push(e);
    expect(all.length).to.be.greaterThan(10);
    const cut = 7;
    const rest = [];
    for await (const e of backend.events(all[cut]!.cursor)) rest.push(e);
    expect(rest.map((e) => e.cursor)).to.deep.equal(all.slice(cut + 1).map((e) => e.cursor));
    expect(all[0]!.event).to.equal("AgencyBootstrapped");
    // The relay submits on behalf of any registered author.
    await chain.rpc.request({ method: "evm_setNextBlockTimestamp", params: [tick()] });
    const tx = await backend.submit(sign(ex, "product.delist", { productId: "P1", reason: "relayed" }));
    expect(tx.blockTime).to.equal(t);
    await expectCode(
      backend.simulate(sign(ex, "product.delist", { productId: "P1", reason: "again" })),
      "PRODUCT_STATUS_INVALID",
    );
  });
});
