import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ERROR_CODES } from "../../core/errors.ts";
import type { OperationName } from "../../core/operations.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { DEFAULTS, type Config } from "../../ledger-service/src/config.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { grantBody, h, hopBody, productBody } from "../../scripts/scenarios/fixtures.ts";
import { org, type ActorName } from "../../scripts/scenarios/world.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";

interface Refusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly details?: Record<string, unknown>;
}

/** Refusals over HTTP name what is wrong: the field, the id or the limit, in English and Chinese. */
describe("refusals name the offending field, id or limit", function () {
  this.timeout(180_000);
  let dir: string;
  let service: RunningService;
  let c: Record<ActorName, LedgerClient>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-refusals-"));
    const config: Config = { ...DEFAULTS, port: 0, dataDir: dir, logLevel: "silent" };
    service = await startService(config, { env: { LEDGER_AGENCY_PASSPHRASE: "refusals test" } });
    c = clientsFor(service, `http://127.0.0.1:${service.address().port}`);
    await playStory(service, c);
  });
  after(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function refusal(who: ActorName, op: OperationName, body: unknown, lang?: "zh"): Promise<Refusal> {
    const size = service.log.size;
    const { status, json } = await c[who].raw("POST", "/v1/records", c[who].sign(op, body as never), {
      headers: lang ? { "accept-language": lang } : {},
    });
    expect(service.log.size, "a refusal writes nothing").to.equal(size);
    return { status, ...(json as { error: Omit<Refusal, "status"> }).error };
  }

  it("PRICE_ABOVE_CAP names the cap; a price at the cap passes", async () => {
    const over = await refusal("op", "product.register", productBody({ id: "P-cap", pricing: price(1001) }));
    expect([over.status, over.code]).to.deep.equal([422, "PRICE_ABOVE_CAP"]);
    expect(over.details).to.deep.equal({ capFen: 1000 });
    expect(over.detail).to.match(/1000/);
    const zh = await refusal("op", "product.register", productBody({ id: "P-cap", pricing: price(1001) }), "zh");
    expect(zh.message).to.equal(ERROR_CODES.PRICE_ABOVE_CAP.zh);
    expect(zh.details).to.deep.equal({ capFen: 1000 });
    await c.op.submit("product.register", productBody({ id: "P-cap", pricing: price(1000) }) as never);
  });

  it("NOT_FOUND names the missing id", async () => {
    const missing = await refusal("op", "product.reprice", { productId: "P-none", pricing: price(1) });
    expect([missing.status, missing.code]).to.deep.equal([404, "NOT_FOUND"]);
    expect(missing.details).to.deep.equal({ id: "P-none" });
    const noGrant = await refusal("op", "lineage.hop", hopBody("H-x", { grantId: "G-none" }));
    expect(noGrant.details).to.deep.equal({ id: "G-none" });
  });

  it("FIELD_NOT_GRANTED names the resource and the field", async () => {
    const input = { kind: "resource", resourceId: "R2", version: 1, fields: ["amount", "idno"], hash: h("R2-v1") };
    const refused = await refusal("op", "lineage.hop", hopBody("H-f", { inputs: [input], environment: "tee" }), "zh");
    expect(refused.code).to.equal("FIELD_NOT_GRANTED");
    expect(refused.message).to.equal(ERROR_CODES.FIELD_NOT_GRANTED.zh);
    expect(refused.details).to.deep.equal({ resourceId: "R2", field: "idno" });
  });

  it("INVALID_RECORD names every broken field, in the caller's language", async () => {
    const refused = await refusal("op", "product.register", productBody({ id: "P-bad", pricing: price(-1) }), "zh");
    expect(refused.code).to.equal("INVALID_RECORD");
    const issues = refused.details?.issues as { path: string; message: string }[];
    expect(issues.map((i) => i.path)).to.deep.equal(["pricing.priceFen"]);
    expect(issues[0]!.message, "zod's Chinese wording").to.match(HAN);
    expect(refused.detail).to.match(/^字段：pricing\.priceFen /);
    expect(refused.details, "the Chinese issues stand in for the English ones").not.to.have.property("issuesZh");
    const en = await refusal("op", "product.register", productBody({ id: "P-bad", pricing: price(-1) }));
    expect((en.details?.issues as { message: string }[])[0]!.message).not.to.match(HAN);
    // The rulebook's own sentence (not zod's) in Chinese too.
    const badId = await refusal("op", "product.register", productBody({ id: "-bad" }), "zh");
    expect(badId.details?.issues).to.deep.equal([
      { path: "id", message: "须为 1–31 个字符：字母、数字、“.”、“_”、“:”或“-”，且以字母或数字开头" },
    ]);
  });

  it("status refusals name the grant, product or resource, on the chain's rule", async () => {
    const resumed = await refusal("agency", "grant.resume", { grantId: "G1", reason: "not suspended" }, "zh");
    expect([resumed.status, resumed.code, resumed.details]).to.deep.equal([
      409,
      "GRANT_STATUS_INVALID",
      { grantId: "G1" },
    ]);
    expect(resumed.detail).to.equal("授权：G1");
    const delisted = await refusal("ex", "product.delist", { productId: "P1", reason: "not listed" });
    expect([delisted.code, delisted.details]).to.deep.equal(["PRODUCT_STATUS_INVALID", { productId: "P1" }]);
  });

  it("rule refusals name the author, term, price or hop, in Chinese words under zh-CN", async () => {
    const regrant = await refusal("op", "grant.issue", { ...grant(), id: "G-re" }, "zh");
    expect([regrant.status, regrant.code, regrant.details]).to.deep.equal([
      403,
      "REGRANT_FORBIDDEN",
      { orgId: org("op") },
    ]);
    expect(regrant.detail).to.equal(`组织：${org("op")}`);

    const backwards = grant({ validFrom: 2_000_000_000, validUntil: 1_999_999_999 });
    const term = await refusal("agency", "grant.issue", backwards, "zh");
    expect([term.code, term.details?.validFrom, term.details?.validUntil]).to.deep.equal([
      "GRANT_TERM_INVALID",
      2_000_000_000,
      1_999_999_999,
    ]);
    expect(term.details?.now, "the chain's time of issue").to.be.a("number");
    expect(term.detail).to.match(
      /^有效期起：2033-05-18T11:33:20\+08:00 \(2000000000\)；有效期至：2033-05-18T11:33:19\+08:00 \(1999999999\)；链上时间：\d{4}-.*\+08:00 \(\d+\)$/,
    );

    const pricing = { model: "public-welfare", chargeUnit: "per-call", priceFen: 5 };
    const notFree = await refusal("op", "product.register", productBody({ id: "P-free", pricing }), "zh");
    expect([notFree.code, notFree.details, notFree.detail]).to.deep.equal([
      "PUBLIC_WELFARE_NOT_FREE",
      { priceFen: 5 },
      "价格（分）：5",
    ]);

    const undelivered = await refusal("op", "lineage.hop", hopBody("H-nodelivery", { operation: "deliver" }));
    expect([undelivered.code, undelivered.details]).to.deep.equal([
      "DELIVERY_DETAILS_REQUIRED",
      { hopId: "H-nodelivery" },
    ]);
    expect(undelivered.detail).to.equal("a deliver hop without delivery details");

    const stranger = await refusal(
      "con",
      "cap.set",
      { domain: "finance", chargeUnit: "per-call", maxPriceFen: 1 },
      "zh",
    );
    expect([stranger.code, stranger.details, stranger.detail]).to.deep.equal([
      "NOT_AUTHORIZED",
      { orgId: org("con") },
      `组织：${org("con")}`,
    ]);
  });

  it("a detail is Chinese under Accept-Language zh-CN and English otherwise", async () => {
    const body = productBody({ id: "P-cap2", pricing: price(1001) });
    const zh = await refusal("op", "product.register", body, "zh");
    expect(zh.detail).to.equal("上限价格（分）：1000");
    const en = await refusal("op", "product.register", body);
    expect(en.detail).to.equal("the cap is 1000 fen");
    const missing = await refusal("op", "product.reprice", { productId: "P-none", pricing: price(1) }, "zh");
    expect([missing.code, missing.detail]).to.deep.equal(["NOT_FOUND", "标识：P-none"]);
  });

  it("service refusals name the header, caller, nonce, role, route, field or limit", async () => {
    const url = `http://127.0.0.1:${service.address().port}`;
    const get = async (path: string, headers: Record<string, string> = {}, init: RequestInit = {}) => {
      const res = await fetch(url + path, { ...init, headers: { "accept-language": "zh-CN", ...headers } });
      return { status: res.status, ...((await res.json()) as { error: Omit<Refusal, "status"> }).error };
    };
    const unknown = await c.op.raw("GET", "/v1/no-such-route", undefined, { headers: { "accept-language": "zh-CN" } });
    const route = { status: unknown.status, ...(unknown.json as { error: Omit<Refusal, "status"> }).error };
    expect([route.status, route.code, route.details]).to.deep.equal([
      404,
      "ROUTE_NOT_FOUND",
      { method: "GET", path: "/v1/no-such-route" },
    ]);
    expect(route.detail).to.equal("请求方法：GET；路径：/v1/no-such-route");

    const headers = c.op.signatureHeaders("GET", "/v1/grants", new Uint8Array());
    const { "x-pdl-nonce": _nonce, ...noNonce } = headers;
    const unsigned = await get("/v1/grants", noNonce);
    expect([unsigned.status, unsigned.code, unsigned.details]).to.deep.equal([
      401,
      "AUTH_REQUIRED",
      { header: "x-pdl-nonce" },
    ]);
    expect(unsigned.detail).to.equal("请求头：x-pdl-nonce");

    const stale = c.op.signatureHeaders("GET", "/v1/grants", new Uint8Array(), Math.floor(Date.now() / 1000) - 3600);
    const skew = await get("/v1/grants", stale);
    expect(skew.code).to.equal("AUTH_CLOCK_SKEW");
    expect(skew.details).to.include({ maxSkewSeconds: 300 });
    expect(skew.detail).to.match(/^服务器时间：\d{4}-\d\d-\d\dT.*\+08:00 \(\d+\)；允许偏差（秒）：300$/);

    const forged = await get("/v1/grants", { ...headers, "x-pdl-signature": "0".repeat(128) });
    expect([forged.code, forged.details]).to.deep.equal(["AUTH_SIGNATURE_INVALID", { actor: headers["x-pdl-actor"] }]);

    const first = await get("/v1/grants", headers);
    expect(first.status, "the signed request itself passes").to.equal(200);
    const replayed = await get("/v1/grants", headers);
    expect([replayed.code, replayed.details]).to.deep.equal([
      "AUTH_NONCE_REPLAYED",
      { actor: headers["x-pdl-actor"], nonce: headers["x-pdl-nonce"] },
    ]);

    const { status, json } = await c.op.raw("GET", "/v1/exchange/queue", undefined, {
      headers: { "accept-language": "zh-CN" },
    });
    const forbidden = (json as { error: Refusal }).error;
    expect([status, forbidden.code, forbidden.details]).to.deep.equal([
      403,
      "FORBIDDEN",
      { role: "operator", kind: "listingQueue" },
    ]);
    expect(forbidden.detail).to.equal("角色：operator；记录类别：listingQueue");

    const notJson = await c.op.raw("POST", "/v1/records", undefined, { bodyBytes: Buffer.from("{not json") });
    expect((notJson.json as { error: Refusal }).error).to.deep.include({
      code: "MALFORMED_REQUEST",
      details: { field: "body" },
    });

    const big = await c.op.raw("POST", "/v1/records", undefined, { bodyBytes: Buffer.alloc(300 * 1024, 0x20) });
    expect([big.status, (big.json as { error: Refusal }).error.details]).to.deep.equal([
      413,
      { limitBytes: 256 * 1024 },
    ]);
  });
});

const HAN = /[\u4e00-\u9fff]/;

const grant = (extra: Record<string, unknown> = {}) => {
  const now = Math.floor(Date.now() / 1000);
  return grantBody({ t: now, time: () => now }, { id: "G-term", ...extra });
};

const price = (priceFen: number) => ({ model: "industry", chargeUnit: "per-call", priceFen });
