import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import type { GrantList, ResourceCatalog } from "../../core/desk-lists.ts";
import { schemaHashOf } from "../../core/records/resource.ts";
import { addCalendarYears } from "../../core/time.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { GRANT_SCOPE, R1_FIELDS, h, resourceBody } from "../../scripts/scenarios/fixtures.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { org, type ActorName } from "../../scripts/scenarios/world.ts";
import { AGENCY_PASSPHRASE, signInAsMember, signInWithKey, useConsoleSuite } from "./browser.ts";

/**
 * Lists longer than the service's pages (100 items a page by default, 500 at most) in the
 * browser: more than 500 resources and more than 500 grants beyond the story's, so that neither
 * the default page nor the largest one holds them all. The freshness page and the agency's
 * catalog show the first page and load the rest on request; the agency's dashboard counts every
 * grant (some suspended ones come after the 500th), and the issue-grant form offers a resource
 * that comes after the 500th, both reading every cursor page by themselves.
 */
describe("console: lists longer than one page of the service", function () {
  this.timeout(300_000);
  const EXTRA_RESOURCES = 505;
  const EXTRA_GRANTS = 520;
  /** In id order after the 500th grant (G-000…G-519, then G1): suspended. */
  const SUSPENDED = ["G-517", "G-518", "G-519"];
  const resourceId = (i: number) => `R3-${String(i).padStart(3, "0")}`;
  /** The resource that sorts last: R1, R2, R3-000 … R3-504. */
  const LAST_RESOURCE = resourceId(EXTRA_RESOURCES - 1);
  let c: Record<ActorName, LedgerClient>;
  let agencyKeyFile: string;

  /** Every item of a list route, read as `who` by following its cursors. */
  async function everyItem<T>(who: LedgerClient, path: string, key: string): Promise<T[]> {
    const all: T[] = [];
    for (let cursor: string | null = null; ;) {
      const page: Record<string, unknown> = await who.get<Record<string, unknown>>(
        `${path}?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      all.push(...(page[key] as T[]));
      cursor = page.nextCursor as string | null;
      if (!cursor) return all;
    }
  }

  const t = useConsoleSuite(async (svc) => {
    c = clientsFor(svc.service, svc.url);
    await playStory(svc.service, c);
    agencyKeyFile = readFileSync(join(svc.dir, "keys/agency.key.json"), "utf8");
    // Each resource as the story's: its source unit approves the schema, then the agency registers it.
    for (let i = 0; i < EXTRA_RESOURCES; i++) {
      const id = resourceId(i);
      await c.su1.submit("resource.review", {
        resourceId: id,
        schemaHash: schemaHashOf(R1_FIELDS),
        decision: "approved",
        reportHash: h(`review-${id}`),
      });
      await c.agency.submit(
        "resource.register",
        resourceBody(id, R1_FIELDS, 2, ["su1"], { holder: svc.service.agencyOrgId }) as never,
      );
    }
    const now = await svc.service.backend.now();
    for (let i = 0; i < EXTRA_GRANTS; i++) {
      const id = `G-${String(i).padStart(3, "0")}`;
      await c.agency.submit("grant.issue", {
        id,
        grantee: org("op"),
        scope: GRANT_SCOPE,
        scenarios: ["credit assessment"],
        validFrom: now,
        validUntil: addCalendarYears(now, 2),
        agreementHash: h(`agreement-${id}`),
      } as never);
    }
    for (const grantId of SUSPENDED) await c.agency.submit("grant.suspend", { grantId, reason: "emergency stop" });
  });

  /** The count under a list (MorePages) says `n` loaded, and whether that is all. */
  const loaded = (n: number, all: boolean) =>
    t.page
      .getByRole("status")
      .filter({ hasText: new RegExp(`^已加载 ${n} 条${all ? " · 已全部加载" : ""}$`) })
      .waitFor();
  const more = () => t.page.getByRole("button", { name: "加载更多" });
  const signInAsAgency = () => signInWithKey(t.page, t.svc.url, agencyKeyFile, AGENCY_PASSPHRASE);

  it("the freshness page shows the first 100 resources, says its filter judges those, and loads the rest", async () => {
    const catalog = await everyItem<ResourceCatalog["resources"][number]>(c.sup, "/v1/resources", "resources");
    expect(catalog).to.have.length(EXTRA_RESOURCES + 2);
    await signInAsMember(t.page, t.svc.url, "sup", "supervisor passphrase");
    await t.page.getByRole("menuitem", { name: "数据资源时效性" }).click();
    await loaded(100, false);
    const rows = t.page.locator(".freshness tbody tr.ant-table-row");
    const pager = t.page.locator(".freshness .ant-pagination");
    // 100 rows at 20 a table page: five pages, the fifth full.
    expect(await pager.locator(".ant-pagination-item").last().getAttribute("title")).to.equal("5");
    await pager.locator('.ant-pagination-item[title="5"]').click();
    await rows.filter({ hasText: `${catalog[99]!.id} · ` }).waitFor();
    expect(await rows.count()).to.equal(20);

    // The overdue/on-time filter is the page's own: while pages remain it says it judges those loaded.
    await t.page.getByLabel("时效状态").click();
    await t.page.locator('.ant-select-item-option[title="按期"]').click();
    await t.page.getByText("筛选仅作用于已加载的 100 条；加载更多后再筛选其余条目。").waitFor();
    await t.page.getByLabel("时效状态").click();
    await t.page.locator('.ant-select-item-option[title="全部"]').click();

    for (let n = 100; n < catalog.length; n += 100) {
      await more().click();
      await loaded(Math.min(n + 100, catalog.length), n + 100 >= catalog.length);
    }
    expect(await more().count()).to.equal(0);
    expect(await t.page.getByText(/筛选仅作用于已加载的/).count()).to.equal(0);
    // Every resource is a row: full table pages of 20, and on the last one the rest, the last resource among them.
    const pages = Math.ceil(catalog.length / 20);
    expect(await pager.locator(".ant-pagination-item").last().getAttribute("title")).to.equal(String(pages));
    await pager.locator(`.ant-pagination-item[title="${pages}"]`).click();
    await rows.filter({ hasText: `${LAST_RESOURCE} · ` }).waitFor();
    expect((pages - 1) * 20 + (await rows.count())).to.equal(catalog.length);
    expect(t.errors).to.deep.equal([]);
  });

  it("the agency's catalog loads the next page on request", async () => {
    await signInAsAgency();
    await t.page.getByRole("menuitem", { name: "数据资源", exact: true }).click();
    await t.page.locator(".agency-resources tbody tr").first().waitFor();
    await loaded(100, false);
    await more().click();
    await loaded(200, false);
    expect(t.errors).to.deep.equal([]);
  });

  it("the supervisor's list of grants to audit loads the next page on request", async () => {
    const grants = await everyItem<GrantList["grants"][number]>(c.sup, "/v1/grants", "grants");
    expect(grants.length).to.equal(EXTRA_GRANTS + 1);
    await signInAsMember(t.page, t.svc.url, "sup", "supervisor passphrase");
    await t.page.getByRole("menuitem", { name: "授权审计" }).click();
    await t.page.locator(".audit-grants tbody tr").first().waitFor();
    await loaded(100, false);
    await more().click();
    await loaded(200, false);
    expect(t.errors).to.deep.equal([]);
  });

  it("the agency's dashboard counts every grant by status, those after the 500th too", async () => {
    const grants = await everyItem<GrantList["grants"][number]>(c.agency, "/v1/grants", "grants");
    expect(grants.length).to.be.greaterThan(500);
    const active = grants.filter((g) => g.view.status === "active").length;
    const suspended = grants.filter((g) => g.view.status === "suspended").length;
    expect(suspended).to.equal(SUSPENDED.length);
    await signInAsAgency();
    await t.page.getByRole("menuitem", { name: "工作台" }).click();
    const counts = t.page.locator(".agency-grant-counts");
    await counts.locator(".ant-statistic").first().waitFor();
    // The counts show as loading until the last page came.
    await counts.locator(".ant-skeleton").first().waitFor({ state: "detached" });
    const statistic = (title: string) =>
      counts
        .locator(".ant-statistic")
        .filter({ has: t.page.locator(".ant-statistic-title", { hasText: new RegExp(`^${title}$`) }) })
        .locator(".ant-statistic-content")
        .innerText();
    expect(await statistic("有效")).to.equal(String(active));
    expect(await statistic("已暂停")).to.equal(String(suspended));
    const asked = t.traffic.filter((r) => r.method === "GET" && new URL(r.url).pathname === "/v1/grants");
    expect(asked.length).to.be.greaterThan(1);
    expect(t.errors).to.deep.equal([]);
  });

  it("the issue-grant form offers a resource after the 500th of the catalog", async () => {
    await signInAsAgency();
    await t.page.getByRole("menuitem", { name: "签发授权" }).click();
    await t.page.getByRole("heading", { name: "签发授权" }).waitFor();
    await t.page.getByLabel("授权的数据资源").click();
    await t.page.keyboard.type(LAST_RESOURCE);
    await t.page
      .locator(".ant-select-dropdown:visible .ant-select-item-option")
      .filter({ hasText: `${LAST_RESOURCE} · Resource ${LAST_RESOURCE}` })
      .click({ timeout: 15_000 });
    await t.page.keyboard.press("Escape");
    expect(await t.page.locator(".agency-granted-fields").innerText()).to.include(
      `${LAST_RESOURCE} · Resource ${LAST_RESOURCE}`,
    );
    expect(t.errors).to.deep.equal([]);
  });
});
