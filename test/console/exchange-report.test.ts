import { expect } from "chai";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { org, type ActorName } from "../../scripts/scenarios/world.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { signInAsMember, useConsoleSuite, chooseEnglish } from "./browser.ts";

interface Check {
  id: string;
  result: string;
}

/** The exchange reads a product's listing verification report in the browser, as the service signs it. */
describe("console: the exchange's verification report", function () {
  this.timeout(240_000);
  let c: Record<ActorName, LedgerClient>;
  const t = useConsoleSuite(async (svc) => {
    c = clientsFor(svc.service, svc.url);
    await playStory(svc.service, c);
    await c.ex.issueListingReport("P1");
  });
  const signInAs = (name: ActorName) => signInAsMember(t.page, t.svc.url, name, "exchange report passphrase");

  it("shows the nine checks of a real product with the service's results, evidence and signature", async () => {
    const expected = await c.ex.get<{ report: { verdict: string; checks: Check[] } }>(
      "/v1/products/P1/verification-report",
    );
    expect(expected.report.checks).to.have.length(9);
    await signInAs("ex");
    await t.page.getByRole("menuitem", { name: "上架核验报告" }).click();
    await t.page.getByLabel("产品编号").fill("P1");
    await t.page.getByRole("button", { name: "查看报告" }).click();
    await t.page.getByRole("heading", { name: "核验项" }).waitFor();
    const rows = t.page.locator(".listing-report .ant-table").first().locator("tbody tr");
    expect(await rows.count()).to.equal(9);
    const words: Record<string, string> = { pass: "通过", fail: "不通过", "not-judged": "未判定" };
    for (const [i, check] of expected.report.checks.entries()) {
      const cells = rows.nth(i).locator("td");
      expect(await cells.nth(1).innerText(), check.id).to.equal(words[check.result]);
    }
    // Evidence names the signed records, with their hashes.
    expect(await rows.nth(0).locator("td").nth(3).innerText()).to.include(`actor ${org("op")}`);
    const hash = await t.page
      .getByText(/^[0-9a-f]{64}$/)
      .first()
      .innerText();
    expect(hash).to.match(/^[0-9a-f]{64}$/);
    expect(t.page.url()).to.match(/#\/exchange\/report\/P1$/);
    expect(t.errors).to.deep.equal([]);
  });

  it("prints the report alone and reads in English", async () => {
    await signInAs("ex");
    await t.page.goto(`${t.svc.url}/#/exchange/report/P1`);
    await t.page.getByRole("heading", { name: "核验项" }).waitFor();
    await t.page.emulateMedia({ media: "print" });
    expect(await t.page.getByRole("button", { name: "打印" }).isVisible()).to.equal(false);
    expect(await t.page.getByLabel("产品编号").isVisible()).to.equal(false);
    expect(await t.page.getByRole("heading", { name: "核验项" }).isVisible()).to.equal(true);
    await t.page.emulateMedia({ media: "screen" });
    await chooseEnglish(t.page);
    await t.page.getByRole("heading", { name: "Checks" }).waitFor();
    await t.page.getByText("Seller identity and blacklist").waitFor();
  });

  it("shows the service's refusal to an operator who holds no part of the product's grant", async () => {
    await signInAs("op2");
    await t.page.goto(`${t.svc.url}/#/exchange/report/P1`);
    await t.page.getByRole("alert").filter({ hasText: "请求失败" }).waitFor();
    expect(await t.page.getByRole("heading", { name: "核验项" }).count()).to.equal(0);
  });
});
