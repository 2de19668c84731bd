import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "csv-stringify/sync";
import type { Page } from "playwright-core";
import { sealKey } from "../../core/keyfile.ts";
import { deliverAndRegister } from "../../ledger-service/src/client/operator/delivery.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { readAllRecords, rowToObject } from "../../ledger-service/src/trace/datasets.ts";
import { MEMBERS, org, type ActorName } from "../scenarios/world.ts";

/**
 * The supervisor's pictures for `npm run screenshots`, in the Chinese UI: the audit of grant G1,
 * P1's lineage graph, and the case report of a file leaked from a real watermarked delivery.
 * `shot` is the screenshot script's (goes to a path, waits for a heading and what shows the data);
 * `out` its directory.
 */
export async function supervisorShots(
  page: Page,
  url: string,
  clients: Record<ActorName, LedgerClient>,
  shot: (path: string, heading: string, file: string, ready?: string) => Promise<void>,
  out: string,
): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "pdl-shots-leak-"));
  try {
    const districts = ["龙华区", "深圳市龙华区", "观澜街道", "民治街道"];
    const source = Array.from({ length: 300 }, (_, i) => ({
      id: `R${String(i).padStart(6, "0")}`,
      district: districts[i % 4]!,
      amount: (((i * 7919) % 1_000_000) / 100).toFixed(2),
      count: String((i * 31) % 50),
    }));
    writeFileSync(join(work, "source.csv"), stringify(source, { header: true }));
    await deliverAndRegister(clients.op, {
      input: join(work, "source.csv"),
      output: join(work, "D2.csv"),
      outputFormat: "csv",
      deliveryId: "D2",
      productId: "P1",
      recipient: org("con"),
      watermark: {
        keyColumns: ["id"],
        columns: [
          { column: "amount", kind: "number", decimals: 2, min: 0 },
          { column: "count", kind: "number", decimals: 0, min: 0 },
          { column: "district", kind: "variants", variants: [["龙华区", "深圳市龙华区"]] },
        ],
      },
      fromHops: ["H1"],
    });
    const copy = (await readAllRecords(join(work, "D2.csv"))).map(rowToObject);
    const leaked = stringify(
      copy.filter((_, i) => i % 4 === 1),
      { header: true },
    );

    await page.getByLabel("Language").getByText("中文", { exact: true }).click();
    await page.getByRole("button", { name: "退出登录" }).click();
    await page.goto(`${url}/#/sign-in`);
    const key = sealKey(
      { purpose: "signing", algorithm: "sm2", orgId: org("sup"), privateKey: MEMBERS.sup.sm2PrivateKey },
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
    await shot("/supervisor/grant/G1", "授权审计", "supervisor-grant-audit.png", ".audit-history");
    await shot("/supervisor/graph/P1", "数据血缘图", "supervisor-graph.png", ".react-flow__node");

    await page.goto(`${url}/#/supervisor/trace`);
    await page.setInputFiles(".leak-trace input[type=file]", {
      name: "leaked.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(leaked),
    });
    await page.locator(".leak-trace button[type=submit]").click();
    await page.locator(".trace-finding .trace-records .ant-tag-success").nth(2).waitFor();
    await page.screenshot({ path: join(out, "supervisor-trace.png"), fullPage: true, animations: "disabled" });
    console.log(`${out}/supervisor-trace.png`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
