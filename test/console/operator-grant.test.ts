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
      .getByText(/64 lowercase hex/)
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
});
