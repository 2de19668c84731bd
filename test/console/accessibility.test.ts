import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { expect } from "chai";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { org } from "../../scripts/scenarios/world.ts";
import { AGENCY_PASSPHRASE, signInAsMember, signInWithKey, useConsoleSuite } from "./browser.ts";

/** The page's globals the reduced-motion test reads (the tests' types have no DOM). */
interface Watched {
  started: string[];
  readonly document: {
    addEventListener(type: "animationstart", listener: (e: { animationName: string }) => void): void;
    getAnimations(): readonly unknown[];
  };
}

/** axe-core on each page as rendered: no serious or critical violation (WCAG 2.1 A/AA rules). */
describe("console: accessibility (axe-core)", function () {
  this.timeout(240_000);
  const t = useConsoleSuite(async (svc) => {
    const c = clientsFor(svc.service, svc.url);
    await playStory(svc.service, c);
    await c.ex.issueListingReport("P1");
  });

  async function seriousViolations(): Promise<string[]> {
    const result = await new AxeBuilder({ page: t.page })
      .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
      .analyze();
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }

  it("the public product list", async () => {
    await t.page.goto(`${t.svc.url}/#/`);
    await t.page.getByRole("heading", { name: "数据产品和服务清单" }).waitFor();
    await t.page.locator(".public-products tbody tr").first().waitFor();
    expect(await seriousViolations()).to.deep.equal([]);
  });

  it("the checkpoint page", async () => {
    await t.page.goto(`${t.svc.url}/#/checkpoint`);
    await t.page.getByRole("heading", { name: "日志检查点" }).waitFor();
    await t.page.getByRole("heading", { name: "如何自行验证" }).waitFor();
    expect(await seriousViolations()).to.deep.equal([]);
  });

  it("the complaint page (lodge and follow, no sign-in)", async () => {
    await t.page.goto(`${t.svc.url}/#/complaints`);
    await t.page.getByRole("button", { name: "提交投诉" }).waitFor();
    expect(await seriousViolations()).to.deep.equal([]);
  });

  it("the public service lists", async () => {
    await t.page.goto(`${t.svc.url}/#/service-lists`);
    await t.page.locator(".service-lists tbody tr").first().waitFor();
    expect(await seriousViolations()).to.deep.equal([]);
  });

  it("the sign-in page", async () => {
    await t.page.goto(`${t.svc.url}/#/sign-in`);
    await t.page.getByRole("button", { name: /解封并登录/ }).waitFor();
    expect(await seriousViolations()).to.deep.equal([]);
  });

  it("the operator's products, signed in as the operator", async () => {
    await signInAsMember(t.page, t.svc.url, "op", "axe");
    await t.page.goto(`${t.svc.url}/#/operator/products`);
    await t.page.locator(".operator-products tbody tr").filter({ hasText: "Credit score API" }).waitFor();
    expect(await seriousViolations()).to.deep.equal([]);
  });

  it("the lineage hops, signed in as the partner", async () => {
    await signInAsMember(t.page, t.svc.url, "pa", "axe");
    await t.page.goto(`${t.svc.url}/#/operator/hops`);
    await t.page.locator(".operator-hops tbody tr").filter({ hasText: "H1" }).waitFor();
    expect(await seriousViolations()).to.deep.equal([]);
  });

  it("the operator's product and service list", async () => {
    await signInAsMember(t.page, t.svc.url, "op", "axe");
    await t.page.goto(`${t.svc.url}/#/operator/service-list`);
    await t.page.locator(".service-list-entries tbody tr").filter({ hasText: "P1" }).waitFor();
    await t.page.locator(".service-list-duty").getByText("尚未公开").waitFor();
    expect(await seriousViolations()).to.deep.equal([]);
  });

  it("the listing verification report, signed in as the exchange", async () => {
    await signInAsMember(t.page, t.svc.url, "ex", "axe");
    await t.page.goto(`${t.svc.url}/#/exchange/report/P1`);
    await t.page.getByRole("heading", { name: "核验项" }).waitFor();
    expect(await seriousViolations()).to.deep.equal([]);
  });

  it("the supervisors' complaint desk", async () => {
    await signInAsMember(t.page, t.svc.url, "sup", "axe");
    await t.page.goto(`${t.svc.url}/#/oversight/complaints`);
    await t.page.locator(".complaints .ant-table-placeholder, .complaints tbody tr").first().waitFor();
    expect(await seriousViolations()).to.deep.equal([]);
  });

  it("the risk alerts", async () => {
    await signInAsMember(t.page, t.svc.url, "sup", "axe");
    await t.page.goto(`${t.svc.url}/#/oversight/alerts`);
    await t.page.locator(".alerts .ant-table-placeholder, .alerts tbody tr").first().waitFor();
    expect(await seriousViolations()).to.deep.equal([]);
  });

  for (const [page, table] of [
    ["overdue", "overdue"],
    ["freshness", "freshness"],
    ["objections", "objections-overdue"],
  ] as const)
    it(`the ${page} page`, async () => {
      await signInAsMember(t.page, t.svc.url, "sup", "axe");
      await t.page.goto(`${t.svc.url}/#/oversight/${page}`);
      await t.page.locator(`.${table} .ant-table-placeholder, .${table} tbody tr`).first().waitFor();
      expect(await seriousViolations()).to.deep.equal([]);
    });

  it("the agency's dashboard", async () => {
    const keyFile = readFileSync(join(t.svc.dir, "keys/agency.key.json"), "utf8");
    await signInWithKey(t.page, t.svc.url, keyFile, AGENCY_PASSPHRASE);
    await t.page.goto(`${t.svc.url}/#/agency`);
    await t.page.getByRole("heading", { name: "上链锚定" }).waitFor();
    await t.page.locator(".agency-overdue .ant-table-placeholder, .agency-overdue tbody tr").first().waitFor();
    expect(await seriousViolations()).to.deep.equal([]);
  });

  it("the permitted revenue page, signed in as the agency", async () => {
    const keyFile = readFileSync(join(t.svc.dir, "keys/agency.key.json"), "utf8");
    await signInWithKey(t.page, t.svc.url, keyFile, AGENCY_PASSPHRASE);
    await t.page.goto(`${t.svc.url}/#/revenue/${org("op")}`);
    await t.page.getByRole("heading", { name: "收益分配" }).waitFor();
    await t.page.locator(".revenue-years .ant-table-placeholder, .revenue-years tbody tr").first().waitFor();
    await t.page.locator(".revenue-maximum").waitFor();
    expect(await seriousViolations()).to.deep.equal([]);
  });

  it("the grant audit, signed in as a supervisor", async () => {
    await signInAsMember(t.page, t.svc.url, "sup", "axe");
    await t.page.goto(`${t.svc.url}/#/supervisor/grant/G1`);
    await t.page.getByRole("region", { name: "交付", exact: true }).locator("tbody tr").first().waitFor();
    expect(await seriousViolations()).to.deep.equal([]);
  });

  it("honours the system's reduced-motion setting: a dialog zooms in by default and appears at once when less motion is asked", async () => {
    const keyFile = readFileSync(join(t.svc.dir, "keys/agency.key.json"), "utf8");
    await signInWithKey(t.page, t.svc.url, keyFile, AGENCY_PASSPHRASE);
    await t.page.goto(`${t.svc.url}/#/agency/grants/G1`);
    await t.page.getByRole("heading", { name: "授权 G1" }).waitFor();
    const animationsOnOpening = async (reducedMotion: "no-preference" | "reduce") => {
      await t.page.emulateMedia({ reducedMotion });
      await t.page.evaluate(() => {
        const w = globalThis as unknown as Watched;
        w.started = [];
        w.document.addEventListener("animationstart", (e) => w.started.push(e.animationName));
      });
      await t.page.getByRole("button", { name: "撤销", exact: true }).click();
      const dialog = t.page.getByRole("dialog");
      await dialog.getByText("撤销不可恢复", { exact: false }).waitFor();
      await t.page.waitForFunction(() => (globalThis as unknown as Watched).document.getAnimations().length === 0);
      await dialog.getByRole("button", { name: "取消" }).click();
      await dialog.waitFor({ state: "hidden" });
      return t.page.evaluate(() => (globalThis as unknown as Watched).started);
    };
    // Keyframe names carry the theme's hash (css-…-antZoomIn).
    expect((await animationsOnOpening("no-preference")).filter((n) => n.endsWith("antZoomIn"))).to.not.be.empty;
    expect(await animationsOnOpening("reduce")).to.deep.equal([]);
  });

  it("the leak trace form, signed in as a supervisor", async () => {
    await signInAsMember(t.page, t.svc.url, "sup", "axe");
    await t.page.goto(`${t.svc.url}/#/supervisor/trace`);
    await t.page.getByRole("heading", { name: "泄露溯源" }).waitFor();
    expect(await seriousViolations()).to.deep.equal([]);
  });
});
