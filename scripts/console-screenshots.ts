/**
 * npm run screenshots: writes docs/screenshots/*.png of the console's pages, rendered by a real
 * service on the embedded chain (the scenario story played into a temporary data directory) in
 * Debian's Chromium. The README shows them.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { chromium } from "playwright-core";
import { sealKey } from "../core/keyfile.ts";
import { DEFAULTS, type Config } from "../ledger-service/src/config.ts";
import { startService } from "../ledger-service/src/service.ts";
import { MEMBERS, org } from "./scenarios/world.ts";
import { clientsFor, playStory } from "./scenarios/service-story.ts";
import { hopBody, productBody } from "./scenarios/fixtures.ts";
import { oversightShots } from "./console-shots/oversight.ts";
import { supervisorShots } from "./console-shots/supervisor.ts";
import { operatorShots } from "./console-shots/operator.ts";
import { revenueShots } from "./console-shots/revenue.ts";
import { agencyShots } from "./console-shots/agency.ts";

const OUT = "docs/screenshots";
const build = spawnSync(process.execPath, ["--import", "tsx", "scripts/build-console.ts", "--if-stale"], {
  stdio: "inherit",
});
if (build.status !== 0) throw new Error("the console build failed");
mkdirSync(OUT, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), "pdl-screenshots-"));
const config: Config = { ...DEFAULTS, port: 0, dataDir: dir, logLevel: "silent" };
const service = await startService(config, { env: { LEDGER_AGENCY_PASSPHRASE: "screenshots" } });
const url = `http://127.0.0.1:${service.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.PDL_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  const clients = clientsFor(service, url);
  const done = await playStory(service, clients);
  // Anchored, P1's report passes: the queue and the issued report show what the exchange lists.
  await service.anchorNow();
  await clients.ex.issueListingReport("P1");
  // P2, a free product, listed already: what the public list shows while P1 awaits listing.
  await clients.op.submit("product.register", {
    ...productBody({ id: "P2", name: "Enterprise registry extract", scenario: "due diligence on suppliers" }),
    pricing: { model: "public-welfare", chargeUnit: "per-product", priceFen: 0 },
  } as never);
  await clients.op.submit("lineage.hop", hopBody("H2", { productId: "P2" }) as never);
  await service.anchorNow();
  const p2 = await clients.ex.issueListingReport("P2");
  await clients.ex.submit("product.list", { productId: "P2", reportHash: p2.reportHash });
  await service.checkpointer.checkpoint();
  await service.anchorNow();
  // H1's receipt, anchored, and the log key anyone keeps: what the receipt check is shown with.
  const receipt = await clients.op.get(`/v1/receipts/${done["hop:H1"]!.recordHash}`);
  const { logPublicKey } = await clients.op.getPublic<{ logPublicKey: string }>("/v1/public/checkpoint");
  // A published service list and one complaint lodged without an account, for the oversight pages.
  await clients.op.submit("serviceList.publish", {
    operator: org("op"),
    entries: [
      {
        productId: "P1",
        content: "credit score by API",
        responseTime: "within 1 working day",
        fee: { charge: "charged", chargeUnit: "per-call", priceFen: 500 },
      },
    ],
  });
  const lodged = await clients.con.request<{ complaintId: string }>(
    "POST",
    "/v1/public/complaints",
    { subject: { kind: "product", id: "P1" }, text: "P1 charged 8 yuan a call, above its listed 5 yuan." },
    { public: true },
  );
  const page = await (await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 } })).newPage();
  /** `ready`: what shows once the page's data is in (a table still loading is drawn dimmed). */
  const shot = async (path: string, heading: string, file: string, ready?: string) => {
    await page.goto(`${url}/#${path}`);
    await page.getByRole("heading", { name: heading }).waitFor();
    if (ready) await page.locator(ready).first().waitFor();
    await page.screenshot({ path: join(OUT, file), fullPage: true, animations: "disabled" });
    console.log(`${OUT}/${file}`);
  };
  // In English: the build machine need not have CJK fonts for the pictures to be readable.
  await page.goto(`${url}/#/`);
  await page.getByLabel("语言").getByText("English", { exact: true }).click();
  await shot("/", "Data products and services", "public-products.png", ".public-products tbody tr");
  await shot("/checkpoint", "Log checkpoint", "checkpoint.png");
  await shot("/service-lists", "Service lists published", "service-lists.png", ".service-lists .ant-table-row");
  await shot("/complaints", "Complaints", "complaint-lodge.png");
  await page.goto(`${url}/#/tools/receipt`);
  await page.getByRole("heading", { name: "Check a receipt" }).waitFor();
  await page.getByLabel("Receipt (JSON)").fill(JSON.stringify(receipt, null, 2));
  await page.getByLabel(/Log key/).fill(logPublicKey);
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await page.locator(".receipt-verdict").waitFor();
  await page.screenshot({ path: join(OUT, "receipt-check.png"), fullPage: true, animations: "disabled" });
  console.log(`${OUT}/receipt-check.png`);
  await page.goto(`${url}/#/sign-in`);
  await page.getByRole("button", { name: /Unseal and sign in/ }).waitFor();
  await page.screenshot({ path: join(OUT, "sign-in.png"), fullPage: true });
  console.log(`${OUT}/sign-in.png`);
  const key = sealKey(
    { purpose: "signing", algorithm: "sm2", orgId: org("ex"), privateKey: MEMBERS.ex.sm2PrivateKey },
    "screenshots",
  );
  await page.setInputFiles("input[type=file]", {
    name: "key.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(key)),
  });
  await page.getByLabel("Passphrase").fill("screenshots");
  await page.getByRole("button", { name: /Unseal and sign in/ }).click();
  await page.getByText(/Signed in/).waitFor();
  await shot("/exchange/queue", "Awaiting listing", "exchange-queue.png", ".listing-queue .ant-table-row");
  await shot("/exchange/report/P1", "Checks", "exchange-report.png");
  await supervisorShots(page, url, clients, shot, OUT);
  await oversightShots(page, url, lodged.complaintId, shot, OUT);
  await operatorShots(page, url, shot);
  await revenueShots(clients, shot);
  await agencyShots(page, url, service, clients, shot);
} finally {
  await browser.close();
  await service.stop();
  rmSync(dir, { recursive: true, force: true });
}
