import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { OPERATIONS } from "../../core/operations.ts";
import { schemaHashOf } from "../../core/records/resource.ts";
import { sm3Hex } from "../../core/crypto/sm3.ts";
import { usccCheckCharacter } from "../../core/uscc.ts";
import { DEFAULTS, type Config } from "../../ledger-service/src/config.ts";
import { openKey, readKeyFile } from "../../core/keyfile.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { R1_FIELDS } from "../../scripts/scenarios/fixtures.ts";
import { parseVerifierKey } from "../../ledger-service/src/log/checkpoint.ts";
import { registerActor } from "../service/register-actor.ts";
import { runPdl as pdl, type PdlRun as Run } from "./run-pdl.ts";

const ADMIN = fileURLToPath(new URL("../../ledger-service/src/admin.ts", import.meta.url));
const PASSPHRASE = "cli test passphrase";

/** The server's maintenance entry point (`npm run reindex`), run as a process like `pdl`. */
function admin(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", ADMIN, ...args],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe("pdl command line", function () {
  this.timeout(240_000);
  let dir: string;
  let service: RunningService;
  let config: Config;
  const orgId = (() => {
    const first17 = "12440300PDLC00CL1";
    return first17 + usccCheckCharacter(first17);
  })();
  const url = () => `http://127.0.0.1:${service.address().port}`;
  const keyFile = () => join(dir, "unit.key.json");
  const env = () => ({ PDL_URL: url(), PDL_KEY: keyFile(), PDL_KEY_PASSPHRASE: PASSPHRASE });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-cli-"));
    config = {
      ...DEFAULTS,
      port: 0,
      dataDir: join(dir, "data"),
      logLevel: "silent",
      log: { ...DEFAULTS.log, anchorEverySeconds: 3600 },
    };
    service = await startService(config, { env: { LEDGER_AGENCY_PASSPHRASE: "agency" } });
  });
  after(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keygen writes an owner-only SM4-sealed key and refuses a bad organisation code", async () => {
    const bad = await pdl(["keygen", "--org", "91440300ABCDEFGHIJ", "--out", keyFile()], {
      PDL_KEY_PASSPHRASE: PASSPHRASE,
    });
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.match(/not a unified social credit code/);
    const noPass = await pdl(["keygen", "--org", orgId, "--out", keyFile()], { PDL_KEY_PASSPHRASE: "" });
    expect(noPass.code).to.equal(1);
    expect(noPass.stderr).to.match(/PDL_KEY_PASSPHRASE/);

    const run = await pdl(["keygen", "--org", orgId, "--out", keyFile()], { PDL_KEY_PASSPHRASE: PASSPHRASE });
    expect(run.code, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout) as { publicKey: string };
    expect(statSync(keyFile()).mode & 0o777).to.equal(0o600);
    const key = openKey(await readKeyFile(keyFile()), PASSPHRASE);
    expect(key.publicKey).to.equal(out.publicKey);
    expect(readFileSync(keyFile(), "utf8")).to.not.contain(key.privateKey);
    expect(
      (await pdl(["keygen", "--org", orgId, "--out", keyFile()], { PDL_KEY_PASSPHRASE: PASSPHRASE })).code,
      "no silent overwrite",
    ).to.equal(1);

    await registerActor(service, {
      orgId,
      name: "Longhua Statistics Bureau",
      role: "source-unit",
      publicKey: out.publicKey,
    });
  });

  let receiptFile = "";

  it("submits a signed record, then fetches and verifies its anchored receipt offline", async () => {
    const body = {
      resourceId: "R1",
      schemaHash: schemaHashOf(R1_FIELDS),
      decision: "approved",
      reportHash: sm3Hex("cli review"),
    };
    const ops = await pdl(["operations"]);
    expect(ops.stdout).to.match(/^resource\.review\s+resource-review$/m);
    const unknown = await pdl(["submit", "resource.approve", "-"], env(), JSON.stringify(body));
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.match(/unknown operation/);

    const run = await pdl(["submit", "resource.review", "-"], env(), JSON.stringify(body));
    expect(run.code, run.stderr).to.equal(0);
    const accepted = JSON.parse(run.stdout) as { recordHash: string; receipt: { state: string } };
    expect(accepted.receipt.state).to.be.oneOf(["pending", "checkpointed"]);

    // The service refuses what the rules refuse: exit code 3 and the rulebook code.
    const refused = await pdl(
      ["submit", "cap.set", "-", "--lang", "zh"],
      env(),
      JSON.stringify({ domain: "finance", chargeUnit: "per-call", maxPriceFen: 1 }),
    );
    expect(refused.code).to.equal(3);
    expect(refused.stderr).to.match(/NOT_AUTHORIZED/);
    // With the service's explanation of what exactly was wrong, when it gives one.
    const malformed = await pdl(["get", "/v1/receipts/not-a-hash"], env());
    expect(malformed.code).to.equal(3);
    expect(malformed.stderr)
      .to.contain("MALFORMED_REQUEST")
      .and.to.contain("(a record hash is 64 lowercase hex characters)");
    // A record the schema refuses: each broken field on its own line, in the language asked for.
    const invalid = await pdl(
      ["submit", "resource.review", "-", "--lang", "zh"],
      env(),
      JSON.stringify({ ...body, decision: "maybe" }),
    );
    expect(invalid.code).to.equal(3);
    expect(invalid.stderr)
      .to.contain("INVALID_RECORD")
      .and.to.match(/^ {2}decision：.+$/m);
    // A refusal naming an id prints it.
    const missing = await pdl(["get", "/v1/products/P-none/verification-report"], env());
    expect(missing.code).to.equal(3);
    expect(missing.stderr)
      .to.contain("NOT_FOUND")
      .and.to.match(/^ {2}id: P-none$/m);
    // In Chinese, the message and what it names are Chinese too.
    const missingZh = await pdl(["get", "/v1/products/P-none/verification-report", "--lang", "zh"], env());
    expect(missingZh.stderr).to.contain("所引用的记录不存在").and.to.contain("(记录类别：product；标识：P-none)");
    // Each detail on its own line, named in Chinese words, after pdl's own Chinese words.
    expect(missingZh.stderr)
      .to.match(/^pdl：服务拒绝了请求：/)
      .and.to.match(/^ {2}记录类别：product$/m)
      .and.to.match(/^ {2}标识：P-none$/m)
      .and.not.to.match(/^ {2}(kind|id)[:：]/m);
    // A Chinese locale (LANG) asks the service in Chinese too, without --lang.
    const missingLocale = await pdl(["get", "/v1/products/P-none/verification-report"], {
      ...env(),
      LANG: "zh_CN.UTF-8",
      LC_ALL: undefined,
      LC_MESSAGES: undefined,
      PDL_LANG: undefined,
    });
    expect(missingLocale.stderr)
      .to.contain("所引用的记录不存在")
      .and.to.match(/^ {2}标识：P-none$/m);

    await service.anchorNow();
    const got = await pdl(["get", `/v1/receipts/${accepted.recordHash}`], env());
    expect(got.code, got.stderr).to.equal(0);
    receiptFile = join(dir, "receipt.json");
    writeFileSync(receiptFile, got.stdout);

    const verified = await pdl(["verify-receipt", receiptFile, "--log-key", service.keyring.log.publicKey]);
    expect(verified.code, verified.stdout + verified.stderr).to.equal(0);
    expect(verified.stdout).to.match(/^ok {3}inclusion/m);
    expect(verified.stdout).to.match(/receipt verified \(anchored\)/);
  });

  it("prints templates of the permitted-revenue records that pass their schemas", async () => {
    for (const op of ["revenue.setMaximum", "revenue.report", "revenue.guide"] as const) {
      const run = await pdl(["template", op]);
      expect(run.code, run.stderr).to.equal(0);
      expect(OPERATIONS[op].body.safeParse(JSON.parse(run.stdout)).success, op).to.equal(true);
      expect(run.stderr, op).to.contain(`${op}: a revenue record, written by ${OPERATIONS[op].roles[0]}`);
    }
  });

  it("fails verification of a tampered receipt or the wrong key, naming the failing check", async () => {
    const receipt = JSON.parse(readFileSync(receiptFile, "utf8")) as {
      entry: { index: number };
      inclusionProof: string[];
    };
    const tampered = join(dir, "tampered.json");
    writeFileSync(
      tampered,
      JSON.stringify({ ...receipt, entry: { ...receipt.entry, index: receipt.entry.index + 1 } }),
    );
    const bad = await pdl(["verify-receipt", tampered, "--log-key", service.keyring.log.publicKey, "--json"]);
    expect(bad.code).to.equal(2);
    const result = JSON.parse(bad.stdout) as { ok: boolean; checks: { name: string; ok: boolean }[] };
    expect(result.ok).to.equal(false);
    expect(result.checks.filter((x) => !x.ok).map((x) => x.name)).to.include("inclusion");

    const otherKey = service.keyring.agency.publicKey;
    const wrong = await pdl(["verify-receipt", receiptFile, "--log-key", otherKey]);
    expect(wrong.code).to.equal(2);
    expect(wrong.stdout).to.match(/FAIL checkpoint signature/);
    const trusted = await pdl(["verify-receipt", receiptFile, "--trust-service", "--url", url()]);
    expect(trusted.code, trusted.stdout).to.equal(0);
  });

  it("log-key prints the log's vkey as the service publishes it, or its SM2 key", async () => {
    const vkey = await pdl(["log-key", "--url", url()]);
    expect(vkey.code, vkey.stderr).to.equal(0);
    expect(vkey.stdout).to.equal(`${service.checkpointer.verifierKey}\n`);
    expect(parseVerifierKey(vkey.stdout.trim())).to.deep.equal({
      keyName: service.checkpointer.origin,
      publicKey: service.keyring.log.publicKey,
    });
    const hex = await pdl(["log-key", "--hex", "--url", url()]);
    expect(hex.stdout).to.equal(`${service.keyring.log.publicKey}\n`);
    const json = await pdl(["--json", "log-key", "--url", url()]);
    expect(JSON.parse(json.stdout)).to.include({ vkey: vkey.stdout.trim(), keyName: service.checkpointer.origin });
    // The vkey is a log key verify-receipt accepts as it is.
    const verified = await pdl(["verify-receipt", receiptFile, "--log-key", vkey.stdout.trim()]);
    expect(verified.code, verified.stdout + verified.stderr).to.equal(0);
  });

  it("reindex (the server's maintenance command) rebuilds the indexes from the chain alone, with the same log", async () => {
    const before = service.log.size;
    await service.stop();
    const run = await admin(["reindex"], { LEDGER_DATA_DIR: config.dataDir, LEDGER_AGENCY_PASSPHRASE: "agency" });
    expect(run.code, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout) as { events: number; logSize: number };
    expect(out.logSize, "replayed events find their existing leaves").to.equal(before);
    expect(out.events).to.be.greaterThan(before);
    service = await startService(config, { env: { LEDGER_AGENCY_PASSPHRASE: "agency" } });
    const again = await pdl(["get", `/v1/records/actor/${orgId}/history`], env());
    expect(again.code, again.stderr).to.equal(0);
    expect((JSON.parse(again.stdout) as { history: unknown[] }).history).to.have.length(1);
    const verified = await pdl(["verify-receipt", receiptFile, "--log-key", service.keyring.log.publicKey]);
    expect(verified.code).to.equal(0);
  });
});
