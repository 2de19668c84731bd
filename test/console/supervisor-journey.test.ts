import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { stringify } from "csv-stringify/sync";
import type { Page } from "playwright-core";
import { deliverAndRegister } from "../../ledger-service/src/client/operator/delivery.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { readAllRecords, rowToObject } from "../../ledger-service/src/trace/datasets.ts";
import { MEMBERS, actorBody, org, type ActorName } from "../../scripts/scenarios/world.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { SPEC, shuffle, writeDataset } from "../trace/helpers.ts";
import { seriousViolations } from "./axe.ts";
import { chooseEnglish, signInAsMember, useConsoleSuite } from "./browser.ts";

const RECORDS = 300;

/**
 * The supervisor's journey (issue 16): signs in, audits grant G1, follows its product to the
 * lineage graph, and traces a file leaked from a real delivery (D-LEAK, made by `pdl deliver`'s
 * code with watermark and fingerprints) to its recipient; refusals in Chinese and English.
 */
describe("console: the supervisor's journey (grant audit, graph, leak trace)", function () {
  this.timeout(300_000);
  let c: Record<ActorName, LedgerClient>;
  let work: string;
  /** The leaked file: 60 records of the copy delivered to `con`, shuffled, as CSV. */
  let leaked: string;
  /** 12 records of it: below the service's minimum of 50. */
  let tooFew: string;
  const t = useConsoleSuite(async (svc) => {
    c = clientsFor(svc.service, svc.url);
    await playStory(svc.service, c);
    work = mkdtempSync(join(tmpdir(), "pdl-console-leak-"));
    writeDataset(join(work, "source.csv"), RECORDS, 16);
    const summary = await deliverAndRegister(c.op, {
      input: join(work, "source.csv"),
      output: join(work, "D-LEAK.csv"),
      outputFormat: "csv",
      deliveryId: "D-LEAK",
      productId: "P1",
      recipient: org("con"),
      watermark: SPEC,
      fromHops: ["H1"],
    });
    expect(summary.fingerprints.indexed).to.equal(true);
    const copy = (await readAllRecords(join(work, "D-LEAK.csv"))).map(rowToObject);
    const sample = shuffle(copy, 9).slice(0, 60);
    leaked = stringify(sample, { header: true });
    tooFew = stringify(sample.slice(0, 12), { header: true });
    await svc.service.checkpointer.checkpoint();
    await svc.service.anchorNow();
  });
  after(() => work && rmSync(work, { recursive: true, force: true }));

  const signInAs = (name: ActorName) => signInAsMember(t.page, t.svc.url, name, "supervisor journey passphrase");
  const upload = (page: Page, name: string, text: string) =>
    page.setInputFiles(".leak-trace input[type=file]", { name, mimeType: "text/csv", buffer: Buffer.from(text) });
  // The form's one submit button, 开始溯源 / Trace.
  const traceButton = () => t.page.locator(".leak-trace button[type=submit]");
  const finding = () => t.page.getByRole("region", { name: "交付 D-LEAK", exact: true });

  it("audits G1, follows P1 to the graph, and traces a leaked file to the recipient with its evidence", async () => {
    await signInAs("sup");
    await t.page.getByRole("menuitem", { name: "授权审计" }).click();
    await t.page.locator(".audit-grants").getByRole("link", { name: "G1" }).click();
    const deliveries = t.page.getByRole("region", { name: "交付", exact: true });
    await deliveries.getByRole("cell", { name: "D-LEAK", exact: true }).waitFor();
    await t.page
      .getByRole("region", { name: "数据产品", exact: true })
      .getByRole("link", { name: "血缘图 P1" })
      .click();
    await t.page.getByRole("button", { name: /^交付 D-LEAK · deliver/ }).waitFor();

    await t.page.getByRole("menuitem", { name: "泄露溯源" }).click();
    await upload(t.page, "found-on-a-forum.csv", leaked);
    await traceButton().click();
    await t.page.getByText("已归属：泄露数据来自 D-LEAK").waitFor();
    // The service raised its leak-attributed alert about D-LEAK, and the report names it.
    const alerts = await c.sup.get<{ alerts: { id: string; view: { signal: string } }[] }>("/v1/alerts");
    const leakAlert = alerts.alerts.find((a) => a.view.signal === "leak-attributed");
    expect(leakAlert, JSON.stringify(alerts)).to.not.equal(undefined);
    await t.page.locator(".trace-summary").getByText(leakAlert!.id).waitFor();

    const f = finding();
    await f.getByText(`${actorBody("con").name}（${org("con")}）`).waitFor();
    await f.getByText("P1 ·", { exact: false }).first().waitFor();
    await f.getByText(/^G1 ·/).waitFor();
    // The grant's status in words of the page's language, at delivery and now.
    await f.getByText("有效 · 交付时授权有效").waitFor();
    const tests = f.locator(".trace-evidence tbody tr");
    expect(await tests.count()).to.be.greaterThan(0);
    await f.locator(".trace-evidence").getByRole("cell", { name: "水印检验" }).waitFor();
    // Each relied-on record's receipt verifies in the browser (delivery, product, grant).
    const receipts = f.locator(".trace-records tbody tr");
    expect(await receipts.count()).to.equal(3);
    await f.locator(".trace-records .ant-tag-success").nth(2).waitFor();
    expect(await f.locator(".trace-records .ant-tag-error").count()).to.equal(0);
    await f.locator(".trace-lineage").getByRole("cell", { name: "H1", exact: true }).waitFor();
    // Each hop's operation in words, not the record's word for it.
    const lineageText = await f.locator(".trace-lineage").innerText();
    expect(lineageText)
      .to.include("清洗")
      .and.include("交付")
      .and.not.match(/\b(clean|deliver)\b/);
    // The other candidate (D1, never given this data) is tested and not at the bound.
    const scores = t.page.getByRole("region", { name: "全部候选交付的检验得分" });
    await scores.getByRole("cell", { name: "D-LEAK", exact: true }).first().waitFor();

    // The request carried the records, signed by the supervisor, and no key.
    const traced = t.traffic.filter((r) => r.method === "POST" && r.url.endsWith("/v1/trace"));
    expect(traced).to.have.length(1);
    expect(traced[0]!.headers["x-pdl-actor"]).to.equal(org("sup"));
    expect(JSON.parse(Buffer.from(traced[0]!.body, "latin1").toString("utf8")).records).to.equal(leaked);
    const secret = MEMBERS.sup.sm2PrivateKey.toLowerCase();
    for (const r of t.traffic)
      expect((JSON.stringify(r.headers) + r.url + r.body).toLowerCase()).not.to.include(secret);
    expect(t.errors).to.deep.equal([]);

    // The case report on paper: A4, the form gone, the finding there.
    await t.page.emulateMedia({ media: "print" });
    expect(await t.page.getByRole("button", { name: "开始溯源" }).isVisible()).to.equal(false);
    expect(await f.isVisible()).to.equal(true);
    const pdf = Buffer.from(await t.page.pdf({ format: "A4", preferCSSPageSize: true })).toString("latin1");
    expect(pdf.startsWith("%PDF")).to.equal(true);
    // A4 is 595.28 × 841.89 pt; Chromium rounds the page to whole CSS pixels.
    const boxes = [...pdf.matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(boxes.length, "the verdict on one page, the finding from the next").to.be.at.least(2);
    for (const [w, h] of boxes) {
      expect(w).to.be.closeTo(595.28, 1);
      expect(h).to.be.closeTo(841.89, 1);
    }
  });

  it("refuses a file below the minimum and an unknown product, naming the field, in Chinese and English", async () => {
    await signInAs("sup");
    await t.page.goto(`${t.svc.url}/#/supervisor/trace`);
    await upload(t.page, "few.csv", tooFew);
    await traceButton().click();
    const refusal = t.page.locator(".trace-refusal");
    await refusal.getByText("溯源被拒绝：待溯源的记录过少：低于规定的最少记录数，无法作出归属判定。").waitFor();
    await refusal.getByText(/records/).waitFor();
    await refusal.getByText(/50/).waitFor();

    await chooseEnglish(t.page);
    await traceButton().click();
    await refusal.getByText(/^Trace refused: Too few distinct records to trace/).waitFor();
    await refusal.getByText("records: 12 distinct records, a trace needs at least 50").waitFor();

    await upload(t.page, "leak.csv", leaked);
    await t.page.getByLabel("Only this product ID (optional)").fill("P404");
    await traceButton().click();
    await refusal.getByText("Trace refused: The referenced record does not exist.").waitFor();
    await refusal.getByText(/productId: no product P404/).waitFor();

    await t.page.getByLabel("Language").getByText("中文", { exact: true }).click();
    await traceButton().click();
    await refusal.getByText("溯源被拒绝：所引用的记录不存在。").waitFor();
    await refusal.getByText(/productId/).waitFor();
    await refusal.getByText(/P404/).waitFor();
    expect(await t.page.locator(".trace-report").count()).to.equal(0);
  });

  it("has no serious or critical accessibility violation, form and case report alike", async () => {
    await signInAs("sup");
    await t.page.goto(`${t.svc.url}/#/supervisor/trace`);
    await t.page.getByRole("button", { name: "开始溯源" }).waitFor();
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    await upload(t.page, "leak.csv", leaked);
    await traceButton().click();
    await finding().locator(".trace-records .ant-tag-success").nth(2).waitFor();
    expect(await seriousViolations(t.page)).to.deep.equal([]);
  });
});
