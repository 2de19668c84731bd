import type { Page } from "playwright-core";
import { sealKey } from "../../core/keyfile.ts";
import { MEMBERS, org } from "../scenarios/world.ts";

/**
 * The operator's pictures for `npm run screenshots`, in the Chinese UI (as the supervisor's
 * pictures leave it): its products, its lineage hops, its own grant (deliveries, certificates and their form) and its product and service list. `shot`
 * is the screenshot script's.
 */
export async function operatorShots(
  page: Page,
  url: string,
  shot: (path: string, heading: string, file: string, ready?: string) => Promise<void>,
): Promise<void> {
  await page.getByRole("button", { name: "退出登录" }).click();
  await page.goto(`${url}/#/sign-in`);
  const key = sealKey(
    { purpose: "signing", algorithm: "sm2", orgId: org("op"), privateKey: MEMBERS.op.sm2PrivateKey },
    "screenshots",
  );
  await page.setInputFiles("input[type=file]", {
    name: "key.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(key)),
  });
  await page.getByLabel("口令").fill("screenshots");
  await page.getByRole("button", { name: /解封并登录/ }).click();
  await page.getByText(/已登录/).waitFor();
  await shot("/operator/products", "数据产品", "operator-products.png", ".operator-products .ant-table-row");
  await shot("/operator/hops", "加工环节", "operator-hops.png", ".operator-hops .ant-table-row");
  await shot("/operator/grant", "本机构授权", "operator-grant.png", ".operator-deliveries .ant-table-row");
  await shot(
    "/operator/service-list",
    "产品和服务清单",
    "operator-service-list.png",
    ".service-list-entries .ant-table-row",
  );
}
