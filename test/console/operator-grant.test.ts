import { expect } from "chai";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { org, type ActorName } from "../../scripts/scenarios/world.ts";
import { sm3Hex } from "../../core/crypto/sm3.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { seriousViolations } from "./axe.ts";
import { signInAsMember, useConsoleSuite } from "./browser.ts";

/**
 * The desk's own grant, read-only, in the browser against the real service: G1's terms, its
 * delivery D1 to the consumer (with the note that pdl deliver watermarks), no certificate yet;
 * the admitted partner reads the same grant; the operator files its exit notice.
 */
describe("console: the operator's and partner's own grant (deliveries, certificates)", function () {
  this.timeout(240_000);
  let c: Record<ActorName, LedgerClient>;
  const t = useConsoleSuite(async (svc) => {
    c = clientsFor(svc.service, svc.url);
    await playStory(svc.service, c);
  });

  for (const who of ["op", "pa"] as const)
    it(`shows G1 with its delivery and no certificate to the ${who === "op" ? "operator" : "partner"}, and passes axe`, async () => {
      await signInAsMember(t.page, t.svc.url, who, `${who} grant passphrase`);
      await t.page.getByRole("menuitem", { name: "本机构授权", exact: true }).click();
      const delivery = t.page.locator(".operator-deliveries tbody tr").filter({ hasText: "D1" });
      await delivery.waitFor();
      expect(await delivery.innerText())
        .to.include(org("con"))
        .and.include("P1");
      await t.page.getByText(/交付由 pdl deliver 完成：它先为交付的数据嵌入该交付专属的水印/).waitFor();
      expect(await t.page.locator(".operator-grant").innerText())
        .to.include("R1（a、b、c）")
        .and.include("授权未终止");
      await t.page.locator(".operator-certificates").getByText("尚无销毁证明").waitFor();
      // Only the grantee files the exit notice.
      expect(await t.page.locator(".exit-notice").count()).to.equal(who === "op" ? 1 : 0);
      expect(await seriousViolations(t.page)).to.deep.equal([]);
      expect(t.errors).to.deep.equal([]);
    });

  it("the operator files its exit notice: a bad hash is caught before signing, a good one recorded", async () => {
    await signInAsMember(t.page, t.svc.url, "op", "op exit passphrase");
    await t.page.goto(`${t.svc.url}/#/operator/grant`);
    const card = t.page.locator(".exit-notice");
    await card.getByLabel("退出方案哈希（SM3）").fill("not a hash");
    await card.getByRole("button", { name: "签名并提交" }).click();
    await card
      .locator(".ant-form-item-explain-error")
      .getByText(/64 个小写十六进制字符/)
      .waitFor();
    expect(t.traffic.filter((r) => r.method === "POST")).to.deep.equal([]);
    await card.getByLabel("退出方案哈希（SM3）").fill(sm3Hex("exit plan of G1"));
    await card.getByRole("button", { name: "签名并提交" }).click();
    await card.getByText(/^退出方案已于 \d{4}-\d{2}-\d{2} 提交。$/).waitFor();
    const sent = t.traffic.find((r) => r.method === "POST" && r.url.endsWith("/v1/grants/G1/exit-notice"))!;
    expect((JSON.parse(sent.body) as { record: unknown }).record).to.deep.include({
      op: "grant.exitNotice",
      body: { grantId: "G1", planHash: sm3Hex("exit plan of G1") },
    });
    const grant = await c.op.get<{ view: { exitNoticeAt: number } }>("/v1/grants/G1");
    expect(grant.view.exitNoticeAt).to.be.greaterThan(0);
  });

  it("files a destruction certificate: a bad hash and a missing time caught before signing, the chain's refusal while the grant stands, then recorded once it is revoked", async () => {
    await signInAsMember(t.page, t.svc.url, "pa", "pa certificate passphrase");
    await t.page.goto(`${t.svc.url}/#/operator/grant`);
    const card = t.page.locator(".destruction-certificate");
    const errorOf = (label: string) =>
      card
        .locator(".ant-form-item")
        .filter({ has: t.page.getByLabel(label, { exact: true }) })
        .locator(".ant-form-item-explain-error");
    await card.getByLabel("证明编号").fill("C9");
    await card.getByLabel("资产类别").click();
    await t.page
      .locator(".ant-select-dropdown:visible .ant-select-item-option")
      .filter({ hasText: "原始数据" })
      .click();
    await card.getByRole("button", { name: "添加资产" }).click();
    await card.getByLabel("资产 1 的 SM3 哈希").fill("not a hash");
    await card.getByLabel("资产 1 的说明").fill("the partner's working copy of R1");
    await card.getByLabel("销毁方式").fill("overwritten three times, then the disk shredded");
    await card.getByLabel("见证人").fill("Longhua data bureau clerk");
    const sign = card.getByRole("button", { name: "签名并提交销毁证明" });
    await sign.click();
    await errorOf("资产 1 的 SM3 哈希")
      .getByText(/64 个小写十六进制字符/)
      .waitFor();
    expect(await errorOf("销毁时间（北京时间）").innerText()).to.match(/[\u4e00-\u9fff]/);
    expect(t.traffic.filter((r) => r.method === "POST" && r.url.endsWith("/v1/records"))).to.deep.equal([]);

    await card.getByLabel("资产 1 的 SM3 哈希").fill(sm3Hex("partner copy of R1"));
    await card.getByLabel("销毁时间（北京时间）").fill("2026-12-01T10:30");
    await sign.click();
    await card.locator(".operator-refusal").getByText("只有退出中或已撤销的授权才能提交销毁证明。").waitFor();

    await c.agency.submit("grant.revoke", { grantId: "G1", reason: "agreement terminated" } as never);
    await sign.click();
    await card.getByText("销毁证明已登记。").waitFor();
    await t.page.locator(".operator-certificates tbody tr").filter({ hasText: "C9" }).waitFor();
    const sent = t.traffic.filter((r) => r.method === "POST" && r.url.endsWith("/v1/records")).at(-1)!;
    expect((JSON.parse(sent.body) as { record: unknown }).record).to.deep.include({
      op: "destruction.certify",
      body: {
        id: "C9",
        grantId: "G1",
        assetClass: "raw-data",
        assets: [{ hash: sm3Hex("partner copy of R1"), description: "the partner's working copy of R1" }],
        method: "overwritten three times, then the disk shredded",
        destroyedAt: Date.parse("2026-12-01T10:30:00+08:00") / 1000,
        witness: "Longhua data bureau clerk",
      },
    });
    const cert = await c.agency.get<{ view: { holder: string; assetClass: string } }>("/v1/certificates/C9");
    expect(cert.view).to.deep.include({ holder: org("pa"), assetClass: "raw-data" });
    expect(await seriousViolations(t.page)).to.deep.equal([]);
  });
});
