import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { sealKey } from "../../core/keyfile.ts";
import { MEMBERS, actorBody, org } from "../../scripts/scenarios/world.ts";
import { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { AGENCY_PASSPHRASE, submitKeyFile, useConsoleSuite, chooseEnglish } from "./browser.ts";

/** Signing in with a sealed key file: unsealed in the browser, every request signed there, nothing secret sent. */
describe("console: sign-in in the browser", function () {
  this.timeout(240_000);
  let agencyKeyFile: string;
  const exchangePassphrase = "exchange officer passphrase";
  let exchangeKeyFile: string;

  const t = useConsoleSuite(async (svc) => {
    agencyKeyFile = readFileSync(join(svc.dir, "keys/agency.key.json"), "utf8");
    const agency = new LedgerClient({
      baseUrl: svc.url,
      identity: { orgId: svc.service.agencyOrgId, privateKey: svc.service.keyring.agency.privateKey },
    });
    await agency.submit("actor.register", actorBody("ex"));
    // A key file that does not name its organisation: the user types the code.
    exchangeKeyFile = JSON.stringify(
      sealKey(
        { purpose: "signing", algorithm: "sm2", orgId: undefined, privateKey: MEMBERS.ex.sm2PrivateKey },
        exchangePassphrase,
      ),
    );
  });

  const signIn = (keyFile: string, passphrase: string, orgId?: string) =>
    submitKeyFile(t.page, t.svc.url, keyFile, passphrase, orgId);

  it("serves the console at / from the API's origin, in Chinese by default, with nothing from elsewhere", async () => {
    await t.page.goto(t.svc.url + "/");
    await t.page.getByRole("heading", { name: "数据产品和服务清单" }).waitFor();
    expect(await t.page.title()).to.contain("授权运营登记簿");
    for (const r of t.traffic) expect(new URL(r.url).origin, r.url).to.equal(t.svc.url);
    expect(t.errors).to.deep.equal([]);
  });

  it("refuses a wrong passphrase in the browser: no request is signed or sent for it", async () => {
    await signIn(agencyKeyFile, "not the passphrase");
    await t.page.getByRole("alert").filter({ hasText: "口令错误" }).waitFor();
    expect(t.traffic.filter((r) => r.url.includes("/v1/")).map((r) => r.url)).to.deep.equal([]);
    expect(await t.page.getByText(/已登录/).count()).to.equal(0);
  });

  it("signs in the agency with its sealed key: role from the ledger, requests signed, the key never sent", async () => {
    await signIn(agencyKeyFile, AGENCY_PASSPHRASE);
    await t.page.getByText(/已登录：.*（实施机构）/).waitFor();
    await t.page.getByRole("heading", { name: "数据产品和服务清单" }).waitFor();
    const signed = t.traffic.filter((r) => r.headers["x-pdl-signature"]);
    expect(signed.map((r) => new URL(r.url).pathname)).to.include(`/v1/actors/${t.svc.service.agencyOrgId}`);
    for (const r of signed) expect(r.headers["x-pdl-actor"]).to.equal(t.svc.service.agencyOrgId);
    const secret = t.svc.service.keyring.agency.privateKey.toLowerCase();
    const sealed = JSON.parse(agencyKeyFile).sealed.data as string;
    for (const r of t.traffic) {
      const everything = (JSON.stringify(r.headers) + r.url + r.body).toLowerCase();
      expect(everything, r.url).not.to.include(secret);
      expect(everything, r.url).not.to.include(AGENCY_PASSPHRASE.toLowerCase());
      expect(everything, r.url).not.to.include(sealed.toLowerCase());
    }
    // Nothing of the key kept in the page's storage either.
    const stored = await t.page.evaluate(
      () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
    );
    expect(stored.toLowerCase()).not.to.include(secret);
    await t.page.getByRole("button", { name: "退出登录" }).click();
    await t.page.getByRole("button", { name: "登录", exact: true }).waitFor();
    expect(t.errors).to.deep.equal([]);
  });

  it("signs in a key file without an organisation code once the code is typed; English on request", async () => {
    await signIn(exchangeKeyFile, exchangePassphrase, org("ex"));
    await t.page.getByText(/已登录：.*（数据交易所）/).waitFor();
    await chooseEnglish(t.page);
    await t.page.getByText(/Signed in: .*\(Data exchange\)/).waitFor();
  });

  it("forgets the key after 15 minutes without activity", async () => {
    await t.page.clock.install();
    await signIn(exchangeKeyFile, exchangePassphrase, org("ex"));
    await t.page.getByText(/已登录/).waitFor();
    await t.page.clock.fastForward("15:01");
    await t.page.getByText(/长时间未操作，已自动退出登录/).waitFor();
    expect(await t.page.getByText(/已登录/).count()).to.equal(0);
  });

  it("refuses a key whose organisation is not registered", async () => {
    const stranger = JSON.stringify(
      sealKey({ purpose: "signing", algorithm: "sm2", orgId: org("sup"), privateKey: MEMBERS.sup.sm2PrivateKey }, "x1"),
    );
    await signIn(stranger, "x1");
    await t.page.getByRole("alert").filter({ hasText: "未在登记簿中注册" }).waitFor();
  });
});
