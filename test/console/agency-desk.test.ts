import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { DAY, maxGrantEnd, toCstIso } from "../../core/time.ts";
import type { GrantView, PartnerView } from "../../core/views.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { schemaHashOf, type ResourceField } from "../../core/records/resource.ts";
import { admissionBody, h } from "../../scripts/scenarios/fixtures.ts";
import { org, type ActorName } from "../../scripts/scenarios/world.ts";
import { advanceWallClock, clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { seriousViolations } from "./axe.ts";
import { AGENCY_PASSPHRASE, chooseEnglish, signInWithKey, useConsoleSuite } from "./browser.ts";

/**
 * The implementing agency's desk in the browser against the real service: its dashboard (grants
 * by status, overdue duties, anchoring health and anchoring on request), its journey (register a
 * resource its source unit reviewed, issue a grant from the form, approve the partner the
 * operator proposes, set a price cap, suspend and resume with confirmation), a grant beyond 5 years refused by the chain in Chinese and English on its
 * field, and a revocation confirmed (or cancelled, sending nothing).
 */
/** The page's document, as far as the test reads it (the tests' types have no DOM). */
interface Animated {
  readonly document: { getAnimations(): readonly unknown[] };
}

describe("console: the agency's desk", function () {
  this.timeout(240_000);
  let c: Record<ActorName, LedgerClient>;
  let agencyKeyFile: string;
  // The story is played 45 days ago (the chain stamps blocks with this process's clock), so the
  // monthly resources R1 and R2 are overdue for their next version by now.
  let restoreClock: (() => void) | undefined;
  before(() => {
    restoreClock = advanceWallClock(-45 * DAY);
  });
  after(() => restoreClock?.());
  const t = useConsoleSuite(async (svc) => {
    c = clientsFor(svc.service, svc.url);
    await playStory(svc.service, c);
    restoreClock!();
    restoreClock = undefined;
    agencyKeyFile = readFileSync(join(svc.dir, "keys/agency.key.json"), "utf8");
  });
  const signIn = () => signInWithKey(t.page, t.svc.url, agencyKeyFile, AGENCY_PASSPHRASE);

  it("shows grants by status, the overdue resources, and anchors the log on request", async () => {
    await signIn();
    await t.page.getByRole("menuitem", { name: "工作台" }).click();
    await t.page.getByRole("heading", { name: "工作台" }).waitFor();
    const counts = t.page.locator(".agency-grant-counts");
    await counts.getByText("有效").waitFor();
    await t.page.locator(".agency-overdue tbody tr").filter({ hasText: "resource R2" }).waitFor();
    const statistic = (title: string) =>
      counts.locator(".ant-statistic").filter({ hasText: title }).locator(".ant-statistic-content").innerText();
    expect(await statistic("有效")).to.equal("1");
    expect(await statistic("已暂停")).to.equal("0");
    const overdue = await t.page.locator(".agency-overdue tbody tr").allInnerTexts();
    expect(overdue).to.have.length(2);
    for (const row of overdue) expect(row).to.include("数据资源未按期更新");
    const anchoring = t.page.locator(".agency-anchoring");
    await anchoring.getByText("尚无锚定").waitFor();
    expect(await seriousViolations(t.page)).to.deep.equal([]);

    await t.page.getByRole("button", { name: "立即锚定" }).click();
    await t.page
      .getByRole("alert")
      .filter({ hasText: /已锚定至第 \d+ 条记录/ })
      .waitFor();
    await anchoring.getByText("最新检查点已锚定").waitFor();
    const post = t.traffic.find((r) => r.method === "POST" && r.url.endsWith("/v1/anchors"))!;
    expect(post.headers["x-pdl-actor"]).to.equal(t.svc.service.agencyOrgId);
    expect(post.headers).to.have.property("x-pdl-signature");
    const latest = (await c.con.getPublic<{ anchor: { treeSize: number } }>("/v1/public/checkpoint")).anchor;
    expect(
      await anchoring.locator("tr").filter({ hasText: "最新锚定覆盖的记录数" }).locator("td").innerText(),
    ).to.equal(String(latest.treeSize));
    expect(t.errors).to.deep.equal([]);
  });

  const grantView = async (id: string) => (await c.agency.get<{ view: GrantView }>(`/v1/grants/${id}`)).view;
  /** Today's date and midnight in the browser's time zone, and a date `years` and `days` later. */
  // Source text, not a function: the test's transpiler would wrap a function's inner names in
  // a helper the page does not have.
  const browserDates = () =>
    t.page.evaluate<{ today: string; midnight: number; in2Years: string; in5Years1Day: string }>(`(() => {
      const start = new Date();
      start.setHours(0, 0, 0, 0);
      const later = (years, days) => {
        const d = new Date(start);
        d.setFullYear(d.getFullYear() + years);
        d.setDate(d.getDate() + days);
        return d.toLocaleDateString("sv");
      };
      return {
        today: start.toLocaleDateString("sv"),
        midnight: start.getTime() / 1000,
        in2Years: later(2, 0),
        in5Years1Day: later(5, 1),
      };
    })()`);
  const pickDate = async (label: string | RegExp, date: string) => {
    const input = t.page.getByLabel(label, { exact: true });
    await input.click();
    await input.fill(date);
    // Enter would submit the form; leaving the field keeps the typed date.
    await input.press("Tab");
    await t.page.locator(".ant-picker-dropdown:visible").first().waitFor({ state: "hidden" });
  };
  /** Fills the issue form: grant `id` to `op` of R1's fields a and b, from today to `until`. */
  const fillGrant = async (id: string, until: (d: Awaited<ReturnType<typeof browserDates>>) => string) => {
    const dates = await browserDates();
    const en = (await t.page.locator("html").getAttribute("lang")) === "en";
    await t.page.getByLabel(en ? "Grant ID" : "授权编号").fill(id);
    await t.page.getByLabel(en ? "Operator" : "运营机构", { exact: true }).fill(org("op"));
    await t.page.getByLabel(en ? "Granted resources" : "授权的数据资源").click();
    await t.page.locator(".ant-select-item-option").filter({ hasText: "R1 · Resource R1" }).click();
    await t.page.keyboard.press("Escape");
    await t.page.getByLabel("a", { exact: true }).check();
    await t.page.getByLabel("b", { exact: true }).check();
    const scenarios = t.page.getByLabel(en ? "Scenarios" : "应用场景");
    await scenarios.fill("credit assessment");
    await scenarios.press("Enter");
    await t.page.keyboard.press("Escape");
    await pickDate(en ? "Valid from" : "生效日期", dates.today);
    await pickDate(en ? "Valid until" : "截止日期", until(dates));
    await t.page.getByLabel(en ? /Agreement digest/ : /授权协议摘要/).fill(h(`agreement-${id}`));
    return dates;
  };

  /** Chooses `option` in the Ant Design select labelled `label`. */
  const choose = async (label: string, option: string) => {
    await t.page.getByLabel(label, { exact: true }).click();
    await t.page.locator(".ant-select-dropdown:visible .ant-select-item-option").filter({ hasText: option }).click();
    // Until its closing animation ends, axe would judge the list, not the form.
    await t.page.locator(".ant-select-dropdown:visible").first().waitFor({ state: "hidden" });
  };
  const R3_FIELDS: ResourceField[] = [
    { name: "x", type: "string", personalInfo: false },
    { name: "y", type: "integer", personalInfo: false },
  ];

  it("registers a resource, issues a grant, approves the partner, sets a price cap, suspends and resumes", async () => {
    await signIn();
    // A resource its source unit reviewed: the form shows the schema digest the unit approves.
    await t.page.getByRole("menuitem", { name: "数据资源", exact: true }).click();
    await t.page.locator(".agency-resources tbody tr").filter({ hasText: "R2" }).waitFor();
    await t.page.getByLabel("资源编号").fill("R3");
    await t.page.getByLabel("资源名称").fill("Resource R3");
    await choose("领域", "finance");
    const units = t.page.getByLabel("数据提供单位");
    await units.fill(org("su1"));
    await units.press("Enter");
    await t.page.keyboard.press("Escape");
    await t.page.getByLabel("字段名").fill("x");
    await t.page.getByRole("button", { name: "添加字段" }).click();
    await t.page.getByLabel("字段名").nth(1).fill("y");
    await t.page.getByLabel("类型").nth(1).click();
    await t.page.locator(".ant-select-dropdown:visible .ant-select-item-option").filter({ hasText: "integer" }).click();
    await t.page.getByLabel("数据范围").fill("Longhua");
    await choose("更新频率", "每月");
    await choose("分级", "2 级（低敏感）");
    await t.page.getByLabel("分级理由").fill("enterprise data, no personal information");
    const schemaHash = schemaHashOf(R3_FIELDS);
    await t.page.locator(".agency-register-resource").getByText(schemaHash).waitFor();
    await c.su1.submit("resource.review", {
      resourceId: "R3",
      schemaHash,
      decision: "approved",
      reportHash: h("review-R3"),
    });
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    await t.page.getByRole("button", { name: "签名并登记" }).click();
    await t.page.getByRole("alert").filter({ hasText: "数据资源 R3 已登记" }).waitFor();
    await t.page.locator(".agency-resources tbody tr").filter({ hasText: "R3 · Resource R3" }).waitFor();
    const r3 = await c.agency.get<{ created: { fields: unknown; holder: string } }>("/v1/resources/R3");
    expect(r3.created.fields).to.deep.equal(R3_FIELDS);
    expect(r3.created.holder).to.equal(t.svc.service.agencyOrgId);

    await t.page.getByRole("menuitem", { name: "签发授权" }).click();
    await t.page.getByRole("heading", { name: "签发授权" }).waitFor();
    const dates = await fillGrant("G2", (d) => d.in2Years);
    // The 5-year bound from the chosen start, and the fields about to be granted.
    await t.page.getByText(`最晚截止于 ${toCstIso(maxGrantEnd(dates.midnight))}`).waitFor();
    expect(await t.page.locator(".agency-granted-fields").innerText()).to.include("a、b");
    expect(await t.page.locator(".ant-form-item-explain-error").count()).to.equal(0);
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    await t.page.getByRole("button", { name: "签名并签发" }).click();
    await t.page.getByRole("alert").filter({ hasText: "授权 G2 已签发" }).waitFor();
    const post = t.traffic.find((r) => r.method === "POST" && r.url.endsWith("/v1/grants"))!;
    expect(post.headers).to.have.property("x-pdl-signature");
    const signed = (JSON.parse(post.body) as { record: { op: string; body: Record<string, unknown> } }).record;
    expect(signed.op).to.equal("grant.issue");
    expect(signed.body).to.deep.include({
      id: "G2",
      grantee: org("op"),
      scope: [{ resourceId: "R1", fields: ["a", "b"] }],
      scenarios: ["credit assessment"],
      validFrom: dates.midnight,
    });
    expect((await grantView("G2")).status).to.equal("active");

    // The operator proposes its partner on the new grant; the agency approves it on the grant's page.
    await c.op.submit("partner.propose", {
      ...admissionBody({ time: () => 0 }, { id: "A2", grantId: "G2", scope: [{ resourceId: "R1", fields: ["a"] }] }),
      validUntil: signed.body.validUntil as number,
    });
    await t.page.getByRole("link", { name: "查看授权" }).click();
    await t.page.getByRole("heading", { name: "授权 G2" }).waitFor();
    const admission = t.page.locator(".agency-partners tbody tr").filter({ hasText: "A2" });
    await admission.getByText("待审批").waitFor();
    await admission.getByRole("button", { name: "批准" }).click();
    await admission.getByText("已批准").waitFor();
    const approved = await c.agency.get<{ view: PartnerView }>("/v1/partners/A2");
    expect(approved.view.status).to.equal("approved");

    // A price cap, entered in yuan, signed in fen.
    await t.page.getByRole("menuitem", { name: "价格上限", exact: true }).click();
    await choose("领域", "finance");
    await choose("计费单位", "按数据量");
    await t.page.getByLabel("价格上限（元）").fill("12.5");
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    await t.page.getByRole("button", { name: "签名并设定" }).click();
    await t.page.getByRole("alert").filter({ hasText: "finance · 按数据量 的价格上限已设定为 12.50 元" }).waitFor();
    const cap = t.traffic.filter((r) => r.method === "POST" && r.url.endsWith("/v1/records")).at(-1)!;
    expect((JSON.parse(cap.body) as { record: unknown }).record).to.deep.include({
      op: "cap.set",
      body: { domain: "finance", chargeUnit: "per-volume", maxPriceFen: 1250 },
    });

    // Suspend: asked for a reason, confirmed, then resumed the same way.
    await t.page.getByRole("menuitem", { name: "授权管理" }).click();
    const row = t.page.locator(".agency-grants tbody tr").filter({ has: t.page.getByRole("link", { name: "G2" }) });
    await row.getByText("有效", { exact: true }).waitFor();
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    await row.getByRole("button", { name: "暂停" }).click();
    const dialog = t.page.getByRole("dialog");
    await dialog.locator(".ant-modal-confirm-title").getByText("暂停授权 G2？").waitFor();
    expect(await dialog.getByRole("button", { name: "暂停" }).isDisabled()).to.equal(true);
    await dialog.getByLabel("原因").fill("数据安全风险核查");
    // The OK button turns from disabled to red in a transition; axe judges the colour it ends in.
    await t.page.waitForFunction(() => (globalThis as unknown as Animated).document.getAnimations().length === 0);
    expect(await seriousViolations(t.page, ".ant-modal")).to.deep.equal([]);
    await dialog.getByRole("button", { name: "暂停" }).click();
    await row.getByText("已暂停", { exact: true }).waitFor();
    expect((await grantView("G2")).status).to.equal("suspended");
    await row.getByRole("button", { name: "恢复" }).click();
    await t.page.getByRole("dialog").getByLabel("原因").fill("核查完毕");
    await t.page.getByRole("dialog").getByRole("button", { name: "恢复" }).click();
    await row.getByText("有效", { exact: true }).waitFor();
    expect((await grantView("G2")).status).to.equal("active");
    const suspension = t.traffic.find((r) => r.method === "POST" && r.url.endsWith("/v1/grants/G2/suspension"))!;
    // The captured body is bytes as latin1; the reason is UTF-8 in them.
    const sent = Buffer.from(suspension.body, "latin1").toString("utf8");
    expect((JSON.parse(sent) as { record: { body: unknown } }).record.body).to.deep.equal({
      grantId: "G2",
      reason: "数据安全风险核查",
    });
    expect(t.errors).to.deep.equal([]);
  });

  for (const [language, id, words, detail] of [
    ["Chinese", "G3", "授权运营期限不得超过 5 年。", "最晚结束时间"],
    ["English", "G4", "A grant may last at most 5 years.", "latest end"],
  ] as const)
    it(`shows the chain's refusal of a grant beyond 5 years on its field, in ${language}`, async () => {
      await signIn();
      if (language === "English") await chooseEnglish(t.page);
      await t.page.goto(`${t.svc.url}/#/agency/grants/new`);
      const dates = await fillGrant(id, (d) => d.in5Years1Day);
      await t.page.getByRole("button", { name: language === "English" ? "Sign and issue" : "签名并签发" }).click();
      const refusal = t.page.locator(".agency-refusal");
      await refusal.waitFor();
      const text = await refusal.innerText();
      // The latest end it names: in Chinese as a Beijing time with its seconds, in English the
      // chain's own sentence with the seconds.
      const latest = maxGrantEnd(dates.midnight);
      expect(text).to.include(words).and.include(detail).and.include(String(latest));
      if (language === "Chinese") expect(text).to.include(toCstIso(latest));
      // The same words on the field the refusal concerns.
      const fieldError = t.page.locator(".ant-form-item").filter({ has: t.page.locator("#validUntil") });
      expect(await fieldError.locator(".ant-form-item-explain").innerText()).to.include(words);
      // Refused by the chain, not by the form: the signed request went out.
      expect(t.traffic.filter((r) => r.method === "POST" && r.url.endsWith("/v1/grants"))).to.have.length(1);
      const grants = await c.agency.get<{ grants: { id: string }[] }>("/v1/grants");
      expect(grants.grants.map((g) => g.id)).not.to.include(id);
    });

  it("revokes a grant only once confirmed: cancelling sends nothing", async () => {
    await signIn();
    await t.page.goto(`${t.svc.url}/#/agency/grants/G1`);
    await t.page.getByRole("heading", { name: "授权 G1" }).waitFor();
    await t.page.getByRole("button", { name: "撤销", exact: true }).click();
    await t.page.getByRole("dialog").getByText("撤销不可恢复", { exact: false }).waitFor();
    await t.page.getByRole("dialog").getByRole("button", { name: "取消" }).click();
    await t.page.getByRole("dialog").waitFor({ state: "hidden" });
    expect(t.traffic.filter((r) => r.url.endsWith("/revocation"))).to.deep.equal([]);
    expect((await grantView("G1")).status).to.equal("active");
    await t.page.getByRole("button", { name: "撤销", exact: true }).click();
    await t.page.getByRole("dialog").getByLabel("原因").fill("严重违反授权运营协议");
    await t.page.getByRole("dialog").getByRole("button", { name: "撤销" }).click();
    await t.page.getByRole("alert").filter({ hasText: "授权 G1 已撤销" }).waitFor();
    await t.page.locator(".agency-grant").getByText("已撤销").waitFor();
    expect((await grantView("G1")).status).to.equal("revoked");
    expect(t.errors).to.deep.equal([]);
  });
});
