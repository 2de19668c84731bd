import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { OverdueItem } from "../../core/overdue.ts";
import { objectionDeadline } from "../../core/time.ts";
import type { LedgerClient, SubmitResponse } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { sourceObjections } from "../../ledger-service/src/domain/objections.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { h } from "../../scripts/scenarios/fixtures.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { org, type ActorName } from "../../scripts/scenarios/world.ts";
import { testConfig } from "./test-config.ts";

/**
 * Data-quality objections over HTTP (异议处置): filed against a resource version, overdue one
 * second after 15 days without an answer (owed by the source units, shown to the filer), and
 * shown on the listing verification report of the products built on that version until answered.
 */
describe("objections: overdue answers and the listing verification report", function () {
  this.timeout(180_000);
  let dir: string;
  let service: RunningService;
  let c: Record<ActorName, LedgerClient>;
  let filed: SubmitResponse;
  let deadline: number;
  const base = () => `http://127.0.0.1:${service.address().port}`;
  const overdueAt = async (who: ActorName, at: number) =>
    (await c[who].get<{ items: OverdueItem[] }>(`/v1/overdue?at=${at}`)).items.filter(
      (i) => i.kind === "objection-answer",
    );
  // Issued anew each time, so that it reflects the objections as they stand.
  const report = async () => (await c.ex.issueListingReport("P1")).report;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-objections-"));
    service = await startService(testConfig(dir), { env: { LEDGER_AGENCY_PASSPHRASE: "objections test" } });
    c = clientsFor(service, base());
    await playStory(service, c);
    filed = await c.con.submitSigned(
      c.con.sign("objection.file", {
        id: "O1",
        resourceId: "R1",
        version: 1,
        category: "accuracy",
        summary: "the ratings of two companies are swapped",
        evidenceHash: h("O1 evidence"),
      }),
      "/v1/resources/R1/objections",
    );
    deadline = objectionDeadline(filed.tx.blockTime);
  });
  after(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is not overdue on the deadline's second, and is one second later, owed by the source unit", async () => {
    expect(await overdueAt("sup", deadline)).to.deep.equal([]);
    const [item, ...rest] = await overdueAt("sup", deadline + 1);
    expect(rest).to.deep.equal([]);
    expect(item).to.deep.include({
      kind: "objection-answer",
      subject: { kind: "objection", id: "O1" },
      deadline,
      startedBy: { kind: "objection", id: "O1", recordHash: filed.recordHash, at: filed.tx.blockTime },
      owedBy: [org("su1")],
      concerns: [org("con")],
    });
    expect(item!.detail).to.deep.include({ resourceId: "R1", version: 1, filer: org("con") });
  });

  it("shows the item to the source unit and the filer, not to another source unit or the operator", async () => {
    for (const who of ["agency", "sup", "su1", "con"] as const)
      expect(await overdueAt(who, deadline + 1), who).to.have.length(1);
    for (const who of ["su2", "op", "ex"] as const) expect(await overdueAt(who, deadline + 1), who).to.deep.equal([]);
  });

  it("shows the open objection on the report of a product built on that version, overdue after its deadline", async () => {
    const [shown, ...others] = (await report()).objections;
    expect(others).to.deep.equal([]);
    expect(shown).to.deep.include({ objectionId: "O1", resourceId: "R1", version: 1, deadline, overdue: false });
    expect(shown!.evidence).to.deep.include({ kind: "objection", id: "O1", recordHash: filed.recordHash });
    const deps = { store: service.store, backend: service.backend };
    const used = [{ resourceId: "R1", versions: [1] }];
    expect((await sourceObjections(deps, used, deadline))[0]!.overdue).to.equal(false);
    expect((await sourceObjections(deps, used, deadline + 1))[0]!.overdue).to.equal(true);
    expect(await sourceObjections(deps, [{ resourceId: "R1", versions: [2] }], deadline + 1)).to.deep.equal([]);
    expect(await sourceObjections(deps, [{ resourceId: "R2", versions: [1] }], deadline + 1)).to.deep.equal([]);
  });

  it("drops the objection from the overdue list and the report once the source unit answered", async () => {
    await c.su1.submitSigned(
      c.su1.sign("objection.answer", { objectionId: "O1", decision: "corrected", answerHash: h("O1 answer") }),
      "/v1/objections/O1/answer",
    );
    expect(await overdueAt("sup", deadline + 1)).to.deep.equal([]);
    expect((await report()).objections).to.deep.equal([]);
    const doc = await c.con.get<{ view: { status: string; decision: string; late: boolean } }>("/v1/objections/O1");
    expect(doc.view).to.deep.include({ status: "answered", decision: "corrected", late: false });
  });
});
