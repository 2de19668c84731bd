import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { h } from "../../scripts/scenarios/fixtures.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { org, type ActorName } from "../../scripts/scenarios/world.ts";
import { ResponseCheck } from "./openapi-check.ts";
import { testConfig } from "./test-config.ts";

interface ObjectionPage {
  objections: {
    id: string;
    record: { resourceId: string; summary: string };
    view: { status: string; filer: string };
  }[];
  nextCursor: string | null;
}

/**
 * GET /v1/objections: the objections a caller may read (its own filings and those against the
 * resources it supplies; every one for the agency, supervisors and the exchange), filtered by
 * resource and status, in cursor pages; every answer checked against the OpenAPI document.
 */
describe("objections listed (GET /v1/objections): rights, filters, cursor pages", function () {
  this.timeout(180_000);
  let dir: string;
  let service: RunningService;
  let c: Record<ActorName, LedgerClient>;
  let check: ResponseCheck;
  const ids = async (who: ActorName, query = "") =>
    (await c[who].get<ObjectionPage>(`/v1/objections${query}`)).objections.map((o) => o.id);
  const pages = async (who: ActorName, query: string) => {
    const out: string[][] = [];
    let cursor: string | null = null;
    do {
      const page: ObjectionPage = await c[who].get<ObjectionPage>(
        `/v1/objections?${query}${cursor ? `&cursor=${cursor}` : ""}`,
      );
      out.push(page.objections.map((o) => o.id));
      cursor = page.nextCursor;
    } while (cursor !== null && out.length < 20);
    return out;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-objection-list-"));
    service = await startService(testConfig(dir), { env: { LEDGER_AGENCY_PASSPHRASE: "objection list test" } });
    const base = `http://127.0.0.1:${service.address().port}`;
    c = clientsFor(service, base);
    check = await ResponseCheck.install(base);
    await playStory(service, c);
    const file = (who: ActorName, id: string, resourceId: string) =>
      c[who].submitSigned(
        c[who].sign("objection.file", {
          id,
          resourceId,
          version: 1,
          category: "completeness",
          summary: `${id}: rows are missing`,
          evidenceHash: h(`${id} evidence`),
        }),
        `/v1/resources/${resourceId}/objections`,
      );
    // R1 is supplied by su1, R2 by su2.
    await file("con", "O1", "R1");
    await file("con", "O2", "R2");
    await file("op", "O3", "R1");
    await file("pa", "O4", "R2");
    await c.su1.submitSigned(
      c.su1.sign("objection.answer", { objectionId: "O1", decision: "explained", answerHash: h("O1 answer") }),
      "/v1/objections/O1/answer",
    );
  });
  after(async () => {
    check?.restore();
    await service?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("lists every objection, as filed and where it stands, to those who read everything", async () => {
    for (const who of ["agency", "sup", "ex"] as const)
      expect(await ids(who), who).to.deep.equal(["O1", "O2", "O3", "O4"]);
    const [o1, o2] = (await c.sup.get<ObjectionPage>("/v1/objections")).objections;
    expect(o1!.record).to.deep.include({ resourceId: "R1", summary: "O1: rows are missing" });
    expect(o1!.view).to.deep.include({ status: "answered", filer: org("con"), decision: "explained" });
    expect(o2!.view).to.deep.include({ status: "open", filer: org("con"), decision: "" });
  });

  it("lists to the others only their own filings and the objections against the resources they supply", async () => {
    expect(await ids("con")).to.deep.equal(["O1", "O2"]);
    expect(await ids("op")).to.deep.equal(["O3"]);
    expect(await ids("pa")).to.deep.equal(["O4"]);
    expect(await ids("su1")).to.deep.equal(["O1", "O3"]);
    expect(await ids("su2")).to.deep.equal(["O2", "O4"]);
    // The operator of another grant filed nothing and supplies nothing.
    expect(await ids("op2")).to.deep.equal([]);
  });

  it("filters by resource and by status, and both together", async () => {
    expect(await ids("sup", "?resourceId=R1")).to.deep.equal(["O1", "O3"]);
    expect(await ids("sup", "?status=open")).to.deep.equal(["O2", "O3", "O4"]);
    expect(await ids("sup", "?status=answered")).to.deep.equal(["O1"]);
    expect(await ids("sup", "?resourceId=R1&status=open")).to.deep.equal(["O3"]);
    expect(await ids("sup", "?resourceId=R2&status=answered")).to.deep.equal([]);
    expect(await ids("sup", "?resourceId=R9")).to.deep.equal([]);
    // A filter never widens the caller's rights.
    expect(await ids("su1", "?resourceId=R2")).to.deep.equal([]);
    expect(await ids("con", "?status=open")).to.deep.equal(["O2"]);
  });

  it("pages with the cursor: a full last page has no next cursor, filters and rights carry across pages", async () => {
    expect(await pages("sup", "limit=1")).to.deep.equal([["O1"], ["O2"], ["O3"], ["O4"]]);
    expect(await pages("sup", "limit=3")).to.deep.equal([["O1", "O2", "O3"], ["O4"]]);
    expect(await pages("sup", "limit=4")).to.deep.equal([["O1", "O2", "O3", "O4"]]);
    expect(await pages("sup", "limit=500")).to.deep.equal([["O1", "O2", "O3", "O4"]]);
    expect(await pages("sup", "limit=1&status=open")).to.deep.equal([["O2"], ["O3"], ["O4"]]);
    expect(await pages("su2", "limit=1")).to.deep.equal([["O2"], ["O4"]]);
    expect(await pages("op2", "limit=1")).to.deep.equal([[]]);
  });

  it("refuses a bad limit, cursor or filter, naming the parameter, and an unsigned request", async () => {
    for (const [query, field] of [
      ["?limit=0", "limit"],
      ["?limit=501", "limit"],
      ["?limit=1&limit=2", "limit"],
      ["?cursor=%2F%2F", "cursor"],
      ["?status=closed", "status"],
      ["?status=open&status=answered", "status"],
      ["?resourceId=R1&resourceId=R2", "resourceId"],
    ] as const) {
      const res = await c.sup.raw("GET", `/v1/objections${query}`);
      expect(res.status, query).to.equal(400);
      const error = (res.json as { error: { code: string; details?: { field?: string } } }).error;
      expect(error.code, query).to.equal("MALFORMED_REQUEST");
      expect(error.details?.field, query).to.equal(field);
    }
    expect((await c.sup.raw("GET", "/v1/objections", undefined, { public: true })).status).to.equal(401);
  });

  it("answered every request as the OpenAPI document says", () => {
    expect(check.failures).to.deep.equal([]);
    expect([...check.answered.keys()]).to.include("GET /v1/objections");
  });
});
