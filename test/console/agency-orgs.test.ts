import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { sm3Hex } from "../../core/crypto/sm3.ts";
import { sealKey } from "../../core/keyfile.ts";
import { toCstIso } from "../../core/time.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { org, strangerBody, type ActorName } from "../../scripts/scenarios/world.ts";
import { seriousViolations } from "./axe.ts";
import { AGENCY_PASSPHRASE, chooseEnglish, signInWithKey, useConsoleSuite } from "./browser.ts";
import { choose, fieldError } from "./operator-forms.ts";

/** The page's document, as far as the test reads it (the tests' types have no DOM). */
interface Animated {
  readonly document: { getAnimations(): readonly unknown[]; querySelectorAll(selector: string): { length: number } };
}
/** No dialog left on the page, not even one fading out (its fading text fails contrast). */
const noDialog = () => (globalThis as unknown as Animated).document.querySelectorAll(".ant-modal").length === 0;

/**
 * The agency's organisations and blacklist pages in the browser against the real service: the
 * list filtered by role, an organisation registered from its key file (only its public key sent)
 * and listed, a code that is not a unified social credit code caught by the form and a code
 * already registered refused by the chain, each in Chinese and English on its field, and an
 * organisation blacklisted with its reason once confirmed, then shown on both pages.
 */
