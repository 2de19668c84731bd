import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ResponseCheck } from "./openapi-check.ts";
import { addCalendarYears } from "../../core/time.ts";
import type { PublicListing } from "../../core/public-list.ts";
import type { ListingQueueItem } from "../../core/listing-report.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { publicStatus } from "../../ledger-service/src/domain/public-list.ts";
import type { GrantView, ProductView } from "../../core/views.ts";
import { GRANT_SCOPE, h, hopBody, productBody } from "../../scripts/scenarios/fixtures.ts";
import { actorBody, org, type ActorName } from "../../scripts/scenarios/world.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { testConfig } from "./test-config.ts";

/**
 * The public product list tells the truth (issue 15, defect 9), and every list route filters and
 * pages: products whose grant no longer allows trading show why, not "listed"; operators by name;
 * prices in yuan with their unit; `limit`, `cursor` and each documented filter on the public
 * list, the resource catalog, the grant list and the exchange's listing queue.
 */
describe("list routes: the public product list's real status, filters and cursor pages", function () {
  this.timeout(240_000);
  let dir: string;
  let service: RunningService;
  let c: Record<ActorName, LedgerClient>;
  let check: ResponseCheck;
  const base = () => `http://127.0.0.1:${service.address().port}`;

  const get = async (path: string, lang = "en") => {
    const res = await fetch(`${base()}${path}`, { headers: { "accept-language": lang } });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const publicList = async (query = "", lang = "en") => {
    const res = await get(`/v1/public/products${query}`, lang);
    expect(res.status, JSON.stringify(res.json)).to.equal(200);
    return res.json as unknown as { products: PublicListing[]; nextCursor: string | null };
  };
  /** Every page of a signed or public list, following nextCursor. */
  const allPages = async <T>(
    next: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
  ) => {
    const pages: T[][] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const page = await next(cursor);
      pages.push(page.items);
      if (page.nextCursor === null) return pages;
      cursor = page.nextCursor;
    }
    throw new Error("more than 50 pages");
  };

  /** A grant of op's with one product (a lineage hop, so that its report passes), listed by the exchange. */
  const listedProduct = async (n: number, extra: Record<string, unknown> = {}, operator: "op" | "op2" = "op") => {
    const now = await service.backend.now();
    await c.agency.submit("grant.issue", {
      id: `G${n}`,
      grantee: org(operator),
      scope: GRANT_SCOPE,
      scenarios: ["credit assessment"],
      validFrom: now,
      validUntil: addCalendarYears(now, 2),
      agreementHash: h(`agreement-G${n}`),
    } as never);
    await c[operator].submit("product.register", productBody({ id: `P${n}`, grantId: `G${n}`, ...extra }) as never);
    await c[operator].submit("lineage.hop", hopBody(`H${n}`, { grantId: `G${n}`, productId: `P${n}` }) as never);
    await list(`P${n}`);
  };
  const list = async (productId: string) => {
    // The evidence check wants the product's records anchored.
    await service.anchorNow();
    const signed = await c.ex.issueListingReport(productId);
    expect(signed.report.verdict, `${productId}'s report`).to.equal("pass");
    await c.ex.submit("product.list", { productId, reportHash: signed.reportHash });
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-public-list-"));
    service = await startService(testConfig(dir), { env: { LEDGER_AGENCY_PASSPHRASE: "public list test" } });
    c = clientsFor(service, base());
    check = await ResponseCheck.install(base());
    await playStory(service, c);
    await list("P1");
    // P2: its grant suspended; P3: revoked; P4: delisted by the exchange; P5: a free product in
    // another domain; P6: op2's, its grant in exit (for a violation, which bans op2); P7 and P8: registered, never listed.
    await listedProduct(2);
    await c.agency.submit("grant.suspend", { grantId: "G2", reason: "inspection" });
    await listedProduct(3);
    await c.agency.submit("grant.revoke", { grantId: "G3", reason: "agreement terminated" });
    await listedProduct(4);
    await c.ex.submit("product.delist", { productId: "P4", reason: "the operator withdrew it" });
    await listedProduct(5, {
      name: "Bus stop footfall",
      domain: "urban-governance",
      scenario: "urban planning",
      serviceForm: "dataset",
      pricing: { model: "public-welfare", chargeUnit: "per-product", priceFen: 0 },
    });
    await listedProduct(6, {}, "op2");
    await c.agency.submit("grant.exit", { grantId: "G6", kind: "violation", reason: "data misuse" });
    await c.op.submit("product.register", productBody({ id: "P7" }) as never);
    await c.op.submit(
      "product.register",
      productBody({
        id: "P8",
        domain: "urban-governance",
        pricing: { model: "public-welfare", chargeUnit: "per-call", priceFen: 0 },
      }) as never,
    );
  });
  after(async () => {
    check?.restore();
    await service?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("shows every listed product with its real status: a suspended, revoked, exiting grant or a delisting is not 'listed'", async () => {
    const { products, nextCursor } = await publicList();
    expect(nextCursor).to.equal(null);
    expect(Object.fromEntries(products.map((p) => [p.id, p.status]))).to.deep.equal({
      P1: "listed",
      P2: "grant-suspended",
      P3: "grant-revoked",
      P4: "delisted",
      P5: "listed",
      P6: "grant-exiting",
    });
    // Resuming the grant puts P2 on offer again.
    await c.agency.submit("grant.resume", { grantId: "G2", reason: "inspection passed" });
    expect((await publicList("?status=listed")).products.map((p) => p.id)).to.deep.equal(["P1", "P2", "P5"]);
    await c.agency.submit("grant.suspend", { grantId: "G2", reason: "inspection again" });
    expect((await publicList("?status=listed")).products.map((p) => p.id)).to.deep.equal(["P1", "P5"]);
  });

  it("names the operator and gives the price in yuan with its unit, in the caller's language", async () => {
    const en = (await publicList("?status=listed")).products;
    const zh = (await publicList("?status=listed", "zh-CN")).products;
    const p1 = en.find((p) => p.id === "P1")!;
    expect(p1).to.include({
      operator: org("op"),
      operatorName: actorBody("op").name,
      priceFen: 500,
      priceYuan: "5.00",
    });
    expect(p1.priceText).to.equal("¥5.00 per call");
    expect(zh.find((p) => p.id === "P1")!.priceText).to.equal("5.00 元/次");
    const p5 = en.find((p) => p.id === "P5")!;
    expect(p5).to.include({ charge: "free", priceYuan: "0.00", priceText: "free" });
    expect(zh.find((p) => p.id === "P5")!.priceText).to.equal("免费");
    expect(p1.listedAt).to.be.a("number").above(0);
    expect(p1.lastPublished).to.be.at.least(p1.listedAt);
    // A grant's suspension is a change the list publishes (in the same second as the listing when the run is fast).
    const p2 = (await publicList("?status=grant-suspended")).products[0]!;
    expect(p2.lastPublished).to.be.at.least(p2.listedAt);
  });

  it("filters the public list by domain, charge, service form, operator and text", async () => {
    const ids = async (q: string) => (await publicList(q)).products.map((p) => p.id);
    expect(await ids("?domain=urban-governance")).to.deep.equal(["P5"]);
    expect(await ids("?domain=finance&status=listed")).to.deep.equal(["P1"]);
    expect(await ids("?domain=health")).to.deep.equal([]);
    expect(await ids("?charge=free")).to.deep.equal(["P5"]);
    expect(await ids("?serviceForm=dataset")).to.deep.equal(["P5"]);
    expect(await ids(`?operator=${org("op2")}`)).to.deep.equal(["P6"]);
    expect(await ids(`?operator=${org("op")}&status=delisted`)).to.deep.equal(["P4"]);
    expect(await ids("?q=FOOTFALL")).to.deep.equal(["P5"]);
    expect(await ids(`?q=${encodeURIComponent(actorBody("op").name)}&status=listed`)).to.deep.equal(["P1", "P5"]);
  });

  it("pages the public list with limit and cursor: every product once, in order, the last page's cursor null", async () => {
    const pages = await allPages(async (cursor) => {
      const page = await publicList(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      return { items: page.products.map((p) => p.id), nextCursor: page.nextCursor };
    });
    expect(pages).to.deep.equal([
      ["P1", "P2"],
      ["P3", "P4"],
      ["P5", "P6"],
    ]);
    // Filters and pages together: the cursor continues the filtered list.
    const listed = await allPages(async (cursor) => {
      const page = await publicList(`?status=listed&limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      return { items: page.products.map((p) => p.id), nextCursor: page.nextCursor };
    });
    expect(listed).to.deep.equal([["P1"], ["P5"]]);
    expect((await publicList("?limit=6")).nextCursor).to.equal(null);
    expect((await publicList("?limit=500")).products).to.have.length(6);
  });

  it("refuses a bad limit, cursor or filter value, naming the parameter", async () => {
    for (const [query, field] of [
      ["?limit=0", "limit"],
      ["?limit=501", "limit"],
      ["?limit=ten", "limit"],
      ["?limit=1&limit=2", "limit"],
      ["?cursor=%2F%2F", "cursor"],
      ["?cursor=UDF", "cursor"],
      ["?status=sold", "status"],
      ["?charge=cheap", "charge"],
      ["?serviceForm=fax", "serviceForm"],
      ["?domain=a&domain=b", "domain"],
    ] as const) {
      const res = await get(`/v1/public/products${query}`);
      expect(res.status, query).to.equal(400);
      const error = res.json.error as { code: string; details?: { field?: string } };
      expect(error.code, query).to.equal("MALFORMED_REQUEST");
      expect(error.details?.field, query).to.equal(field);
    }
  });

  it("pages and filters the resource catalog and the grant list", async () => {
    const resources = await allPages(async (cursor) => {
      const page = await c.agency.get<{ resources: { id: string }[]; nextCursor: string | null }>(
        `/v1/resources?limit=1${cursor ? `&cursor=${cursor}` : ""}`,
      );
      return { items: page.resources.map((r) => r.id), nextCursor: page.nextCursor };
    });
    expect(resources).to.deep.equal([["R1"], ["R2"]]);
    const r1 = await c.agency.get<{ resources: { record: { grade: number; domain: string } }[] }>(
      "/v1/resources?grade=2",
    );
    expect(r1.resources.map((r) => r.record.grade)).to.deep.equal([2]);
    const domain = r1.resources[0]!.record.domain;
    expect(
      (await c.agency.get<{ resources: unknown[] }>(`/v1/resources?domain=${domain}`)).resources.length,
    ).to.be.above(0);
    expect((await c.agency.get<{ resources: unknown[] }>("/v1/resources?domain=health")).resources).to.deep.equal([]);

    const grants = await allPages(async (cursor) => {
      const page = await c.sup.get<{ grants: { id: string }[]; nextCursor: string | null }>(
        `/v1/grants?limit=3${cursor ? `&cursor=${cursor}` : ""}`,
      );
      return { items: page.grants.map((g) => g.id), nextCursor: page.nextCursor };
    });
    expect(grants).to.deep.equal([
      ["G1", "G2", "G3"],
      ["G4", "G5", "G6"],
    ]);
    const ids = async (q: string) =>
      (await c.sup.get<{ grants: { id: string }[] }>(`/v1/grants${q}`)).grants.map((g) => g.id);
    expect(await ids("?status=revoked")).to.deep.equal(["G3"]);
    expect(await ids("?status=active")).to.deep.equal(["G1", "G4", "G5"]);
    expect(await ids(`?grantee=${org("op2")}`)).to.deep.equal(["G6"]);
    expect(await ids(`?grantee=${org("op2")}&status=active`)).to.deep.equal([]);
    // An operator pages through its own grants only.
    const own = await c.op2.get<{ grants: { id: string }[]; nextCursor: string | null }>("/v1/grants?limit=1");
    expect(own).to.deep.include({ nextCursor: null });
    expect(own.grants.map((g) => g.id)).to.deep.equal(["G6"]);
    const refused = await c.sup.raw("GET", "/v1/grants?status=gone");
    expect(refused.status).to.equal(400);
    expect((refused.json as { error: { details: { field: string } } }).error.details.field).to.equal("status");
    expect((await c.sup.raw("GET", "/v1/resources?limit=-1")).status).to.equal(400);
  });

  it("queues the products registered and not listed, with their report's verdict, for the exchange", async () => {
    const queue = await c.ex.get<{ products: ListingQueueItem[]; nextCursor: string | null }>("/v1/exchange/queue");
    expect(queue.products.map((p) => p.productId)).to.deep.equal(["P7", "P8"]);
    const p7 = queue.products[0]!;
    expect(p7).to.include({
      name: "Credit score API",
      grantId: "G1",
      grantStatus: "active",
      operatorName: actorBody("op").name,
    });
    // No lineage hop of its own: its report fails, and says which checks.
    expect(p7.report.verdict).to.equal("fail");
    expect(p7.report.failing).to.include("lineage-complete");
    expect(
      (await c.ex.get<{ products: ListingQueueItem[] }>("/v1/exchange/queue?domain=urban-governance")).products.map(
        (p) => p.productId,
      ),
    ).to.deep.equal(["P8"]);
    expect(
      (await c.ex.get<{ products: ListingQueueItem[] }>("/v1/exchange/queue?verdict=pass")).products,
    ).to.deep.equal([]);
    const first = await c.agency.get<{ products: ListingQueueItem[]; nextCursor: string }>(
      "/v1/exchange/queue?limit=1",
    );
    expect(first.products.map((p) => p.productId)).to.deep.equal(["P7"]);
    const second = await c.agency.get<{ products: ListingQueueItem[]; nextCursor: string | null }>(
      `/v1/exchange/queue?limit=1&cursor=${first.nextCursor}`,
    );
    expect(second).to.deep.include({ nextCursor: null });
    expect(second.products.map((p) => p.productId)).to.deep.equal(["P8"]);
    // A hop (anchored) makes P7's report pass; once listed it leaves the queue.
    await c.op.submit("lineage.hop", hopBody("H7", { productId: "P7" }) as never);
    await service.anchorNow();
    const passing = await c.ex.get<{ products: ListingQueueItem[] }>("/v1/exchange/queue?verdict=pass");
    expect(passing.products.map((p) => p.productId)).to.deep.equal(["P7"]);
    await list("P7");
    expect(
      (await c.ex.get<{ products: ListingQueueItem[] }>("/v1/exchange/queue")).products.map((p) => p.productId),
    ).to.deep.equal(["P8"]);
    expect((await publicList("?status=listed")).products.map((p) => p.id)).to.include("P7");
    for (const who of ["op", "pa", "con", "su1"] as const)
      expect((await c[who].raw("GET", "/v1/exchange/queue")).status, who).to.equal(403);
  });

  it("answered every request as /openapi.json documents it", () => {
    expect(check.failures).to.deep.equal([]);
  });
});

describe("a listed product's public status", () => {
  const product = (status: ProductView["status"]) => ({ status }) as ProductView;
  const grant = (status: GrantView["status"], validUntil = 2_000) => ({ status, validUntil }) as GrantView;
  it("is listed while the grant is active and in its term, up to the second before it ends", () => {
    expect(publicStatus(product("listed"), grant("active"), 1_999)).to.equal("listed");
    expect(publicStatus(product("listed"), grant("active"), 2_000)).to.equal("grant-expired");
  });
  it("says why otherwise: the grant closed, revoked, suspended or in exit, or the exchange delisted it", () => {
    expect(publicStatus(product("listed"), grant("closed"), 1_000)).to.equal("grant-closed");
    expect(publicStatus(product("listed"), grant("revoked"), 1_000)).to.equal("grant-revoked");
    expect(publicStatus(product("listed"), grant("suspended"), 1_000)).to.equal("grant-suspended");
    expect(publicStatus(product("listed"), grant("exiting"), 1_000)).to.equal("grant-exiting");
    expect(publicStatus(product("delisted"), grant("revoked"), 1_000)).to.equal("delisted");
  });
});
