import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { generateKeyPair } from "../../core/crypto/sm2.ts";
import { recordHash } from "../../core/record.ts";
import { usccCheckCharacter } from "../../core/uscc.ts";
import { DEFAULTS, type Config } from "../../ledger-service/src/config.ts";
import { verifyReceiptOffline } from "../../ledger-service/src/log/receipt.ts";
import { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";

const operatorOrg = (() => {
  const first17 = "91440300PDLT00001";
  return first17 + usccCheckCharacter(first17);
})();
const operatorKey = generateKeyPair();

describe("ledger service over HTTP on the embedded chain", function () {
  this.timeout(120_000);
  let dir: string;
  let service: RunningService;
  let config: Config;
  const base = () => `http://127.0.0.1:${service.address().port}`;
  const agency = () =>
    new LedgerClient({
      baseUrl: base(),
      identity: { orgId: service.agencyOrgId, privateKey: service.keyring.agency.privateKey },
    });
  const operator = () =>
    new LedgerClient({ baseUrl: base(), identity: { orgId: operatorOrg, privateKey: operatorKey.privateKey } });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-service-"));
    process.env.LEDGER_AGENCY_PASSPHRASE = "test passphrase";
    config = {
      ...DEFAULTS,
      port: 0,
      dataDir: dir,
      logLevel: "silent",
      log: { ...DEFAULTS.log, anchorEverySeconds: 3600 },
    };
    service = await startService(config);
  });
  after(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  let firstHash = "";

  it("accepts a signed write, puts it on chain and in the log, and returns its receipt", async () => {
    const res = await agency().submit("actor.register", {
      orgId: operatorOrg,
      name: "Longhua Data Operations Co.",
      role: "operator",
      publicKey: operatorKey.publicKey,
    });
    expect(res.kind).to.equal("actor");
    expect(res.tx.blockNumber).to.be.greaterThan(0);
    expect(res.leafIndex).to.be.at.least(0);
    expect(res.receipt.state).to.be.oneOf(["pending", "checkpointed"]);
    firstHash = res.recordHash;
    const doc = await agency().get<{ state?: unknown }>(`/v1/actors/${operatorOrg}`);
    expect(JSON.stringify(doc)).to.contain(operatorOrg);
  });

  it("refuses a rule violation with the rulebook code in the caller's language, writing nothing", async () => {
    const sizeBefore = service.log.size;
    const client = new LedgerClient({
      baseUrl: base(),
      identity: { orgId: operatorOrg, privateKey: operatorKey.privateKey },
      language: "zh",
    });
    const res = await client.raw(
      "POST",
      "/v1/records",
      client.sign("cap.set", { domain: "finance", chargeUnit: "per-call", maxPriceFen: 100 }),
    );
    expect(res.status).to.equal(403);
    const body = res.json as { error: { code: string; message: string } };
    expect(body.error.code).to.equal("NOT_AUTHORIZED");
    expect(body.error.message).to.match(/[\u4e00-\u9fff]/);
    expect(service.log.size).to.equal(sizeBefore);
    expect(await service.backend.view({ kind: "price-cap", id: "finance/per-call" })).to.equal(undefined);
  });

  it("refuses one record among concurrent writes on its own: the others land, it appears nowhere", async () => {
    const sizeBefore = service.log.size;
    const a = agency();
    const good1 = a.sign("cap.set", { domain: "trade", chargeUnit: "per-call", maxPriceFen: 100 });
    const refused = a.sign("actor.register", {
      orgId: operatorOrg,
      name: "again",
      role: "operator",
      publicKey: operatorKey.publicKey,
    });
    const good2 = a.sign("cap.set", { domain: "health", chargeUnit: "per-call", maxPriceFen: 200 });
    const [r1, r2, r3] = await Promise.all(
      [good1, refused, good2].map((signed) => a.raw("POST", "/v1/records", signed)),
    );
    expect([r1!.status, r3!.status]).to.deep.equal([201, 201]);
    expect(r2!.status).to.be.within(400, 499);
    expect((r2!.json as { error: { code: string } }).error.code).to.equal("DUPLICATE_ID");
    expect(service.log.size).to.equal(sizeBefore + 2);
    const hashes = new Set<string>();
    for await (const e of service.backend.events()) hashes.add(e.recordHash);
    expect(hashes.has(recordHash(good1.record)) && hashes.has(recordHash(good2.record))).to.equal(true);
    expect(hashes.has(recordHash(refused.record))).to.equal(false);
    expect(await service.store.entryByHash(recordHash(refused.record))).to.equal(undefined);
  });

  it("refuses a bad request signature, a replayed nonce, malformed and oversized bodies", async () => {
    const client = agency();
    const headers = client.signatureHeaders("GET", `/v1/actors/${operatorOrg}`, Buffer.alloc(0));
    const first = await fetch(base() + `/v1/actors/${operatorOrg}`, { headers });
    expect(first.status).to.equal(200);
    const replay = await fetch(base() + `/v1/actors/${operatorOrg}`, { headers });
    expect(replay.status).to.equal(401);
    const forged = {
      ...client.signatureHeaders("GET", `/v1/actors/${operatorOrg}`, Buffer.alloc(0)),
      "x-pdl-signature": "0".repeat(128),
    };
    expect((await fetch(base() + `/v1/actors/${operatorOrg}`, { headers: forged })).status).to.equal(401);
    const unsigned = await fetch(base() + `/v1/actors/${operatorOrg}`);
    expect(unsigned.status).to.equal(401);
    const malformed = await client.raw("POST", "/v1/records", undefined, { bodyBytes: Buffer.from("{not json") });
    expect(malformed.status).to.equal(400);
    const huge = await client.raw("POST", "/v1/records", undefined, {
      bodyBytes: Buffer.alloc(config.bodyLimitBytes + 1, 0x20),
    });
    expect(huge.status).to.equal(413);
  });

  it("anchors the log on chain and the receipt verifies offline", async () => {
    await service.anchorNow();
    const receipt = await agency().get<Record<string, unknown>>(`/v1/receipts/${firstHash}`);
    const r = (receipt as { receipt?: unknown }).receipt ?? receipt;
    const result = verifyReceiptOffline(r, service.keyring.log.publicKey);
    expect(result.state).to.equal("anchored");
    expect(result.ok, JSON.stringify(result.checks)).to.equal(true);
  });

  it("keeps every record, index and receipt across a restart", async () => {
    const sizeBefore = service.log.size;
    const indexedBefore = (await service.store.cursor()).count;
    await service.stop();
    service = await startService(config);
    expect(service.log.size).to.equal(sizeBefore);
    // The indexer resumes from its stored cursor: the next record is the next entry and leaf.
    const next = await agency().submit("cap.set", { domain: "health", chargeUnit: "per-call", maxPriceFen: 10 });
    expect(next.leafIndex).to.equal(sizeBefore);
    expect((await service.store.cursor()).count).to.equal(indexedBefore + 1);
    expect(await service.backend.view({ kind: "actor", id: operatorOrg })).to.include({ role: "operator" });
    const receipt = await agency().get<Record<string, unknown>>(`/v1/receipts/${firstHash}`);
    const r = (receipt as { receipt?: unknown }).receipt ?? receipt;
    expect(verifyReceiptOffline(r, service.keyring.log.publicKey).ok).to.equal(true);
    const res = await operator().raw(
      "POST",
      "/v1/records",
      operator().sign("grant.issue", {
        id: "G1",
        grantee: operatorOrg,
        scope: [{ resourceId: "R1", fields: ["a"] }],
        scenarios: ["x"],
        validFrom: 1,
        validUntil: 2,
        agreementHash: "a".repeat(64),
      }),
    );
    expect((res.json as { error: { code: string } }).error.code).to.equal("REGRANT_FORBIDDEN");
  });

  it("releases everything it opened when it cannot start, so the same data opens again", async () => {
    const other = mkdtempSync(join(tmpdir(), "pdl-service-taken-"));
    try {
      const taken = { ...config, dataDir: other, port: service.address().port };
      const err = await startService(taken).catch((e: unknown) => e);
      expect((err as { code?: string }).code).to.equal("EADDRINUSE");
      // LevelDB allows one opener per process: this start fails with LEVEL_LOCKED unless the
      // failed one closed its chain journal, log, indexes and nonce store.
      const again = await startService({ ...taken, port: 0 });
      expect(again.log.size).to.be.greaterThan(0);
      await again.stop();
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
