import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { envelopeCommitment, openComplaint, type ComplaintEnvelope } from "../../core/complaint-envelope.ts";
import type { OverdueItem } from "../../core/overdue.ts";
import { complaintDeadline } from "../../core/time.ts";
import type { ComplaintView } from "../../core/views.ts";
import { DEFAULTS } from "../../ledger-service/src/config.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { h } from "../../scripts/scenarios/fixtures.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { MEMBERS, org, type ActorName } from "../../scripts/scenarios/world.ts";
import { testConfig } from "./test-config.ts";

interface Lodged {
  complaintId: string;
  commitment: string;
  complaint: ComplaintView;
  receipt: { recordHash: string; op: string; tx: { blockTime: number } };
}
interface ErrorAnswer {
  error: { code: string; details?: Record<string, unknown> };
}

/** Every file under `dir`, as bytes. */
function filesUnder(dir: string): Buffer[] {
  const out: Buffer[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(readFileSync(path));
  }
  return out;
}

/**
 * Complaints over HTTP (社会监督, 为举报人保密): lodged by anyone without an account within the
 * abuse limits, sealed for the supervisors, only a commitment on chain; a supervisor opens it
 * with its own key and records the outcome; one left without an outcome is overdue after 30 days.
 */
describe("complaints: lodged without an account, read by the supervisors", function () {
  this.timeout(180_000);
  const PER_ADDRESS = 8;
  let dir: string;
  let service: RunningService;
  let c: Record<ActorName, LedgerClient>;
  let lodgeCalls = 0;
  const base = () => `http://127.0.0.1:${service.address().port}`;
  const STATEMENT = "P1 charged me 8 yuan a call, not the 5 yuan it lists. 投诉人：张三";
  const CONTACT = "zhangsan-13912345678@example.cn";

  const lodge = async (body: unknown) => {
    lodgeCalls++;
    return c.con.raw("POST", "/v1/public/complaints", body, { public: true });
  };
  const lodged = async (body: unknown): Promise<Lodged> => {
    const res = await lodge(body);
    expect(res.status, JSON.stringify(res.json)).to.equal(200);
    return res.json as Lodged;
  };
  const overdueAt = async (who: ActorName, at: number) =>
    (await c[who].get<{ items: OverdueItem[] }>(`/v1/overdue?at=${at}`)).items.filter(
      (i) => i.kind === "complaint-handling",
    );

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-complaints-"));
    const config = testConfig(dir, { http: { ...DEFAULTS.http, complaintsPerAddressPerHour: PER_ADDRESS } });
    service = await startService(config, { env: { LEDGER_AGENCY_PASSPHRASE: "complaints test" } });
    c = clientsFor(service, base());
    await playStory(service, c);
  });
  after(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  let first: Lodged;

  it("takes a complaint without a signature and records only its commitment on chain", async () => {
    first = await lodged({ subject: { kind: "product", id: "P1" }, text: STATEMENT, contact: CONTACT });
    expect(first.complaintId).to.match(/^K-[0-9a-f]{24}$/);
    expect(first.receipt.op).to.equal("complaint.lodge");
    const onChain = (await service.backend.view({ kind: "complaint", id: first.complaintId })) as ComplaintView;
    expect(onChain).to.deep.include({
      subjectKind: "product",
      subjectId: "P1",
      commitment: first.commitment,
      status: "lodged",
      deadline: complaintDeadline(first.receipt.tx.blockTime),
    });
    const [entry] = await service.store.historyOf("complaint", first.complaintId);
    expect(entry!.signed.record.actor).to.equal(service.agencyOrgId);
    expect(entry!.signed.record.body).to.deep.equal({
      id: first.complaintId,
      subject: { kind: "product", id: "P1" },
      commitment: first.commitment,
    });
  });

  it("keeps nothing of the statement or the complainant in clear in the data directory", async () => {
    const needles = [STATEMENT.slice(0, 24), "张三", CONTACT, "13912345678"].map((s) => Buffer.from(s, "utf8"));
    for (const bytes of filesUnder(dir))
      for (const needle of needles) expect(bytes.includes(needle), needle.toString()).to.equal(false);
  });

  it("gives the sealed complaint to a supervisor, who opens it with its own key", async () => {
    const sealed = await c.sup.get<{ envelope: ComplaintEnvelope; commitment: string; matchesChain: boolean }>(
      `/v1/complaints/${first.complaintId}/sealed`,
    );
    expect(sealed.matchesChain).to.equal(true);
    expect(envelopeCommitment(sealed.envelope)).to.equal(first.commitment);
    expect(sealed.envelope.keys.map((k) => k.orgId)).to.deep.equal([org("sup")]);
    expect(openComplaint(sealed.envelope, org("sup"), MEMBERS.sup.sm2PrivateKey)).to.deep.equal({
      text: STATEMENT,
      contact: CONTACT,
    });
    expect(() => openComplaint(sealed.envelope, org("sup"), MEMBERS.op.sm2PrivateKey)).to.throw(/does not decrypt/);
    expect(() => openComplaint(sealed.envelope, service.agencyOrgId, service.keyring.agency.privateKey)).to.throw(
      /not sealed for/,
    );
  });

  it("refuses the sealed content to every role but the supervisors, and the list to the subject", async () => {
    for (const who of ["agency", "op", "ex", "con"] as const) {
      const res = await c[who].raw("GET", `/v1/complaints/${first.complaintId}/sealed`);
      expect(res.status, who).to.equal(403);
      expect((res.json as ErrorAnswer).error.code, who).to.equal("FORBIDDEN");
    }
    const list = await c.agency.get<{ complaints: ComplaintView[] }>("/v1/complaints?status=lodged");
    expect(list.complaints.map((k) => k.id)).to.include(first.complaintId);
    expect((await c.op.raw("GET", "/v1/complaints")).status).to.equal(403);
  });

  it("refuses a statement over 4,000 characters, naming the field and the limit, and records nothing", async () => {
    const before = (await service.store.idsOfKind("complaint")).length;
    const res = await lodge({ subject: { kind: "product", id: "P1" }, text: "x".repeat(4001) });
    expect(res.status).to.equal(400);
    const error = (res.json as ErrorAnswer & { error: { detail: string } }).error;
    expect(error.code).to.equal("MALFORMED_REQUEST");
    expect(error.details?.field).to.equal("text");
    expect(error.detail).to.include("4000");
    expect(error.details?.issues).to.deep.equal([{ path: "text", message: "must be at most 4000 characters" }]);
    // The complainant reading Chinese is told in Chinese.
    lodgeCalls++;
    const zh = await c.con.withLanguage("zh").raw(
      "POST",
      "/v1/public/complaints",
      { subject: { kind: "product", id: "P1" }, text: "x".repeat(4001) },
      {
        public: true,
      },
    );
    expect((zh.json as ErrorAnswer).error.details?.issues).to.deep.equal([
      { path: "text", message: "至多 4000 个字符" },
    ]);
    const exactly = await lodged({ subject: { kind: "operator", id: org("op") }, text: "y".repeat(4000) });
    expect(exactly.complaint.subjectKind).to.equal("operator");
    expect((await service.store.idsOfKind("complaint")).length).to.equal(before + 1);
  });

  it("refuses a complaint about a product the ledger does not hold, naming it", async () => {
    const res = await lodge({ subject: { kind: "product", id: "P404" }, text: "no such product" });
    expect(res.status).to.equal(404);
    expect((res.json as ErrorAnswer).error).to.deep.include({ code: "NOT_FOUND", details: { id: "P404" } });
  });

  it("shows the complainant where the case stands, and records the supervisor's handling and outcome", async () => {
    const status = () => c.con.getPublic<ComplaintView>(`/v1/public/complaints/${first.complaintId}`);
    expect((await status()).status).to.equal("lodged");
    const path = `/v1/complaints/${first.complaintId}/handling`;
    await c.sup.submitSigned(
      c.sup.sign("complaint.handle", { complaintId: first.complaintId, stage: "handling", reportHash: h("taken-up") }),
      path,
    );
    expect((await status()).status).to.equal("handling");
    await c.sup.submitSigned(
      c.sup.sign("complaint.handle", {
        complaintId: first.complaintId,
        stage: "concluded",
        outcome: "upheld",
        reportHash: h("decision"),
      }),
      path,
    );
    expect(await status()).to.deep.include({ status: "concluded", outcome: "upheld", late: false });
    const again = await c.sup.raw(
      "POST",
      path,
      c.sup.sign("complaint.handle", {
        complaintId: first.complaintId,
        stage: "concluded",
        outcome: "not-upheld",
        reportHash: h("second decision"),
      }),
    );
    expect(again.status).to.equal(409);
    expect((again.json as ErrorAnswer).error).to.deep.include({
      code: "CASE_CLOSED",
      details: { id: first.complaintId },
    });
    const unknown = await c.con.raw("GET", "/v1/public/complaints/K-000000000000000000000000", undefined, {
      public: true,
    });
    expect(unknown.status).to.equal(404);
  });

  it("lists a complaint without an outcome as overdue one second after its 30 days, to the agency and supervisors only", async () => {
    const open = await lodged({ subject: { kind: "product", id: "P1" }, text: "still waiting" });
    const deadline = open.complaint.deadline;
    expect(deadline).to.equal(complaintDeadline(open.receipt.tx.blockTime));
    const ids = async (who: ActorName, at: number) => (await overdueAt(who, at)).map((i) => i.subject.id);
    expect(await ids("sup", deadline)).to.not.include(open.complaintId);
    const [item] = (await overdueAt("sup", deadline + 1)).filter((i) => i.subject.id === open.complaintId);
    expect(item).to.deep.include({
      kind: "complaint-handling",
      subject: { kind: "complaint", id: open.complaintId },
      deadline,
      startedBy: {
        kind: "complaint",
        id: open.complaintId,
        recordHash: open.receipt.recordHash,
        at: open.receipt.tx.blockTime,
      },
      owedBy: [],
    });
    expect(await ids("agency", deadline + 1)).to.include(open.complaintId);
    expect(await ids("op", deadline + 1)).to.deep.equal([]);
    // the concluded complaint is never overdue
    expect(await ids("sup", deadline + 1)).to.not.include(first.complaintId);
  });

  it(`refuses more than ${PER_ADDRESS} complaints an hour from one address, naming the limit`, async () => {
    while (lodgeCalls < PER_ADDRESS)
      await lodged({ subject: { kind: "product", id: "P1" }, text: `filler ${lodgeCalls}` });
    const refused = await lodge({ subject: { kind: "product", id: "P1" }, text: "one too many" });
    expect(refused.status).to.equal(429);
    expect(Number(refused.headers.get("retry-after"))).to.be.greaterThan(0);
    expect((refused.json as ErrorAnswer).error).to.deep.include({
      code: "RATE_LIMITED",
      details: { limit: PER_ADDRESS, windowSeconds: 3600 },
    });
  });
});
