import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { addCalendarYears } from "../../core/time.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import type { Config } from "../../ledger-service/src/config.ts";
import { rebuildIndexes } from "../../ledger-service/src/reindex.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { GRANT_SCOPE, h } from "../../scripts/scenarios/fixtures.ts";
import { advanceWallClock, clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { org, strangerBody, type ActorName } from "../../scripts/scenarios/world.ts";
import { ResponseCheck } from "./openapi-check.ts";
import { testConfig } from "./test-config.ts";

interface ActorItem {
  orgId: string;
  name: string;
  role: string;
  registeredAt: number;
  blacklist: { bannedUntil: number; active: boolean } | null;
}
interface ActorPage {
  at: number;
  actors: ActorItem[];
  nextCursor: string | null;
}
interface BlacklistItem {
  orgId: string;
  name: string | null;
  role: string | null;
  bannedUntil: number;
  active: boolean;
  bans: { op: string; at: number; reason: string; grantId: string | null }[];
}
interface BlacklistPage {
  at: number;
  entries: BlacklistItem[];
  nextCursor: string | null;
}

/**
 * The agency's directory (GET /v1/actors, GET /v1/blacklist): who may read each, the role and
 * state filters, cursor pages at their boundaries, the bans of both origins (blacklist.add and
 * an exit for a violation), and the same answers after the indexes are rebuilt.
 */
describe("the organisations and blacklist lists", function () {
  this.timeout(300_000);
  let dir: string;
  let config: Config;
  let service: RunningService;
  let c: Record<ActorName, LedgerClient>;
  let check: ResponseCheck;
  /** What the check found before the restart (it is installed again after). */
  const earlier: string[] = [];
  const base = () => `http://127.0.0.1:${service.address().port}`;
  const stranger = strangerBody("operator", 91).orgId;
  const start = async () => {
    // The generated passphrase kept next to the keys: the reindex below finds it there too.
    service = await startService(config);
    c = clientsFor(service, base());
  };

  /** Every page of `path` at `limit`, following nextCursor. */
  const pagesOf = async <P extends { nextCursor: string | null }>(who: ActorName, path: string, limit: number) => {
    const pages: P[] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes("?") ? "&" : "?";
      const page: P = await c[who].get<P>(`${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor !== null && pages.length < 50);
    return pages;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-directory-"));
    config = testConfig(dir);
    await start();
    check = await ResponseCheck.install(base());
    await playStory(service, c);
    // op2 holds G2 and leaves it for a violation (banned by the exit); con is blacklisted by the
    // agency; an organisation never registered is banned before it registers.
    const now = await service.backend.now();
    await c.agency.submit("grant.issue", {
      id: "G2",
      grantee: org("op2"),
      scope: GRANT_SCOPE,
      scenarios: ["credit assessment"],
      validFrom: now,
      validUntil: addCalendarYears(now, 2),
      agreementHash: h("agreement-G2"),
    });
    await c.agency.submit("grant.exit", { grantId: "G2", kind: "violation", reason: "data resold" });
    await c.agency.submit("blacklist.add", { orgId: org("con"), reason: "forged consent" });
    await c.agency.submit("blacklist.add", { orgId: stranger, reason: "fraud before registration" });
  });
  after(async () => {
    check?.restore();
    await service?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("lists every organisation to the agency, supervisors and the exchange, in id order with its blacklist state", async () => {
    const all = await c.agency.get<ActorPage>("/v1/actors");
    expect(all.nextCursor).to.equal(null);
    const ids = all.actors.map((a) => a.orgId);
    expect(ids).to.deep.equal([...ids].sort());
    expect(ids).to.have.members([
      service.agencyOrgId,
      ...(["su1", "su2", "op", "op2", "pa", "ex", "sup", "con"] as const).map(org),
    ]);
    const byId = new Map(all.actors.map((a) => [a.orgId, a]));
    expect(byId.get(org("op"))).to.include({ name: "Conformance op", role: "operator", blacklist: null });
    expect(byId.get(org("op"))!.registeredAt).to.be.within(1, all.at);
    expect(byId.get(org("con"))!.blacklist).to.include({ active: true });
    expect(byId.get(org("op2"))!.blacklist!.bannedUntil).to.be.above(all.at);
    // An organisation banned before it registered is not an organisation of the list.
    expect(ids).not.to.include(stranger);
    for (const who of ["sup", "ex"] as const)
      expect(
        (await c[who].get<ActorPage>("/v1/actors")).actors.map((a) => a.orgId),
        who,
      ).to.deep.equal(ids);
  });

  it("shows any other organisation only itself", async () => {
    for (const who of ["op", "pa", "su1", "con"] as const) {
      const page = await c[who].get<ActorPage>("/v1/actors");
      expect(
        page.actors.map((a) => a.orgId),
        who,
      ).to.deep.equal([org(who)]);
    }
    // Its own ban it may read (as GET /v1/blacklist/:orgId answers it).
    expect((await c.con.get<ActorPage>("/v1/actors")).actors[0]!.blacklist).to.include({ active: true });
    expect((await c.op.get<ActorPage>("/v1/actors?role=supervisor")).actors).to.deep.equal([]);
  });

  it("filters organisations by role", async () => {
    const operators = await c.agency.get<ActorPage>("/v1/actors?role=operator");
    expect(operators.actors.map((a) => a.orgId)).to.have.members([org("op"), org("op2")]);
    expect(operators.actors.every((a) => a.role === "operator")).to.equal(true);
    expect((await c.agency.get<ActorPage>("/v1/actors?role=agency")).actors.map((a) => a.orgId)).to.deep.equal([
      service.agencyOrgId,
    ]);
  });

  it("pages organisations one at a time and in one page as long as the list, the last page's cursor null", async () => {
    const all = (await c.agency.get<ActorPage>("/v1/actors")).actors.map((a) => a.orgId);
    const ones = await pagesOf<ActorPage>("agency", "/v1/actors", 1);
    expect(ones.map((p) => p.actors.map((a) => a.orgId))).to.deep.equal(all.map((id) => [id]));
    expect(ones.at(-1)!.nextCursor).to.equal(null);
    // A page exactly as long as the rest is the last one.
    const exact = await pagesOf<ActorPage>("agency", "/v1/actors", all.length);
    expect(exact).to.have.length(1);
    const filtered = await pagesOf<ActorPage>("agency", "/v1/actors?role=operator", 1);
    expect(filtered.map((p) => p.actors.map((a) => a.orgId))).to.deep.equal([[org("op")], [org("op2")]].sort());
  });

  it("refuses a bad role, limit or cursor, naming the parameter", async () => {
    for (const path of ["/v1/actors", "/v1/blacklist"])
      for (const [query, field] of [
        ["?limit=0", "limit"],
        ["?limit=501", "limit"],
        ["?cursor=UDF", "cursor"],
        ["?cursor=%2F%2F", "cursor"],
        [path === "/v1/actors" ? "?role=mayor" : "?state=pending", path === "/v1/actors" ? "role" : "state"],
      ] as const) {
        const res = await c.agency.raw("GET", `${path}${query}`);
        expect(res.status, path + query).to.equal(400);
        const error = (res.json as { error: { code: string; details?: { field?: string } } }).error;
        expect(error.code, path + query).to.equal("MALFORMED_REQUEST");
        expect(error.details?.field, path + query).to.equal(field);
      }
  });

  it("lists the blacklist with each ban's end and the records that banned, for the agency, supervisors and the exchange", async () => {
    const list = await c.agency.get<BlacklistPage>("/v1/blacklist");
    expect(list.nextCursor).to.equal(null);
    expect(list.entries.map((e) => e.orgId)).to.deep.equal([org("con"), org("op2"), stranger].sort());
    const byId = new Map(list.entries.map((e) => [e.orgId, e]));
    expect(byId.get(org("con"))).to.deep.include({ name: "Conformance con", role: "consumer", active: true });
    expect(byId.get(org("con"))!.bans).to.deep.equal([
      { ...byId.get(org("con"))!.bans[0]!, op: "blacklist.add", reason: "forged consent", grantId: null },
    ]);
    expect(byId.get(org("op2"))!.bans.map(({ op, reason, grantId }) => ({ op, reason, grantId }))).to.deep.equal([
      { op: "grant.exit", reason: "data resold", grantId: "G2" },
    ]);
    expect(byId.get(stranger)).to.deep.include({ name: null, role: null, active: true });
    for (const e of list.entries) expect(e.bannedUntil, e.orgId).to.be.above(list.at);
    for (const who of ["sup", "ex"] as const)
      expect((await c[who].get<BlacklistPage>("/v1/blacklist")).entries, who).to.deep.equal(list.entries);
  });

  it("refuses the blacklist to operators, partners, source units and consumers (403), who read only their own entry", async () => {
    for (const who of ["op", "op2", "pa", "su1", "con"] as const) {
      const res = await c[who].raw("GET", "/v1/blacklist");
      expect(res.status, who).to.equal(403);
      expect((res.json as { error: { code: string } }).error.code, who).to.equal("FORBIDDEN");
    }
    expect((await c.con.raw("GET", `/v1/blacklist/${org("con")}`)).status).to.equal(200);
    expect((await c.con.raw("GET", `/v1/blacklist/${org("op2")}`)).status).to.equal(403);
  });

  it("pages the blacklist one entry at a time", async () => {
    const pages = await pagesOf<BlacklistPage>("sup", "/v1/blacklist", 1);
    expect(pages.map((p) => p.entries.map((e) => e.orgId))).to.deep.equal(
      [org("con"), org("op2"), stranger].sort().map((id) => [id]),
    );
    expect(pages.at(-1)!.nextCursor).to.equal(null);
  });

  it("a second blacklisting adds its record; the ban never shortens", async () => {
    const before = (await c.agency.get<BlacklistPage>("/v1/blacklist")).entries.find((e) => e.orgId === org("op2"))!;
    await c.agency.submit("blacklist.add", { orgId: org("op2"), reason: "repeated misuse", grantId: "G2" });
    const after = (await c.agency.get<BlacklistPage>("/v1/blacklist")).entries.find((e) => e.orgId === org("op2"))!;
    expect(after.bans.map((b) => b.op)).to.deep.equal(["grant.exit", "blacklist.add"]);
    expect(after.bans[1]).to.include({ reason: "repeated misuse", grantId: "G2" });
    expect(after.bannedUntil).to.be.at.least(before.bannedUntil);
  });

  it("answers the same after the indexes are rebuilt from the chain (npm run reindex)", async () => {
    const actors = await c.agency.get<ActorPage>("/v1/actors");
    const blacklist = await c.agency.get<BlacklistPage>("/v1/blacklist");
    check.restore();
    earlier.push(...check.failures);
    await service.stop();
    await rebuildIndexes(config);
    await start();
    check = await ResponseCheck.install(base());
    expect((await c.agency.get<ActorPage>("/v1/actors")).actors).to.deep.equal(actors.actors);
    expect((await c.agency.get<BlacklistPage>("/v1/blacklist")).entries).to.deep.equal(blacklist.entries);
  });

  it("filters active and ended bans: five years on, every ban has ended", async () => {
    expect((await c.agency.get<BlacklistPage>("/v1/blacklist?state=ended")).entries).to.deep.equal([]);
    expect((await c.agency.get<BlacklistPage>("/v1/blacklist?state=active")).entries).to.have.length(3);
    const restore = advanceWallClock(5 * 366 * 86_400 + 86_400);
    try {
      // A record moves the chain's time on (the embedded chain stamps blocks with the wall clock).
      await c.agency.submit("cap.set", { domain: "finance", chargeUnit: "per-call", maxPriceFen: 900 });
      const ended = await c.agency.get<BlacklistPage>("/v1/blacklist?state=ended");
      expect(ended.entries.map((e) => e.orgId)).to.have.length(3);
      expect(ended.entries.every((e) => !e.active && e.bannedUntil <= ended.at)).to.equal(true);
      expect((await c.agency.get<BlacklistPage>("/v1/blacklist?state=active")).entries).to.deep.equal([]);
      const con = (await c.agency.get<ActorPage>("/v1/actors")).actors.find((a) => a.orgId === org("con"))!;
      expect(con.blacklist).to.include({ active: false });
    } finally {
      restore();
    }
  });

  it("answered every request as /openapi.json documents it", () => {
    expect([...earlier, ...check.failures]).to.deep.equal([]);
  });
});
