import { AxeBuilder } from "@axe-core/playwright";
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { sealKey } from "../../core/keyfile.ts";
import { MEMBERS, org } from "../../scripts/scenarios/world.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import {
  browserAvailable,
  ensureConsoleBuilt,
  launchBrowser,
  startConsoleService,
  type ConsoleService,
} from "./browser.ts";

/** axe-core on each page as rendered: no serious or critical violation (WCAG 2.1 A/AA rules). */
describe("console: accessibility (axe-core)", function () {
  this.timeout(240_000);
  let svc: ConsoleService;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async function () {
    if (!browserAvailable()) return this.skip();
    ensureConsoleBuilt();
    svc = await startConsoleService();
    await playStory(svc.service, clientsFor(svc.service, svc.url));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await svc?.stop();
  });
  beforeEach(async () => {
    context = await browser.newContext({ locale: "zh-CN" });
    page = await context.newPage();
  });
  afterEach(async () => {
    await context?.close();
  });

  async function seriousViolations(): Promise<string[]> {
    const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }

  it("the public product list", async () => {
    await page.goto(`${svc.url}/#/`);
    await page.getByRole("heading", { name: "数据产品和服务清单" }).waitFor();
    await page.locator(".ant-table").first().waitFor();
    expect(await seriousViolations()).to.deep.equal([]);
  });

  it("the checkpoint page", async () => {
    await page.goto(`${svc.url}/#/checkpoint`);
    await page.getByRole("heading", { name: "日志检查点" }).waitFor();
    await page.getByRole("heading", { name: "如何自行验证" }).waitFor();
    expect(await seriousViolations()).to.deep.equal([]);
  });

  it("the sign-in page", async () => {
    await page.goto(`${svc.url}/#/sign-in`);
    await page.getByRole("button", { name: /解封并登录/ }).waitFor();
    expect(await seriousViolations()).to.deep.equal([]);
  });

  it("the listing verification report, signed in as the exchange", async () => {
    const key = sealKey(
      { purpose: "signing", algorithm: "sm2", orgId: org("ex"), privateKey: MEMBERS.ex.sm2PrivateKey },
      "axe",
    );
    await page.goto(`${svc.url}/#/sign-in`);
    await page.setInputFiles("input[type=file]", {
      name: "key.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(key)),
    });
    await page.getByLabel("口令").fill("axe");
    await page.getByRole("button", { name: /解封并登录/ }).click();
    await page.getByText(/已登录/).waitFor();
    await page.goto(`${svc.url}/#/exchange/report/P1`);
    await page.getByRole("heading", { name: "核验项" }).waitFor();
    expect(await seriousViolations()).to.deep.equal([]);
  });
});
