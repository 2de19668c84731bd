import { expect } from "chai";
import type { Locator } from "playwright-core";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { OverdueItem } from "../../core/overdue.ts";
import type { AlertView } from "../../core/views.ts";
import { DEFAULTS } from "../../ledger-service/src/config.ts";
import { deliverBody, h, serviceListBody } from "../../scripts/scenarios/fixtures.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { MEMBERS, org, type ActorName } from "../../scripts/scenarios/world.ts";
import { sm3Hex } from "../../core/crypto/sm3.ts";
import { seriousViolations } from "./axe.ts";
import { AGENCY_PASSPHRASE, chooseEnglish, signInAsMember, signInWithKey, useConsoleSuite } from "./browser.ts";

/**
 * The oversight duties in the browser against the real service on the manual clock: a complaint
 * lodged by someone without an account and followed by its id; the operators' service lists with
 * their last publication; the refusal of a complaint about no product, in Chinese and English.
 */
describe("console: complaints, service lists and the oversight desks", function () {
  this.timeout(240_000);
  let c: Record<ActorName, LedgerClient>;
  const t = useConsoleSuite(
    async (svc) => {
      c = clientsFor(svc.service, svc.url);
      await playStory(svc.service, c);
      await c.op.submit(
        "serviceList.publish",
        serviceListBody("op", [
          { productId: "P1", fee: { charge: "charged", chargeUnit: "per-call", priceFen: 500 } },
        ]) as never,
      );
      await c.op.submit("lineage.hop", deliverBody("D2", { outputHash: h("D2-out") }) as never);
    },
    // Deliveries to one recipient above 150 records a day raise an alert; scans on request only.
    { clock: "manual", alerts: { ...DEFAULTS.alerts, recordsPerRecipientPerDay: 150, scanEverySeconds: 0 } },
  );
  /** Picks `option` in the Ant Design select labelled `label`. */
  const choose = async (label: string, option: string) => {
    await t.page.getByLabel(label).click();
    await t.page.locator(`.ant-select-item-option[title="${option}"]`).click();
  };
  const complaintBody = "P1 按次收费 8 元，高于公开价格 5 元。";

  /** Lodges a complaint through the public page as anyone would, and returns the id the page shows. */
  const lodgeInBrowser = async (subjectId: string, text: string) => {
    await t.page.goto(`${t.svc.url}/#/complaints`);
    await choose("投诉对象类型", "数据产品");
    await t.page.getByLabel("投诉对象编号").fill(subjectId);
    await t.page.getByLabel("投诉内容").fill(text);
    await t.page.getByLabel(/联系方式/).fill("13912345678");
    await t.page.getByRole("button", { name: "提交投诉" }).click();
    await t.page.getByText("投诉已受理").waitFor();
    return (await t.page.locator(".lodged-id").innerText()).trim();
  };

  it("lodges a complaint without signing in, unsigned and sealed, and follows it by its id", async () => {
    await t.page.goto(`${t.svc.url}/#/complaints`);
    await t.page.getByRole("heading", { name: "投诉举报" }).waitFor();
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    // The rulebook's schema refuses a malformed operator code before anything is sent.
    await choose("投诉对象类型", "运营机构");
    await t.page.getByLabel("投诉对象编号").fill("91440300XXXX");
    await t.page.getByLabel("投诉内容").fill("未按清单提供服务");
    await t.page.getByRole("button", { name: "提交投诉" }).click();
    await t.page.getByText("投诉对象编号：统一社会信用代码应为 18 位且校验位正确").waitFor();
    expect(t.traffic.filter((r) => r.method === "POST")).to.deep.equal([]);

    const id = await lodgeInBrowser("P1", complaintBody);
    expect(id).to.match(/^K-[0-9a-f]{24}$/);
    const post = t.traffic.find((r) => r.method === "POST" && r.url.endsWith("/v1/public/complaints"))!;
    expect(Object.keys(post.headers).filter((h) => h.startsWith("x-pdl-"))).to.deep.equal([]);
    expect(JSON.parse(Buffer.from(post.body, "latin1").toString("utf8"))).to.deep.equal({
      subject: { kind: "product", id: "P1" },
      text: complaintBody,
      contact: "13912345678",
    });
    await t.page.getByRole("link", { name: "查看处理进度" }).click();
    const state = t.page.locator(".complaint-state");
    await state.getByText("已受理").waitFor();
    expect(await state.innerText())
      .to.include(id)
      .and.include("数据产品 P1")
      .and.not.include("8 元");
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    expect(t.errors).to.deep.equal([]);
  });

  it("a supervisor opens, in the browser, a complaint lodged anonymously in this test and records its outcome", async () => {
    const text = `P1 的响应时间远超清单所列 ${Date.now()}`;
    const id = await lodgeInBrowser("P1", text);
    await signInAsMember(t.page, t.svc.url, "sup", "supervisor passphrase");
    await t.page.getByRole("menuitem", { name: "投诉处理" }).click();
    await t.page.getByRole("link", { name: id }).click();
    await t.page.locator(".complaint-state").getByText("已受理").waitFor();
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    await t.page.getByRole("button", { name: "用本机构密钥打开投诉内容" }).click();
    const sealed = t.page.locator(".sealed-content");
    await sealed.getByText(text).waitFor();
    expect(await sealed.innerText())
      .to.include("13912345678")
      .and.include("一致");
    // The service gave the envelope only; the plaintext was never on the wire, the key never sent.
    const get = t.traffic.find((r) => r.url.endsWith(`/v1/complaints/${id}/sealed`))!;
    expect(get.headers).to.have.property("x-pdl-signature");
    const key = MEMBERS.sup.sm2PrivateKey.toLowerCase();
    for (const r of t.traffic) expect(r.body.toLowerCase()).not.to.include(key);
    for (const r of t.traffic.filter((r) => r.url.includes("/v1/complaints")))
      expect(Buffer.from(r.body, "latin1").toString("utf8")).not.to.include(text);

    // Concluding without an outcome is refused by the form, naming the field.
    await choose("处理阶段", "办结");
    await t.page.getByLabel(/处理意见/).fill("经核查，P1 的响应时间超出清单，已责令整改。");
    await t.page.getByRole("button", { name: "记录处理情况" }).click();
    await t.page.getByText("处理结果：办结时必须选择").waitFor();
    await choose("处理结果", "投诉成立");
    await t.page.getByRole("button", { name: "记录处理情况" }).click();
    await t.page.locator(".complaint-state").getByText("已办结").waitFor();
    await t.page
      .locator(".handling-history")
      .getByText(/办结 · 投诉成立/)
      .waitFor();
    const handled = t.traffic.find((r) => r.method === "POST" && r.url.endsWith(`/v1/complaints/${id}/handling`))!;
    expect((JSON.parse(handled.body) as { record: { op: string; body: unknown } }).record).to.deep.include({
      op: "complaint.handle",
      body: {
        complaintId: id,
        stage: "concluded",
        outcome: "upheld",
        reportHash: sm3Hex("经核查，P1 的响应时间超出清单，已责令整改。"),
      },
    });
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    // And anyone holding the id sees the outcome, not the content.
    const view = await c.con.request<{ status: string; outcome: string }>(
      "GET",
      `/v1/public/complaints/${id}`,
      undefined,
      {
        public: true,
      },
    );
    expect(view).to.deep.include({ status: "concluded", outcome: "upheld" });
    expect(t.errors).to.deep.equal([]);
  });

  for (const [language, words] of [
    ["Chinese", /^投诉未被受理：[^]*P99/],
    ["English", /^The complaint was not accepted: [^]*P99/],
  ] as const)
    it(`shows the refusal of a complaint about no registered product, in ${language}, naming it`, async () => {
      await t.page.goto(`${t.svc.url}/#/complaints`);
      if (language === "English") await chooseEnglish(t.page);
      const en = language === "English";
      await t.page.getByLabel(en ? "Product ID or operator code" : "投诉对象编号").fill("P99");
      await t.page.getByLabel(en ? "Your complaint" : "投诉内容").fill("no such product");
      await t.page.getByRole("button", { name: en ? "Lodge the complaint" : "提交投诉" }).click();
      const alert = t.page.locator(".lodge-refusal");
      await alert.waitFor();
      const text = await alert.innerText();
      expect(text).to.match(words);
      const served = text.replace(/^(投诉未被受理：|The complaint was not accepted: )/, "");
      if (en) expect(served).not.to.match(/[\u4e00-\u9fff]/);
      else expect(served).to.match(/[\u4e00-\u9fff]{2}/);
    });

  it("shows each operator's service list with its last publication, due date and entries", async () => {
    await t.page.goto(`${t.svc.url}/#/`);
    await t.page.getByRole("menuitem", { name: "服务清单公开情况" }).click();
    const row = t.page.locator(".service-lists > div tbody > tr").filter({ hasText: "按期" });
    await row.first().waitFor();
    const [list] = (
      await c.con.get<{ serviceLists: { operatorName: string; publishedAt: number }[] }>("/v1/public/service-lists")
    ).serviceLists;
    const shown = await row.first().innerText();
    expect(shown).to.include(list!.operatorName);
    expect(shown).to.include(new Date((list!.publishedAt + 8 * 3600) * 1000).toISOString().slice(0, 10));
    await row.first().getByRole("button").first().click();
    const entries = t.page.getByRole("table", { name: "清单条目" });
    await entries.getByText("P1 · Credit score API").waitFor();
    expect(await entries.innerText())
      .to.include("within 1 working day")
      .and.include("5.00 元/次");
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    expect(t.errors).to.deep.equal([]);
  });

  /** Waits until `rows` holds exactly `n` rows. */
  const rowCount = async (rows: Locator, n: number) => {
    await rows.nth(n).waitFor({ state: "detached" });
    if (n > 0) await rows.nth(n - 1).waitFor();
  };
  const clockTime = async () => (await c.sup.get<{ time: number }>("/v1/clock")).time;
  const signInAsAgency = () =>
    signInWithKey(t.page, t.svc.url, readFileSync(join(t.svc.dir, "keys/agency.key.json"), "utf8"), AGENCY_PASSPHRASE);

  it("the agency scans, reads an alert's evidence and suspends the grant from it after confirming", async () => {
    await signInAsAgency();
    await t.page.getByRole("menuitem", { name: "风险预警" }).click();
    await t.page.getByRole("button", { name: "立即扫描" }).click();
    await t.page.getByRole("status").getByText("本次新签发 1 条预警").waitFor();
    const row = t.page.locator(".alerts > div tbody > tr").filter({ hasText: "单一接收方超量" });
    await row.waitFor();
    expect(await row.innerText()).to.include("G1");
    await row.getByRole("button").first().click();
    const evidence = t.page.locator(".alert-evidence");
    const delivered = await c.sup.get<{ history: { recordHash: string }[] }>("/v1/records/hop/D2/history");
    await evidence.getByText(delivered.history[0]!.recordHash).waitFor();
    expect(await evidence.innerText())
      .to.include("hop D1")
      .and.include("hop D2");
    expect(await seriousViolations(t.page)).to.deep.equal([]);

    await row.getByRole("button", { name: "暂停授权" }).click();
    const ask = t.page.getByRole("dialog").filter({ hasText: "据预警暂停授权 G1" });
    await ask.getByRole("button", { name: "下一步" }).click();
    await ask.getByText(/^暂停原因：必填/).waitFor();
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    await ask.getByLabel("暂停原因").fill("单一接收方 24 小时内交付量超限，紧急暂停");
    await ask.getByRole("button", { name: "下一步" }).click();
    const confirm = t.page.getByRole("dialog").filter({ hasText: "确认暂停授权 G1？" });
    await confirm.waitFor();
    expect(t.traffic.filter((r) => r.url.endsWith("/v1/grants/G1/suspension"))).to.deep.equal([]);
    await confirm.getByRole("button", { name: "暂停授权" }).click();
    await row.getByText(/^已暂停授权 · /).waitFor();
    const [alert] = (await c.sup.get<{ alerts: { view: AlertView }[] }>("/v1/alerts")).alerts;
    expect(alert!.view).to.deep.include({ grantId: "G1", action: "grant-suspended" });
    const post = t.traffic.find((r) => r.method === "POST" && r.url.endsWith("/v1/grants/G1/suspension"))!;
    expect(
      (JSON.parse(Buffer.from(post.body, "latin1").toString("utf8")) as { record: unknown }).record,
    ).to.deep.include({
      op: "grant.suspend",
      body: { grantId: "G1", reason: "单一接收方 24 小时内交付量超限，紧急暂停", alertId: alert!.view.id },
    });
    expect((await c.sup.get<{ view: { status: string } }>("/v1/grants/G1")).view.status).to.equal("suspended");
    expect(t.errors).to.deep.equal([]);
  });

  it("lists every kind of duty overdue at the chain's time, filtered by kind and by who owes it", async () => {
    await c.con.submitSigned(
      c.con.sign("objection.file", {
        id: "O1",
        resourceId: "R1",
        version: 1,
        category: "accuracy",
        summary: "the ratings of two companies are swapped",
        evidenceHash: h("O1 evidence"),
      }),
      "/v1/resources/R1/objections",
    );
    // 92 days on: the first complaint (30 days), the objection (15 days), the service list (91 days) and the resources.
    await c.agency.request("POST", "/v1/clock", { by: 92 * 86_400 });
    const served = (await c.sup.get<{ items: OverdueItem[] }>("/v1/overdue")).items;
    expect(new Set(served.map((i) => i.kind))).to.include.members([
      "complaint-handling",
      "objection-answer",
      "service-list",
      "resource-update",
    ]);
    await signInAsMember(t.page, t.svc.url, "sup", "supervisor passphrase");
    await t.page.getByRole("menuitem", { name: "逾期事项" }).click();
    const rows = t.page.locator(".overdue tbody tr.ant-table-row");
    await rows.first().waitFor();
    expect(await rows.count()).to.equal(served.length);
    expect(await seriousViolations(t.page)).to.deep.equal([]);

    await choose("事项类型", "异议答复");
    await rows.filter({ hasText: "objection O1" }).waitFor();
    expect(await rows.count()).to.equal(1);
    const objection = served.find((i) => i.kind === "objection-answer")!;
    const text = await rows.first().innerText();
    expect(text).to.include(org("su1")).and.include(objection.startedBy.recordHash!);
    expect(text).to.include(`${Math.floor(((await clockTime()) - objection.deadline) / 86_400)} 天`);

    await choose("事项类型", "全部");
    await t.page.getByLabel("按应履行单位或对象编号筛选").fill(org("op"));
    const owedByOp = served.filter((i) => i.owedBy.includes(org("op")));
    await rowCount(rows, owedByOp.length);
    expect(await rows.first().innerText()).to.include("服务清单公开");
    expect(t.errors).to.deep.equal([]);
  });

  it("shows each resource's update frequency, versions and freshness at the chain's time", async () => {
    await signInAsMember(t.page, t.svc.url, "sup", "supervisor passphrase");
    await t.page.getByRole("menuitem", { name: "数据资源时效性" }).click();
    const rows = t.page.locator(".freshness tbody tr.ant-table-row");
    await rows.filter({ hasText: "R2" }).waitFor();
    const now = await clockTime();
    const catalog = (
      await c.sup.get<{ resources: { id: string; view: { nextVersionDue: number; updateFrequency: string } }[] }>(
        "/v1/resources",
      )
    ).resources;
    for (const r of catalog) {
      const row = await rows.filter({ hasText: `${r.id} · ` }).innerText();
      expect(row, r.id).to.include(now > r.view.nextVersionDue ? "逾期" : "按期");
      expect(row).to.include(new Date((r.view.nextVersionDue + 8 * 3600) * 1000).toISOString().slice(0, 10));
    }
    expect(catalog.some((r) => now > r.view.nextVersionDue)).to.equal(true);
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    await choose("时效状态", "按期");
    await rowCount(rows, catalog.filter((r) => now <= r.view.nextVersionDue).length);
    expect(t.errors).to.deep.equal([]);
  });

  it("the source unit opens an objection overdue for its answer and answers it, marked late", async () => {
    await signInAsMember(t.page, t.svc.url, "su1", "source unit passphrase");
    await t.page.getByRole("menuitem", { name: "数据质量异议" }).click();
    await t.page.locator(".objections-overdue").getByRole("link", { name: "O1" }).click();
    const shown = t.page.locator(".objection-case");
    await shown.getByText("待答复").waitFor();
    expect(await shown.innerText())
      .to.include("R1 · v1")
      .and.include("the ratings of two companies are swapped")
      .and.include(org("con"));
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    await t.page.getByRole("button", { name: "答复异议" }).click();
    await t.page.getByText("答复结论：必须选择").waitFor();
    await choose("答复结论", "已更正");
    const answer = "两家企业的评级已对调更正，见 R1 第 2 版。";
    await t.page.getByLabel(/答复内容/).fill(answer);
    await t.page.getByRole("button", { name: "答复异议" }).click();
    await shown.getByText("已答复").waitFor();
    expect(await shown.innerText())
      .to.include("逾期答复")
      .and.include(sm3Hex(answer));
    const post = t.traffic.find((r) => r.method === "POST" && r.url.endsWith("/v1/objections/O1/answer"))!;
    expect((JSON.parse(post.body) as { record: unknown }).record).to.deep.include({
      op: "objection.answer",
      body: { objectionId: "O1", decision: "corrected", answerHash: sm3Hex(answer) },
    });
    const served = (await c.sup.get<{ items: OverdueItem[] }>("/v1/overdue")).items;
    expect(served.filter((i) => i.kind === "objection-answer")).to.deep.equal([]);
    expect(t.errors).to.deep.equal([]);
  });

  it("lists every objection the caller may read, filtered by status on the service; another source unit sees none", async () => {
    await signInAsMember(t.page, t.svc.url, "sup", "supervisor passphrase");
    await t.page.getByRole("menuitem", { name: "数据质量异议" }).click();
    const rows = t.page.locator(".objections-all tbody tr.ant-table-row");
    const o1 = rows.filter({ hasText: "O1" });
    await o1.waitFor();
    expect(await o1.innerText())
      .to.include("R1 · v1")
      .and.include(org("con"))
      .and.include("已答复")
      .and.include("逾期答复");
    expect(await seriousViolations(t.page)).to.deep.equal([]);
    await choose("状态", "待答复");
    await t.page.locator(".objections-all").getByText("没有异议").waitFor();
    expect(t.traffic.some((r) => r.url.includes("/v1/objections?status=open"))).to.equal(true);
    await choose("状态", "已答复");
    await o1.waitFor();
    await o1.getByRole("link", { name: "O1" }).click();
    await t.page.locator(".objection-case").getByText("已答复").waitFor();
    expect(t.errors).to.deep.equal([]);
  });

  it("shows a source unit none of the objections against another's resources", async () => {
    await signInAsMember(t.page, t.svc.url, "su2", "other source unit passphrase");
    await t.page.getByRole("menuitem", { name: "数据质量异议" }).click();
    await t.page.locator(".objections-all").getByText("没有异议").waitFor();
    const listed = await c.su2.get<{ objections: unknown[] }>("/v1/objections");
    expect(listed.objections).to.deep.equal([]);
    expect(t.errors).to.deep.equal([]);
  });
});
