import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ERROR_CODES } from "../../core/errors.ts";
import type { OperationName } from "../../core/operations.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { DEFAULTS, type Config } from "../../ledger-service/src/config.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { h, hopBody, productBody } from "../../scripts/scenarios/fixtures.ts";
import type { ActorName } from "../../scripts/scenarios/world.ts";
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
  });
});

const price = (priceFen: number) => ({ model: "industry", chargeUnit: "per-call", priceFen });
