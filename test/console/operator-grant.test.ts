import { expect } from "chai";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";
import { org } from "../../scripts/scenarios/world.ts";
import { seriousViolations } from "./axe.ts";
import { signInAsMember, useConsoleSuite } from "./browser.ts";

/**
 * The desk's own grant, read-only, in the browser against the real service: G1's terms, its
 * delivery D1 to the consumer (with the note that pdl deliver watermarks), no certificate yet;
 * the admitted partner reads the same grant.
 */
describe("console: the operator's and partner's own grant (deliveries, certificates)", function () {
  this.timeout(240_000);
  const t = useConsoleSuite(async (svc) => {
    const c = clientsFor(svc.service, svc.url);
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
      expect(await seriousViolations(t.page)).to.deep.equal([]);
      expect(t.errors).to.deep.equal([]);
    });
});
