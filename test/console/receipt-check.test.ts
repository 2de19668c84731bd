import { expect } from "chai";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { useConsoleSuite, chooseEnglish } from "./browser.ts";
import { seriousViolations } from "./axe.ts";

interface Receipt {
  state: string;
  inclusionProof: string[];
  anchor?: { rootHash: string };
}

/** Anyone checks a receipt in the browser against a log key of their own, offline: nothing is asked of the server. */
describe("console: checking a receipt offline", function () {
  this.timeout(240_000);
  let receipt: Receipt;
  let vkey: string;
  let logKey: string;
  const t = useConsoleSuite(async (svc) => {
    const c = clientsFor(svc.service, svc.url);
    const done = await playStory(svc.service, c);
    await svc.service.checkpointer.checkpoint();
    await svc.service.anchorNow();
    receipt = await c.op.get<Receipt>(`/v1/receipts/${done["hop:H1"]!.recordHash}`);
    ({ vkey, logPublicKey: logKey } = await c.op.getPublic<{ vkey: string; logPublicKey: string }>(
      "/v1/public/checkpoint",
    ));
  });

  async function check(receiptText: string, key: string) {
    await t.page.goto(`${t.svc.url}/#/tools/receipt`);
    await t.page.getByRole("heading", { name: "回执核验" }).waitFor();
    await t.page.getByLabel("回执（JSON）").fill(receiptText);
    await t.page.getByLabel(/日志公钥/).fill(key);
    const before = t.traffic.length;
    await t.page.getByRole("button", { name: "核验", exact: true }).click();
    await t.page.locator(".receipt-verdict").waitFor();
    // Give any request the check might start time to show, then require there was none.
    await t.page.waitForTimeout(300);
    expect(t.traffic.slice(before).map((r) => r.url)).to.deep.equal([]);
  }

  it("verifies an anchored receipt with the log's SM2 key or its vkey, sending no request", async () => {
    expect(receipt.state).to.equal("anchored");
    await check(JSON.stringify(receipt, null, 2), logKey);
    await t.page.getByText("核验通过（已上链锚定）").waitFor();
    const rows = t.page.locator(".receipt-checks tbody tr");
    const names = await rows.locator("td:first-child").allInnerTexts();
    expect(names).to.include.members(["检查点 SM2 签名", "包含证明（RFC 9162）", "锚定的根哈希", "锚定的检查点哈希"]);
    expect(await t.page.locator(".receipt-checks .ant-tag-error").count()).to.equal(0);

    await check(JSON.stringify({ receipt }), vkey);
    await t.page.getByText("核验通过（已上链锚定）").waitFor();
    expect(t.errors).to.deep.equal([]);
  });

  it("fails a tampered receipt: a changed proof step, a changed anchor, another log's key", async () => {
    const proof = [...receipt.inclusionProof];
    proof[0] = proof[0]!.replace(/^./, (ch) => (ch === "0" ? "1" : "0"));
    await check(JSON.stringify({ ...receipt, inclusionProof: proof }), logKey);
    await t.page.getByText("核验未通过（已上链锚定）").waitFor();
    const failed = async () =>
      t.page
        .locator(".receipt-checks tbody tr", { has: t.page.locator(".ant-tag-error") })
        .locator("td:first-child")
        .allInnerTexts();
    expect(await failed()).to.deep.equal(["包含证明（RFC 9162）"]);

    const anchor = { ...receipt.anchor!, rootHash: "0".repeat(64) };
    await check(JSON.stringify({ ...receipt, anchor }), logKey);
    expect(await failed()).to.deep.equal(["锚定的根哈希"]);

    const otherKey = "04" + "1".repeat(128);
    await check(JSON.stringify(receipt), otherKey);
    await t.page.getByText(/核验未通过/).waitFor();
    expect(await failed()).to.include("检查点 SM2 签名");

    await check("{not json", logKey);
    expect(await failed()).to.deep.equal(["回执格式"]);
  });

  it("reads a dropped receipt file locally, in English too, with no accessibility violation", async () => {
    await t.page.goto(`${t.svc.url}/#/tools/receipt`);
    await t.page.getByRole("heading", { name: "回执核验" }).waitFor();
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    await chooseEnglish(t.page);
    await t.page.getByRole("heading", { name: "Check a receipt" }).waitFor();
    const before = t.traffic.length;
    await t.page.setInputFiles("input[type=file]", {
      name: "receipt.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(receipt)),
    });
    await t.page.getByLabel("Receipt (JSON)").and(t.page.locator("textarea")).waitFor();
    for (let i = 0; i < 50 && !(await t.page.locator("textarea").inputValue()).includes("inclusionProof"); i++)
      await t.page.waitForTimeout(100);
    await t.page.getByLabel(/Log key/).fill(vkey);
    await t.page.getByRole("button", { name: "Verify", exact: true }).click();
    await t.page.getByText("Verified (anchored)").waitFor();
    expect(t.traffic.slice(before).map((r) => r.url)).to.deep.equal([]);
    expect(await seriousViolations(t.page)).to.deep.equal([]);
  });
});
