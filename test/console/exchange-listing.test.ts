import { expect } from "chai";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import type { ActorName } from "../../scripts/scenarios/world.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { hopBody, productBody } from "../../scripts/scenarios/fixtures.ts";
import { seriousViolations } from "./axe.ts";
import { chooseEnglish, signInAsMember, useConsoleSuite } from "./browser.ts";

/**
 * The exchange's listing desk in the browser against the real service: the queue, a report that
 * passes listed and delisted from its page, a failing one offering nothing to list, and the
 * chain's refusal (a product listed meanwhile, from another desk) in the language the user reads.
 */
describe("console: the exchange lists and delists from the report", function () {
  this.timeout(240_000);
  let c: Record<ActorName, LedgerClient>;
  const t = useConsoleSuite(async (svc) => {
    c = clientsFor(svc.service, svc.url);
    await playStory(svc.service, c);
    // P2 has no hop of its own: its report fails lineage-complete. P3 and P4 pass like P1.
    await c.op.submit("product.register", productBody({ id: "P2", name: "Enterprise registry extract" }) as never);
    for (const id of ["P3", "P4"]) {
      await c.op.submit("product.register", productBody({ id, name: `Credit score batch ${id}` }) as never);
      await c.op.submit("lineage.hop", hopBody(`H${id}`, { productId: id }) as never);
    }
    // The evidence check wants the products' records anchored.
    await svc.service.anchorNow();
    // P1's report is issued in the browser; the others' here.
    for (const id of ["P2", "P3", "P4"]) await c.ex.issueListingReport(id);
  });
  const signIn = () => signInAsMember(t.page, t.svc.url, "ex", "exchange listing passphrase");
  const listedElsewhere = async (productId: string) => {
    const issued = await c.ex.listingReport(productId);
    await c.ex.submit("product.list", { productId, reportHash: issued.reportHash });
  };
  /** Waits until the public list (as anyone reads it) shows the product in `status`. */
  const publicListShows = async (name: string, status: string) => {
    await t.page.goto(`${t.svc.url}/#/`);
    const row = t.page.locator(".public-products tbody tr").filter({ hasText: name });
    await row.locator("td").last().getByText(status, { exact: true }).waitFor();
  };

  it("queues the products awaiting listing with their verdicts and passes axe", async () => {
    await signIn();
    await t.page.getByRole("menuitem", { name: "待上架产品" }).click();
    const rows = t.page.locator(".listing-queue tbody tr");
    await rows.filter({ hasText: "P4" }).waitFor();
    const byId = new Map<string, string>();
    for (const text of await rows.allInnerTexts()) byId.set(text.split(" ")[0]!, text);
    expect([...byId.keys()].sort()).to.deep.equal(["P1", "P2", "P3", "P4"]);
    expect(byId.get("P1")).to.include("通过").and.not.include("不通过");
    expect(byId.get("P2")).to.include("不通过").and.include("加工链路完整");
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    expect(t.errors).to.deep.equal([]);
  });

  it("issues a passing product's report, lists it, the public list shows it, and delists it with a reason", async () => {
    await signIn();
    await t.page.goto(`${t.svc.url}/#/exchange/queue`);
    await t.page.getByRole("link", { name: "P1 · Credit score API" }).click();
    // No report issued yet: nothing to list, the next step offered.
    await t.page.getByText("产品 P1 尚未出具上架核验报告。").waitFor();
    expect(await t.page.getByRole("button", { name: "上架", exact: true }).count()).to.equal(0);
    await t.page.getByRole("button", { name: "出具报告" }).click();
    await t.page.getByRole("heading", { name: "核验项" }).waitFor();
    const issued = await c.ex.listingReport("P1");
    expect(t.page.url()).to.match(/#\/exchange\/report\/P1$/);
    const shownHash = await t.page
      .locator(".report-summary tr")
      .filter({ hasText: "reportHash" })
      .locator("td")
      .innerText();
    await t.page.getByRole("button", { name: "上架", exact: true }).waitFor();
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    await t.page.getByRole("button", { name: "上架", exact: true }).click();
    await t.page.getByRole("alert").filter({ hasText: "产品 P1 已上架" }).waitFor();
    // Signed in the browser, naming the report on screen.
    const post = t.traffic.find((r) => r.method === "POST" && r.url.endsWith("/v1/products/P1/listing"))!;
    expect(post.headers).to.have.property("x-pdl-signature");
    expect(shownHash.trim()).to.equal(issued.reportHash);
    expect((JSON.parse(post.body) as { record: unknown }).record).to.deep.include({
      op: "product.list",
      body: { productId: "P1", reportHash: shownHash.trim() },
    });
    await publicListShows("Credit score API", "已上架");

    await t.page.goto(`${t.svc.url}/#/exchange/report/P1`);
    await t.page.getByRole("button", { name: "下架", exact: true }).click();
    const dialog = t.page.getByRole("dialog");
    await dialog.getByRole("button", { name: "下架" }).click();
    await dialog.getByText("请填写下架原因").waitFor();
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    await dialog.getByLabel("下架原因").fill("运营机构申请暂停服务");
    await dialog.getByRole("button", { name: "下架" }).click();
    await t.page.getByRole("alert").filter({ hasText: "产品 P1 已下架" }).waitFor();
    expect(await t.page.getByRole("button", { name: "上架", exact: true }).count()).to.equal(0);
    await publicListShows("Credit score API", "已下架");
    await chooseEnglish(t.page);
    await t.page
      .locator(".public-products tbody tr")
      .filter({ hasText: "Credit score API" })
      .locator("td")
      .last()
      .getByText("Delisted", { exact: true })
      .waitFor();
    // The browser logs the one 404 the service answers by design: P1's report read before its issue.
    expect(t.errors).to.deep.equal([
      "console.error: Failed to load resource: the server responded with a status of 404 (Not Found)",
    ]);
  });

  it("offers no listing for a report that fails", async () => {
    await signIn();
    await t.page.goto(`${t.svc.url}/#/exchange/report/P2`);
    await t.page.getByRole("heading", { name: "核验项" }).waitFor();
    await t.page.locator(".report-summary").getByText("不通过").waitFor();
    expect(await t.page.getByRole("button", { name: /上架|下架/ }).count()).to.equal(0);
  });

  for (const [language, productId, words] of [
    ["Chinese", "P3", /^操作被拒绝：[^]*P3/],
    ["English", "P4", /^Refused: [^]*P4/],
  ] as const)
    it(`shows the chain's refusal of a product listed meanwhile, in ${language}`, async () => {
      await signIn();
      if (language === "English") await chooseEnglish(t.page);
      await t.page.goto(`${t.svc.url}/#/exchange/report/${productId}`);
      const list = t.page.getByRole("button", { name: language === "English" ? "List" : "上架", exact: true });
      await list.waitFor();
      await listedElsewhere(productId);
      await list.click();
      const alert = t.page.locator(".listing-actions").getByRole("alert");
      await alert.waitFor();
      const text = await alert.innerText();
      expect(text).to.match(words);
      // The refusal's own words (after the console's prefix) are the service's, in the language on screen.
      const served = text.replace(/^(操作被拒绝：|Refused: )/, "");
      if (language === "English") expect(served).not.to.match(/[\u4e00-\u9fff]/);
      else expect(served).to.match(/[\u4e00-\u9fff]{2}/);
    });
});
