import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { PriceCapList } from "../../core/desk-lists.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { clientsFor } from "../../scripts/scenarios/service-story.ts";
import { actorBody, type ActorName } from "../../scripts/scenarios/world.ts";
import { ResponseCheck } from "./openapi-check.ts";
import { testConfig } from "./test-config.ts";

/**
 * GET /v1/price-caps: the caps in force, read by every signed caller (they bound every industry
 * product's price), filtered by domain and charging unit, in cursor pages; a later cap of the
 * same domain and unit replaces the earlier one; every answer checked against the OpenAPI document.
 */
describe("price caps in force (GET /v1/price-caps): readers, filters, cursor pages", function () {
  this.timeout(180_000);
  let dir: string;
  let service: RunningService;
  let c: Record<ActorName, LedgerClient>;
  let check: ResponseCheck;
  const caps = async (who: ActorName, query = "") => (await c[who].get<PriceCapList>(`/v1/price-caps${query}`)).caps;
  const ids = async (who: ActorName, query = "") => (await caps(who, query)).map((cap) => cap.id);
  let setHashes: Record<string, string>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-price-caps-"));
    service = await startService(testConfig(dir), { env: { LEDGER_AGENCY_PASSPHRASE: "price caps test" } });
    const base = `http://127.0.0.1:${service.address().port}`;
    c = clientsFor(service, base);
    check = await ResponseCheck.install(base);
    for (const name of ["op", "con", "sup"] as const) await c.agency.submit("actor.register", actorBody(name));
    const set = async (domain: string, chargeUnit: string, maxPriceFen: number) =>
      (await c.agency.submit("cap.set", { domain, chargeUnit, maxPriceFen } as never)).recordHash;
    setHashes = {
      "finance/per-call": await set("finance", "per-call", 1000),
      "health/per-call": await set("health", "per-call", 500),
      "finance/per-volume": await set("finance", "per-volume", 20_000),
    };
    // A later cap of the same domain and unit replaces the first.
    setHashes["finance/per-call"] = await set("finance", "per-call", 1200);
  });
  after(async () => {
    check?.restore();
    await service?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("lists every cap in force to every signed caller, each with the record that set it last", async () => {
    for (const who of ["agency", "op", "con", "sup"] as const)
      expect(await ids(who), who).to.deep.equal(["finance/per-call", "finance/per-volume", "health/per-call"]);
    const [first] = await caps("op");
    expect(first!.view).to.deep.equal({
      kind: "price-cap",
      domain: "finance",
      chargeUnit: "per-call",
      maxPriceFen: 1200,
    });
    expect(first!.recordHash).to.equal(setHashes["finance/per-call"]);
    const history = await service.store.historyOf("price-cap", "finance/per-call");
    expect(history).to.have.length(2);
    expect(first!.setAt).to.equal(history.at(-1)!.blockTime);
  });

  it("filters by domain and by charging unit, and both together", async () => {
    expect(await ids("op", "?domain=finance")).to.deep.equal(["finance/per-call", "finance/per-volume"]);
    expect(await ids("op", "?chargeUnit=per-call")).to.deep.equal(["finance/per-call", "health/per-call"]);
    expect(await ids("op", "?domain=health&chargeUnit=per-call")).to.deep.equal(["health/per-call"]);
    expect(await ids("op", "?domain=trade")).to.deep.equal([]);
  });

  it("pages with the cursor, the filters carried across pages", async () => {
    const first = await c.con.get<PriceCapList>("/v1/price-caps?limit=2");
    expect(first.caps.map((cap) => cap.id)).to.deep.equal(["finance/per-call", "finance/per-volume"]);
    expect(first.nextCursor).to.be.a("string");
    const second = await c.con.get<PriceCapList>(`/v1/price-caps?limit=2&cursor=${first.nextCursor}`);
    expect(second.caps.map((cap) => cap.id)).to.deep.equal(["health/per-call"]);
    expect(second.nextCursor).to.equal(null);
    const filtered = await c.con.get<PriceCapList>("/v1/price-caps?limit=1&chargeUnit=per-call");
    expect(filtered.caps.map((cap) => cap.id)).to.deep.equal(["finance/per-call"]);
    const rest = await c.con.get<PriceCapList>(
      `/v1/price-caps?limit=1&chargeUnit=per-call&cursor=${filtered.nextCursor}`,
    );
    expect(rest.caps.map((cap) => cap.id)).to.deep.equal(["health/per-call"]);
  });

  it("refuses a bad filter, limit or cursor, naming the parameter, and an unsigned request", async () => {
    for (const [query, field] of [
      ["?domain=energy", "domain"],
      ["?chargeUnit=per-hour", "chargeUnit"],
      ["?domain=finance&domain=health", "domain"],
      ["?limit=501", "limit"],
      ["?cursor=%2F%2F", "cursor"],
    ] as const) {
      const res = await c.op.raw("GET", `/v1/price-caps${query}`);
      expect(res.status, query).to.equal(400);
      const error = (res.json as { error: { code: string; details?: { field?: string } } }).error;
      expect(error.code, query).to.equal("MALFORMED_REQUEST");
      expect(error.details?.field, query).to.equal(field);
    }
    const zh = await c.op.withLanguage("zh").raw("GET", "/v1/price-caps?domain=energy");
    expect((zh.json as { error: { message: string } }).error.message).to.match(/[\u4e00-\u9fff]/);
    expect((await c.op.raw("GET", "/v1/price-caps", undefined, { public: true })).status).to.equal(401);
  });

  it("answered every request as the OpenAPI document says", () => {
    expect(check.failures).to.deep.equal([]);
    expect([...check.answered.keys()]).to.include("GET /v1/price-caps");
  });
});
