import { join } from "node:path";
import type { Page } from "playwright-core";

/**
 * The oversight desk's pictures for `npm run screenshots`, in the Chinese UI, signed in as the
 * supervisor (as supervisorShots leaves the page): a complaint lodged without an account, opened
 * with the supervisor's key, and the complaint desk.
 */
export async function oversightShots(
  page: Page,
  url: string,
  complaintId: string,
  shot: (path: string, heading: string, file: string, ready?: string) => Promise<void>,
  out: string,
): Promise<void> {
  await page.goto(`${url}/#/oversight/complaints/${complaintId}`);
  await page.getByRole("button", { name: "用本机构密钥打开投诉内容" }).click();
  await page.locator(".sealed-content").waitFor();
  await page.screenshot({ path: join(out, "oversight-complaint.png"), fullPage: true, animations: "disabled" });
  console.log(`${out}/oversight-complaint.png`);
  await shot("/oversight/complaints", "投诉处理", "oversight-complaints.png", ".complaints .ant-table-row");
}
