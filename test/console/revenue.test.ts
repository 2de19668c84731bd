import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { DAY } from "../../core/time.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { MEMBERS, org, type ActorName } from "../../scripts/scenarios/world.ts";
import { advanceWallClock, clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { seriousViolations } from "./axe.ts";
import { AGENCY_PASSPHRASE, chooseEnglish, signInAsMember, signInWithKey, useConsoleSuite } from "./browser.ts";
import { choose, fieldError } from "./operator-forms.ts";

/**
 * Permitted revenue in the browser against the real service: the agency sets the operator's
 * maximum from the form (checked with the rulebook's schema before signing), the operator files
 * exactly 10 % above it (the lower band, a guidance item), a second report is refused in Chinese
 * and in English naming the year, the agency's guidance closes the item; a year filed a day ago
 * at 10 % and one fen above shows the caps the agency still has to set.
 */
describe("console: permitted revenue (the agency sets, the operator files)", function () {
  this.timeout(240_000);
  let c: Record<ActorName, LedgerClient>;
  let agencyKeyFile: string;
  const op = org("op");
  const t = useConsoleSuite(async (svc) => {
    c = clientsFor(svc.service, svc.url);
    agencyKeyFile = readFileSync(join(svc.dir, "keys/agency.key.json"), "utf8");
    // The story and 2024's report a day ago, 10 % and one fen above: the finance cap the story
    // set before the report is pending.
    const restore = advanceWallClock(-DAY);
    try {
      await playStory(svc.service, c);
      await c.agency.submit("revenue.setMaximum", {
        operator: op,
        year: 2024,
        domains: ["finance"],
        operatingCostFen: 80_000_000,
        permittedProfitFen: 15_000_000,
        taxFen: 5_000_000,
      });
      await c.op.submit("revenue.report", { operator: op, year: 2024, actualRevenueFen: 110_000_001 });
    } finally {
      restore();
    }
  });
  const posts = (suffix: string) => t.traffic.filter((r) => r.method === "POST" && r.url.endsWith(suffix));
  const row = (year: number) => t.page.locator(".revenue-years tbody tr").filter({ hasText: String(year) });

  it("the agency sets a year's maximum from the form, checked before signing", async () => {
    await signInWithKey(t.page, t.svc.url, agencyKeyFile, AGENCY_PASSPHRASE);
    await t.page.getByRole("menuitem", { name: "收益分配" }).click();
    await t.page.getByLabel("运营机构（统一社会信用代码）").fill(op);
    await t.page.getByRole("button", { name: "查看" }).click();
    await row(2024)
      .getByText(/待关闭：实施机构在申报之后重新设定价格上限：finance\/per-call/)
      .waitFor();
    expect(await row(2024).innerText())
      .to.include("1,000,000.00")
      .and.include("1,100,000.01")
      .and.include("10.01 %")
      .and.include("> 10%：调整价格上限")
      .and.include("finance/per-call");

    const form = t.page.locator(".revenue-maximum");
    await form.getByLabel("运营成本（元）").fill("800000.00");
    await form.getByRole("button", { name: "签名并提交" }).click();
    await t.page.getByText("表单未通过登记簿格式校验").waitFor();
    expect(await fieldError(form, "年度").innerText()).to.match(/[\u4e00-\u9fff]/);
    expect(posts("/revenue/maximum")).to.deep.equal([]);

    await form.getByLabel("年度").fill("2025");
    await choose(t.page, form, "所涉领域", "金融");
    await form.getByLabel("准许利润（元）").fill("150000");
    await form.getByLabel("税金（元）").fill("50000.5");
    await form.getByRole("button", { name: "签名并提交" }).click();
    await form.getByText("已上链").waitFor();
    expect(await row(2025).innerText())
      .to.include("1,000,000.50")
      .and.include("成本 800,000.00 · 利润 150,000.00 · 税金 50,000.50")
      .and.include("未申报");
    const [post] = posts("/revenue/maximum");
    expect(post!.headers["x-pdl-actor"]).to.equal(t.svc.service.agencyOrgId);
    expect(post!.headers).to.have.property("x-pdl-signature");
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    expect(t.errors).to.deep.equal([]);
  });

  it("the operator files exactly 10 % above (guidance); a second report is refused in Chinese and English", async () => {
    await signInAsMember(t.page, t.svc.url, "op", "revenue passphrase");
    await t.page.getByRole("menuitem", { name: "收益分配" }).click();
    await row(2025).waitFor();
    const form = t.page.locator(".revenue-report");
    await form.getByLabel("年度").fill("2025");
    // Typed as it is read, grouped in thousands: still exact fen.
    await form.getByLabel("实际收入（元）").fill("1,100,000.55");
    await form.getByRole("button", { name: "签名并提交" }).click();
    await form.getByText("已上链").waitFor();
    await row(2025).getByText("≤ 10%：指导调价").waitFor();
    expect(JSON.parse(posts("/revenue/report")[0]!.body)).to.have.nested.property(
      "record.body.actualRevenueFen",
      110_000_055,
    );
    expect(await row(2025).innerText())
      .to.include("1,100,000.55")
      .and.include("10.00 %")
      .and.include("待关闭：运营机构在所涉领域调整产品价格，或实施机构记录调价指导");

    await form.getByRole("button", { name: "签名并提交" }).click();
    const refusal = t.page.locator(".revenue-refusal");
    await refusal.getByText("涉及字段：年度").waitFor();
    expect(await refusal.innerText()).to.match(/[\u4e00-\u9fff]{4}/);
    expect(await fieldError(form, "年度").count()).to.equal(1);

    await chooseEnglish(t.page);
    await form.getByRole("button", { name: "Sign and submit" }).click();
    await refusal.getByText("Field concerned: Year").waitFor();
    expect(await refusal.innerText()).to.match(/already/i);
    // Amounts are grouped in English as well.
    expect(await row(2025).innerText())
      .to.include("1,100,000.55")
      .and.include("cost 800,000.00");
    expect(posts("/revenue/report")).to.have.length(3);
    const secret = MEMBERS.op.sm2PrivateKey.toLowerCase();
    for (const r of t.traffic) expect(JSON.stringify(r).toLowerCase()).not.to.include(secret);
    expect(await seriousViolations(t.page)).to.deep.equal([]);
  });

  it("the agency's guidance closes the item", async () => {
    await signInWithKey(t.page, t.svc.url, agencyKeyFile, AGENCY_PASSPHRASE);
    await t.page.goto(`${t.svc.url}/#/revenue/${op}`);
    await row(2025).getByText("待关闭", { exact: false }).waitFor();
    const form = t.page.locator(".revenue-guide");
    await form.getByLabel("年度").fill("2025");
    await form.getByLabel("指导内容").fill("Lower the per-call price of the credit score API");
    await form.getByRole("button", { name: "签名并提交" }).click();
    await row(2025).getByText("已关闭：实施机构已记录指导").waitFor();
    expect(t.errors).to.deep.equal([]);
  });

  it("a supervisor reads the same years, without the forms", async () => {
    await signInAsMember(t.page, t.svc.url, "sup", "revenue passphrase");
    await t.page.goto(`${t.svc.url}/#/revenue/${op}`);
    await row(2025).getByText("已关闭：实施机构已记录指导").waitFor();
    expect(await t.page.locator(".revenue-maximum, .revenue-guide, .revenue-report").count()).to.equal(0);
    expect(t.errors).to.deep.equal([]);
  });
});
