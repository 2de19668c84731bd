import type { Page } from "playwright-core";
import { sealKey } from "../../core/keyfile.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import type { RunningService } from "../../ledger-service/src/service.ts";
import { org, type ActorName } from "../scenarios/world.ts";

/**
 * The agency's pictures for `npm run screenshots`, in the Chinese UI (as the pictures before leave
 * it), signed in with the service's own agency key: its dashboard, the grant issue form with a
 * resource chosen (its fields and the 5-year bound), the organisations and the blacklist (the
 * consumer blacklisted first, so that it has an entry). `shot` is the screenshot script's.
 */
export async function agencyShots(
  page: Page,
  url: string,
  service: RunningService,
  clients: Record<ActorName, LedgerClient>,
  shot: (path: string, heading: string, file: string, ready?: string) => Promise<void>,
): Promise<void> {
  await clients.agency.submit("blacklist.add", { orgId: org("con"), reason: "伪造个人信息授权同意", grantId: "G1" });
  await page.getByRole("button", { name: "退出登录" }).click();
  await page.goto(`${url}/#/sign-in`);
  const key = sealKey(
    {
      purpose: "signing",
      algorithm: "sm2",
      orgId: service.agencyOrgId,
      privateKey: service.keyring.agency.privateKey,
    },
    "screenshots",
  );
  await page.setInputFiles("input[type=file]", {
    name: "agency.key.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(key)),
  });
  await page.getByLabel("口令").fill("screenshots");
  await page.getByRole("button", { name: /解封并登录/ }).click();
  await page.getByText(/已登录/).waitFor();
  await shot("/agency", "工作台", "agency-dashboard.png", ".agency-grant-counts .ant-statistic");

  // The issue form with a grant being drafted: the operator, R1 and the fields it offers.
  await page.goto(`${url}/#/agency/grants/new`);
  await page.getByRole("heading", { name: "签发授权" }).waitFor();
  await page.getByLabel("授权编号").fill("G2");
  await page.getByLabel("运营机构", { exact: true }).fill(org("op"));
  await page.getByLabel("授权的数据资源").click();
  await page.locator(".ant-select-item-option").filter({ hasText: "R1" }).first().click();
  await page.getByRole("heading", { name: "签发授权" }).click();
  await page.locator(".ant-select-dropdown").first().waitFor({ state: "hidden" });
  await page.getByText("R1 授权的字段").waitFor();
  const fields = page.locator(".ant-form-item").filter({ hasText: "R1 授权的字段" }).locator("input[type=checkbox]");
  for (const i of [0, 1]) await fields.nth(i).check();
  await picture(page, "agency-issue-grant.png");

  await shot("/agency/organisations", "机构管理", "agency-organisations.png", ".agency-orgs .ant-table-row");
  // Its heading is named exactly: the form's heading below it says 列入黑名单.
  await page.goto(`${url}/#/agency/blacklist`);
  await page.getByRole("heading", { name: "黑名单", exact: true }).waitFor();
  await page.locator(".agency-blacklist .ant-table-row").first().waitFor();
  await picture(page, "agency-blacklist.png");
}

async function picture(page: Page, file: string): Promise<void> {
  await page.screenshot({ path: `docs/screenshots/${file}`, fullPage: true, animations: "disabled" });
  console.log(`docs/screenshots/${file}`);
}
