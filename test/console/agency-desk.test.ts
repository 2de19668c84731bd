import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { DAY } from "../../core/time.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import type { ActorName } from "../../scripts/scenarios/world.ts";
import { advanceWallClock, clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { seriousViolations } from "./axe.ts";
import { AGENCY_PASSPHRASE, signInWithKey, useConsoleSuite } from "./browser.ts";

/**
 * The implementing agency's desk in the browser against the real service: its dashboard (grants
 * by status, overdue duties, anchoring health and anchoring on request).
 */
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
});