describe("console: the agency's organisations and blacklist", function () {
  this.timeout(240_000);
  let c: Record<ActorName, LedgerClient>;
  let agencyKeyFile: string;
  const t = useConsoleSuite(async (svc) => {
    c = clientsFor(svc.service, svc.url);
    await playStory(svc.service, c);
    agencyKeyFile = readFileSync(join(svc.dir, "keys/agency.key.json"), "utf8");
  });
  const signIn = () => signInWithKey(t.page, t.svc.url, agencyKeyFile, AGENCY_PASSPHRASE);
  const newcomer = strangerBody("partner", 92);
  const registerForm = () => t.page.locator(".agency-register-org");
  const posts = (path: string) => t.traffic.filter((r) => r.method === "POST" && r.url.endsWith(path));

  it("lists the organisations, filters them by role and registers one from its key file", async () => {
    await signIn();
    await t.page.getByRole("menuitem", { name: "机构管理" }).click();
    await t.page.getByRole("heading", { name: "机构管理", level: 2 }).waitFor();
    const rows = t.page.locator(".agency-orgs tbody tr");
    const row = (orgId: string) => rows.filter({ hasText: orgId });
    await row(org("op")).waitFor();
    expect(await row(org("op")).innerText())
      .to.include("Conformance op")
      .and.include("运营机构")
      .and.include("未列入");
    expect(await rows.count()).to.equal(9);
    expect(await seriousViolations(t.page)).to.deep.equal([]);

    await choose(t.page, t.page.locator(".agency-orgs-filter"), "角色", "运营机构");
    await row(org("op2")).waitFor();
    await row(org("su1")).waitFor({ state: "detached" });
    expect((await rows.allInnerTexts()).map((r) => r.includes("运营机构"))).to.deep.equal([true, true]);
    expect(t.traffic.some((r) => r.method === "GET" && r.url.includes("/v1/actors?role=operator"))).to.equal(true);

    // The organisation's own key file: its public half fills the form, its sealed key stays here.
    const form = registerForm();
    await form.getByLabel("机构名称").fill("龙华数据科技有限公司");
    await choose(t.page, form, "角色", "合作方");
    const sealed = sealKey(
      {
        purpose: "signing",
        algorithm: "sm2",
        orgId: newcomer.orgId,
        privateKey: sm3Hex("pdl-conformance-sm2:stranger92"),
      },
      "newcomer passphrase",
    );
    await form.locator("input[type=file]").setInputFiles({
      name: "newcomer.key.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(sealed)),
    });
    await form.getByText("已从 newcomer.key.json 读取公钥").waitFor();
    expect(await form.getByLabel("统一社会信用代码").inputValue()).to.equal(newcomer.orgId);
    expect(await form.getByLabel("SM2 公钥").inputValue()).to.equal(newcomer.publicKey);
    await form.getByRole("button", { name: "签名并登记" }).click();
    await form.getByText(`机构 龙华数据科技有限公司（${newcomer.orgId}）已登记为合作方`).waitFor();

    const sent = Buffer.from(posts("/v1/actors")[0]!.body, "latin1").toString("utf8");
    expect((JSON.parse(sent) as { record: { op: string; body: unknown } }).record).to.deep.include({
      op: "actor.register",
      body: { orgId: newcomer.orgId, name: "龙华数据科技有限公司", role: "partner", publicKey: newcomer.publicKey },
    });
    expect(sent).not.to.include(JSON.stringify(sealed.sealed).slice(1, 40));
    const actor = await c.agency.get<{ view: { role: string; publicKey: string } }>(`/v1/actors/${newcomer.orgId}`);
    expect(actor.view).to.include({ role: "partner", publicKey: newcomer.publicKey });

    // The list shows it (the role filter still on operators: all roles again first).
    await choose(t.page, t.page.locator(".agency-orgs-filter"), "角色", "全部");
    await row(newcomer.orgId).waitFor();
    expect(await row(newcomer.orgId).innerText())
      .to.include("龙华数据科技有限公司")
      .and.include("合作方");
    expect(t.errors).to.deep.equal([]);
  });

  for (const [language, words] of [
    [
      "Chinese",
      {
        name: "机构名称",
        code: "统一社会信用代码",
        role: "角色",
        roleOption: "数据使用方",
        key: "SM2 公钥",
        submit: "签名并登记",
        checkCharacter: "不是统一社会信用代码：校验码错误",
        duplicate: "该标识的记录已存在。",
      },
    ],
    [
      "English",
      {
        name: "Name",
        code: "Unified social credit code",
        role: "Role",
        roleOption: "Data consumer",
        key: "SM2 public key",
        submit: "Sign and register",
        checkCharacter: "is not a unified social credit code: its check character is wrong",
        duplicate: "A record with this identifier already exists.",
      },
    ],
  ] as const)
    it(`refuses a code that is not a unified social credit code and one already registered, on the field, in ${language}`, async () => {
      await signIn();
      if (language === "English") await chooseEnglish(t.page);
      await t.page.goto(`${t.svc.url}/#/agency/organisations`);
      const form = registerForm();
      await form.getByLabel(words.name, { exact: true }).fill("Shenzhen Duplicate Data Co.");
      await choose(t.page, form, words.role, words.roleOption);
      await form.getByLabel(words.key).fill(strangerBody("consumer", 93).publicKey);
      // op's code with its last (check) character changed: caught before anything is signed.
      const last = org("op").slice(-1);
      const wrong = org("op").slice(0, 17) + (last === "0" ? "1" : "0");
      await form.getByLabel(words.code, { exact: true }).fill(wrong);
      await form.getByRole("button", { name: words.submit }).click();
      // The message names the code typed (Ant Design may still be fading an earlier one out).
      const codeError = fieldError(form, words.code).filter({ hasText: wrong });
      await codeError.getByText(words.checkCharacter, { exact: false }).waitFor();
      expect(posts("/v1/actors")).to.have.length(0);

      // op's own code: well formed, so signed and sent; the chain refuses it as already registered.
      await form.getByLabel(words.code, { exact: true }).fill(org("op"));
      await form.getByRole("button", { name: words.submit }).click();
      await form.locator(".agency-refusal").getByText(words.duplicate, { exact: false }).waitFor();
      await fieldError(form, words.code)
        .filter({ hasText: org("op") })
        .getByText(words.duplicate, { exact: false })
        .waitFor();
      expect(posts("/v1/actors")).to.have.length(1);
      expect(await seriousViolations(t.page)).to.deep.equal([]);
      const op = await c.agency.get<{ created: { name: string } }>(`/v1/actors/${org("op")}`);
      expect(op.created.name).to.equal("Conformance op");
      // The browser logs the refused request's 409 itself; nothing else went wrong on the page.
      expect(t.errors.filter((e) => !e.includes("status of 409"))).to.deep.equal([]);
    });

  it("blacklists an organisation once its reason is given and confirmed, and shows the entry", async () => {
    await signIn();
    await t.page.getByRole("menuitem", { name: "黑名单" }).click();
    await t.page.getByRole("heading", { name: "黑名单", level: 2 }).waitFor();
    await t.page.locator(".agency-blacklist").getByText("黑名单为空").waitFor();
    expect(await seriousViolations(t.page)).to.deep.equal([]);

    const form = t.page.locator(".agency-blacklist-add");
    await form.getByLabel("机构的统一社会信用代码").fill(org("con"));
    await form.getByLabel("相关授权编号（可不填）").fill("G1");
    await form.getByRole("button", { name: "列入黑名单" }).click();
    const dialog = t.page.getByRole("dialog");
    await dialog
      .locator(".ant-modal-confirm-title")
      .getByText(`将 ${org("con")} 列入黑名单？`)
      .waitFor();
    expect(await dialog.getByRole("button", { name: "列入黑名单" }).isDisabled()).to.equal(true);
    // Cancelling sends nothing.
    await dialog.getByRole("button", { name: "取消" }).click();
    await dialog.waitFor({ state: "hidden" });
    // Gone from the page too: a closing dialog still over the next one would dim it for axe.
    await t.page.waitForFunction(noDialog);
    expect(posts("/v1/blacklist")).to.have.length(0);

    await form.getByRole("button", { name: "列入黑名单" }).click();
    await dialog.getByLabel("列入原因").fill("伪造个人信息授权同意");
    await t.page.waitForFunction(() => (globalThis as unknown as Animated).document.getAnimations().length === 0);
    expect(await seriousViolations(t.page, ".ant-modal")).to.deep.equal([]);
    await dialog.getByRole("button", { name: "列入黑名单" }).click();
    await form.getByText(`${org("con")} 已列入黑名单`).waitFor();
    // The page is judged once the dialog has faded out (fading, its text fails contrast).
    await t.page.waitForFunction(noDialog);

    const sent = Buffer.from(posts("/v1/blacklist")[0]!.body, "latin1").toString("utf8");
    expect((JSON.parse(sent) as { record: { op: string; body: unknown } }).record).to.deep.include({
      op: "blacklist.add",
      body: { orgId: org("con"), reason: "伪造个人信息授权同意", grantId: "G1" },
    });
    const entry = (await c.agency.get<{ entries: { orgId: string; bannedUntil: number }[] }>("/v1/blacklist"))
      .entries[0]!;
    expect(entry.orgId).to.equal(org("con"));

    const row = t.page.locator(".agency-blacklist tbody tr").filter({ hasText: org("con") });
    await row.waitFor();
    expect(await row.innerText())
      .to.include("Conformance con")
      .and.include("禁入中")
      .and.include("实施机构列入")
      .and.include("授权 G1")
      .and.include("伪造个人信息授权同意")
      .and.include(toCstIso(entry.bannedUntil).slice(0, 10));
    expect(await seriousViolations(t.page)).to.deep.equal([]);

    // The organisations page shows the ban too.
    await t.page.getByRole("menuitem", { name: "机构管理" }).click();
    const orgRow = t.page.locator(".agency-orgs tbody tr").filter({ hasText: org("con") });
    await orgRow.getByText(`禁入至 ${toCstIso(entry.bannedUntil).slice(0, 10)}`).waitFor();
    expect(t.errors).to.deep.equal([]);
  });

  it("refuses a code that is not one before asking to confirm", async () => {
    await signIn();
    await t.page.goto(`${t.svc.url}/#/agency/blacklist`);
    const form = t.page.locator(".agency-blacklist-add");
    await form.getByLabel("机构的统一社会信用代码").fill("91440300ABC");
    await form.getByRole("button", { name: "列入黑名单" }).click();
    await fieldError(form, "机构的统一社会信用代码")
      .getByText("不是统一社会信用代码：应为 18 位", { exact: false })
      .waitFor();
    expect(await t.page.getByRole("dialog").count()).to.equal(0);
    expect(posts("/v1/blacklist")).to.have.length(0);
  });
});
