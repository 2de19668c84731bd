import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { OverdueItem } from "../../core/overdue.ts";
import { destructionDeadline } from "../../core/time.ts";
import { DEFAULTS, type Config } from "../../ledger-service/src/config.ts";
import type { LedgerClient, SubmitResponse } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { sourceFreshness } from "../../ledger-service/src/domain/verification-report.ts";
import { certificateBody } from "../../scripts/scenarios/fixtures.ts";
import { ASSET_CLASSES } from "../../core/records/destruction.ts";
import { org, type ActorName } from "../../scripts/scenarios/world.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";

interface OverdueAnswer {
  at: number;
  items: OverdueItem[];
  overdue: { grantId: string; deadline: number; missing: unknown[] }[];
}

/**
 * GET /v1/overdue: every overdue duty in one list, each item with its deadline, the signed record
 * that started the clock and who owes the act; the agency and supervisors see every item, other
 * callers the items naming their organisation.
 */
describe("GET /v1/overdue: overdue duties in one place", function () {
  this.timeout(180_000);
  let dir: string;
  let service: RunningService;
  let c: Record<ActorName, LedgerClient>;
  let revoked: SubmitResponse;
  let deadline: number;
  const base = () => `http://127.0.0.1:${service.address().port}`;
  const overdueAt = (who: ActorName, at: number) => c[who].get<OverdueAnswer>(`/v1/overdue?at=${at}`);
  const destruction = (a: OverdueAnswer) => a.items.filter((i) => i.kind === "destruction-certificate");

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-overdue-"));
    const config: Config = { ...DEFAULTS, port: 0, dataDir: dir, logLevel: "silent" };
    service = await startService(config, { env: { LEDGER_AGENCY_PASSPHRASE: "overdue test" } });
    c = clientsFor(service, base());
    await playStory(service, c);
    revoked = await c.agency.submit("grant.revoke", { grantId: "G1", reason: "overdue test" });
    deadline = destructionDeadline(revoked.tx.blockTime);
  });
  after(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists nothing on the deadline's last second", async () => {
    const answer = await overdueAt("sup", deadline);
    expect(answer.at).to.equal(deadline);
    expect(destruction(answer)).to.deep.equal([]);
    expect(answer.overdue).to.deep.equal([]);
  });

  it("lists the grant one second later, owed by every holder, started by the revocation", async () => {
    const [item, ...rest] = destruction(await overdueAt("sup", deadline + 1));
    expect(rest).to.deep.equal([]);
    expect(item).to.deep.include({
      kind: "destruction-certificate",
      subject: { kind: "grant", id: "G1" },
      deadline,
      startedBy: { kind: "grant", id: "G1", recordHash: revoked.recordHash, at: revoked.tx.blockTime },
    });
    expect(item!.owedBy).to.deep.equal([org("op"), org("pa")].sort());
    expect(item!.detail.missing).to.have.length(6);
  });

  it("shows an item to those it names and hides it from the others", async () => {
    for (const who of ["agency", "sup", "op", "pa"] as const)
      expect(destruction(await overdueAt(who, deadline + 1)), who).to.have.length(1);
    for (const who of ["op2", "con", "ex", "su1"] as const) {
      const answer = await overdueAt(who, deadline + 1);
      expect(answer.items, who).to.deep.equal([]);
      expect(answer.overdue, who).to.deep.equal([]);
    }
  });

  it("drops a holder once it certified every class, and the grant once all did", async () => {
    for (const cls of ASSET_CLASSES)
      await c.pa.submit("destruction.certify", { ...certificateBody(`C-pa-${cls}`, cls), assetClass: cls });
    const [item] = destruction(await overdueAt("sup", deadline + 1));
    expect(item!.owedBy).to.deep.equal([org("op")]);
    expect(destruction(await overdueAt("pa", deadline + 1))).to.deep.equal([]);
    for (const cls of ASSET_CLASSES)
      await c.op.submit("destruction.certify", { ...certificateBody(`C-op-${cls}`, cls), assetClass: cls });
    expect(destruction(await overdueAt("sup", deadline + 1))).to.deep.equal([]);
  });

  it("lists a resource once its next version is past the due second, for its source units", async () => {
    const view = await service.backend.view({ kind: "resource", id: "R1" });
    const due = (view as { nextVersionDue: number }).nextVersionDue;
    const updates = (a: OverdueAnswer) => a.items.filter((i) => i.kind === "resource-update");
    expect(updates(await overdueAt("sup", due)).map((i) => i.subject.id)).to.not.include("R1");
    const [r1] = updates(await overdueAt("sup", due + 1)).filter((i) => i.subject.id === "R1");
    const registration = (await service.store.historyOf("resource", "R1"))[0]!;
    expect(r1).to.deep.include({
      subject: { kind: "resource", id: "R1" },
      deadline: due,
      startedBy: { kind: "resource", id: "R1", recordHash: registration.recordHash, at: registration.blockTime },
      owedBy: [org("su1")],
    });
    expect(r1!.detail).to.deep.include({ updateFrequency: "monthly", version: 1, lateVersions: 0 });
    expect(updates(await overdueAt("su1", due + 1)).map((i) => i.subject.id)).to.deep.equal(["R1"]);
    expect(updates(await overdueAt("op", due + 1))).to.deep.equal([]);
  });

  it("shows the freshness of every source resource on the listing verification report", async () => {
    const signed = await c.ex.issueListingReport("P1");
    const view = (await service.backend.view({ kind: "resource", id: "R1" })) as { nextVersionDue: number };
    const [r1, ...others] = signed.report.freshness;
    expect(others).to.deep.equal([]);
    expect(r1).to.deep.include({
      resourceId: "R1",
      updateFrequency: "monthly",
      version: 1,
      nextVersionDue: view.nextVersionDue,
      overdue: false,
    });
    const deps = { store: service.store, backend: service.backend };
    const [onDue] = await sourceFreshness(deps, ["R1"], view.nextVersionDue);
    const [late] = await sourceFreshness(deps, ["R1"], view.nextVersionDue + 1);
    expect(onDue!.overdue).to.equal(false);
    expect(late!.overdue).to.equal(true);
  });

  it("refuses an `at` that is not Unix seconds", async () => {
    const res = await c.sup.raw("GET", "/v1/overdue?at=yesterday");
    expect((res.json as { error: { code: string } }).error.code).to.equal("MALFORMED_REQUEST");
  });
});
