import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { generateKeyPair, sign } from "../../core/crypto/sm2.ts";
import { recordHash, type SignedRecord } from "../../core/record.ts";
import { HEADERS } from "../../core/request-signing.ts";
import { usccCheckCharacter } from "../../core/uscc.ts";
import { DEFAULTS } from "../../ledger-service/src/config.ts";
import { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";

/**
 * A write whose body is exactly the caller's signed record travels under the record's signature
 * and costs one SM2 verification; everything else still needs the canonical-request signature,
 * and forged or replayed requests are still refused with nothing written.
 */
const operatorOrg = (() => {
  const first17 = "91440300PDLT00002";
  return first17 + usccCheckCharacter(first17);
})();
const operatorKey = generateKeyPair();

describe("writes authenticated by their record's signature", function () {
  this.timeout(120_000);
  let dir: string;
  let service: RunningService;
  const base = () => `http://127.0.0.1:${service.address().port}`;
  const agency = () =>
    new LedgerClient({
      baseUrl: base(),
      identity: { orgId: service.agencyOrgId, privateKey: service.keyring.agency.privateKey },
    });

  /** The service's verification count by what was signed. */
  async function verifications(): Promise<{ request: number; record: number }> {
    const text = await (await fetch(`${base()}/metrics`)).text();
    const read = (signed: string) => {
      const line = text.split("\n").find((l) => l.startsWith(`pdl_sm2_verifications_total{signed="${signed}"}`));
      return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
    };
    return { request: read("request"), record: read("record") };
  }

  /** Posts `signed` to /v1/records with the given request signature and fresh (or given) headers. */
  async function post(signed: unknown, signature: string, headers?: Record<string, string>) {
    const client = agency();
    const bytes = Buffer.from(JSON.stringify(signed), "utf8");
    const h = headers ?? { ...client.signatureHeaders("POST", "/v1/records", bytes), [HEADERS.signature]: signature };
    const res = await fetch(`${base()}/v1/records`, {
      method: "POST",
      headers: { ...h, "content-type": "application/json" },
      body: bytes,
    });
    return { status: res.status, json: (await res.json()) as { error?: { code: string } }, headers: h };
  }

  const onChain = async (signed: SignedRecord) => {
    for await (const e of service.backend.events()) if (e.recordHash === recordHash(signed.record)) return true;
    return false;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-record-signed-"));
    process.env.LEDGER_AGENCY_PASSPHRASE = "test passphrase";
    service = await startService({
      ...DEFAULTS,
      port: 0,
      dataDir: dir,
      logLevel: "silent",
      log: { ...DEFAULTS.log, anchorEverySeconds: 3600 },
    });
  });
  after(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("accepts an SDK write with one verification, where a canonically signed one takes two", async () => {
    const before = await verifications();
    await agency().submit("actor.register", {
      orgId: operatorOrg,
      name: "Longhua Data Operations Co.",
      role: "operator",
      publicKey: operatorKey.publicKey,
    });
    const afterSdk = await verifications();
    expect(afterSdk.record - before.record, "record verifications").to.equal(1);
    expect(afterSdk.request - before.request, "request verifications").to.equal(0);

    // The same kind of write signed over the canonical request: both signatures are verified.
    const a = agency();
    const signed = a.sign("cap.set", { domain: "trade", chargeUnit: "per-call", maxPriceFen: 100 });
    const bytes = Buffer.from(JSON.stringify(signed), "utf8");
    const res = await a.raw("POST", "/v1/records", undefined, { bodyBytes: bytes });
    expect(res.status).to.equal(201);
    const afterCanonical = await verifications();
    expect(afterCanonical.record - afterSdk.record).to.equal(1);
    expect(afterCanonical.request - afterSdk.request).to.equal(1);
    // Reads are still signed over the canonical request.
    await a.get(`/v1/actors/${operatorOrg}`);
    expect((await verifications()).request - afterCanonical.request).to.equal(1);
  });

  it("checks a record against its route alike under its own signature and under a canonical one", async () => {
    const a = agency();
    // The path names R9, the record R8: refused either way, naming the field, nothing written.
    const signed = a.sign("resource.withdraw", { resourceId: "R8", reason: "path and record differ" } as never);
    const path = "/v1/resources/R9/withdrawal";
    const own = await a.raw("POST", path, signed);
    const canonical = await a.raw("POST", path, undefined, {
      bodyBytes: Buffer.from(JSON.stringify(signed), "utf8"),
    });
    for (const res of [own, canonical]) {
      expect(res.status).to.equal(400);
      expect(res.json).to.nested.include({
        "error.code": "MALFORMED_REQUEST",
        "error.details.field": "record.body.resourceId",
      });
    }
    expect(await onChain(signed)).to.equal(false);
  });

  it("refuses a valid record under a forged request signature of a different body, writing nothing", async () => {
    const a = agency();
    const signed = a.sign("cap.set", { domain: "health", chargeUnit: "per-call", maxPriceFen: 200 });
    const other = a.sign("cap.set", { domain: "finance", chargeUnit: "per-call", maxPriceFen: 300 });
    const sizeBefore = service.log.size;
    // Another record's signature, and a genuine request signature made for another body.
    const otherBody = Buffer.from(JSON.stringify(other), "utf8");
    const forgedHeaders = a.signatureHeaders("POST", "/v1/records", otherBody);
    for (const signature of [other.signature, forgedHeaders[HEADERS.signature]!]) {
      const res = await post(signed, signature);
      expect(res.status, signature).to.equal(401);
      expect(res.json.error?.code).to.equal("AUTH_SIGNATURE_INVALID");
    }
    expect(service.log.size).to.equal(sizeBefore);
    expect(await onChain(signed)).to.equal(false);
    expect(await service.store.entryByHash(recordHash(signed.record))).to.equal(undefined);
  });

  it("refuses a replayed request (its nonce) and the same record again (its ids)", async () => {
    const a = agency();
    const first17 = "91440300PDLT00003";
    const signed = a.sign("actor.register", {
      orgId: first17 + usccCheckCharacter(first17),
      name: "Longhua Partner Co.",
      role: "partner",
      publicKey: generateKeyPair().publicKey,
    });
    const first = await post(signed, signed.signature);
    expect(first.status).to.equal(201);
    const sizeAfter = service.log.size;
    const replay = await post(signed, signed.signature, first.headers);
    expect(replay.status).to.equal(401);
    expect(replay.json.error?.code).to.equal("AUTH_NONCE_REPLAYED");
    const again = await post(signed, signed.signature);
    expect(again.status).to.be.within(400, 499);
    expect(again.json.error?.code).to.equal("DUPLICATE_ID");
    expect(service.log.size).to.equal(sizeAfter);
  });

  it("needs the canonical signature when the body is more than the record or the record is another actor's", async () => {
    const a = agency();
    const signed = a.sign("cap.set", { domain: "urban-governance", chargeUnit: "per-call", maxPriceFen: 500 });
    const extra = await post({ ...signed, note: "x" }, signed.signature);
    expect(extra.status).to.equal(401);
    expect(extra.json.error?.code).to.equal("AUTH_SIGNATURE_INVALID");
    // The operator's record posted by the agency under the operator's record signature.
    const op = new LedgerClient({
      baseUrl: base(),
      identity: { orgId: operatorOrg, privateKey: operatorKey.privateKey },
    });
    const theirs = op.sign("cap.set", { domain: "urban-governance", chargeUnit: "per-call", maxPriceFen: 500 });
    const mismatch = await post(theirs, theirs.signature);
    expect(mismatch.status).to.equal(401);
    // A record signature that does not verify, in the record-bound form.
    const tampered = { record: signed.record, signature: sign("something else", service.keyring.agency.privateKey) };
    const bad = await post(tampered, tampered.signature);
    expect(bad.status).to.equal(401);
    expect(bad.json.error?.code).to.equal("AUTH_SIGNATURE_INVALID");
    expect(await onChain(signed)).to.equal(false);
  });
});
