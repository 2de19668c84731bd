import { expect } from "chai";
import type { PublicListing, PublicProductPage } from "../../core/public-list.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { hopBody, productBody } from "../../scripts/scenarios/fixtures.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import type { ActorName } from "../../scripts/scenarios/world.ts";
import { seriousViolations } from "./axe.ts";
import { chooseEnglish, useConsoleSuite } from "./browser.ts";

/**
 * The public product list in the browser, no sign-in: more products listed than one page holds,
 * so the rest come with the service's next cursor page; search and the charge filter asked of the
 * service (they find products on pages not yet loaded), a search that matches nothing said so,
 * and the last-published date, in Chinese and English.
 */
describe("console: the public product list, paged, searched and filtered by the service", function () {
  this.timeout(300_000);
  const EXTRA = 54;
  let c: Record<ActorName, LedgerClient>;
  let listed: PublicListing[];
  const t = useConsoleSuite(async (svc) => {
    c = clientsFor(svc.service, svc.url);
    await playStory(svc.service, c);
    const ids = Array.from({ length: EXTRA }, (_, i) => `P${10 + i}`);
    for (const [i, id] of ids.entries()) {
      const free = i % 3 === 0;
      await c.op.submit(
        "product.register",
        productBody({
          id,
          name: `${free ? "Open register" : "Credit score batch"} ${id}`,
          pricing: free
            ? { model: "public-welfare", chargeUnit: "per-call", priceFen: 0 }
            : { model: "industry", chargeUnit: "per-call", priceFen: 100 + i },
        }) as never,
      );
      await c.op.submit("lineage.hop", hopBody(`H${id}`, { productId: id }) as never);
    }
    await svc.service.anchorNow();
    for (const id of ids) {
      const report = await c.ex.issueListingReport(id);
      await c.ex.submit("product.list", { productId: id, reportHash: report.reportHash });
    }
    listed = [];
    for (let cursor: string | null = null; ;) {
      const page: PublicProductPage = await c.con.getPublic<PublicProductPage>(
        `/v1/public/products?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      listed.push(...page.products);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
  });
  const rows = () => t.page.locator(".public-products tbody tr");
  /** Waits until the count under the list says `n` loaded (in Chinese, or English with `en`). */
  const loaded = (n: number, en = false) =>
    t.page
      .getByRole("status")
      .filter({ hasText: en ? new RegExp(`^${n} loaded`) : new RegExp(`^已加载 ${n} 条`) })
      .waitFor();
  const search = async (text: string) => {
    const box = t.page.getByRole("searchbox").or(t.page.getByLabel("按名称、场景或运营机构搜索"));
    await box.first().fill(text);
    await box.first().press("Enter");
  };

  it("shows the first 50 products, then the rest from the next page, each with its last-published date", async () => {
    expect(listed.length).to.be.greaterThan(50);
    await t.page.goto(`${t.svc.url}/#/`);
    await loaded(50);
    expect(await rows().count()).to.equal(50);
    await t.page.getByRole("button", { name: "加载更多" }).click();
    await loaded(listed.length);
    expect(await rows().count()).to.equal(listed.length);
    expect(await t.page.getByRole("button", { name: "加载更多" }).count()).to.equal(0);
    const last = listed.find((p) => p.id === "P63")!;
    const shown = await rows().filter({ hasText: "Credit score batch P63" }).innerText();
    expect(shown).to.include(new Date((last.lastPublished + 8 * 3600) * 1000).toISOString().slice(0, 10));
    expect(shown).to.include(last.priceYuan);
    expect(shown).to.include("已上架");
    expect(await seriousViolations(t.page)).to.deep.equal([]);
  });

  it("finds a product by name on a page not yet loaded, and says so when nothing matches", async () => {
    await t.page.goto(`${t.svc.url}/#/`);
    await rows().nth(49).waitFor();
    await search("batch P62");
    await rows().filter({ hasText: "Credit score batch P62" }).waitFor();
    await loaded(1);
    expect(await rows().count()).to.equal(1);
    await search("no such product");
    await t.page.getByText("没有符合条件的数据产品。").waitFor();
    await search("");
    await rows().nth(49).waitFor();
  });

  it("filters free and charged products by the service, in Chinese and in English", async () => {
    const free = listed.filter((p) => p.charge === "free");
    expect(free.length).to.be.greaterThan(10).and.lessThan(listed.length);
    await t.page.goto(`${t.svc.url}/#/`);
    await rows().nth(49).waitFor();
    await t.page.getByLabel("收费方式").getByText("公益（免费）", { exact: true }).click();
    await loaded(free.length);
    expect(await rows().count()).to.equal(free.length);
    for (const text of await rows().allInnerTexts()) expect(text).to.include("公益（免费）");
    await chooseEnglish(t.page);
    await t.page.getByRole("columnheader", { name: "Last published" }).waitFor();
    await t.page.getByLabel("Charge").getByText("Charged", { exact: true }).click();
    await loaded(listed.length - free.length, true);
    for (const text of await rows().allInnerTexts()) expect(text).to.include("Charged");
  });
});
