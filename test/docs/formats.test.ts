import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { newSm2Key, sealKey, writeKeyFile } from "../../core/keyfile.ts";
import { sm3Hex } from "../../core/crypto/sm3.ts";
import { usccCheckCharacter } from "../../core/uscc.ts";
import { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { JQ, needTool, OPENSSL } from "../external-tools.ts";
import { testConfig } from "../service/test-config.ts";
import { registerActor } from "../service/register-actor.ts";

const FORMATS = fileURLToPath(new URL("../../docs/FORMATS.md", import.meta.url));

/** The shell recipes of docs/FORMATS.md by name, as written there (each after `<!-- recipe: name -->`). */
function recipes(): Map<string, string> {
  const text = readFileSync(FORMATS, "utf8");
  const found = new Map<string, string>();
  for (const m of text.matchAll(/<!-- recipe: (\S+) -->\s*```sh\n([\s\S]*?)```/g)) found.set(m[1]!, m[2]!);
  return found;
}

interface Outcome {
  readonly status: number | null;
  readonly ok: string[];
  readonly failed: string[];
  readonly stdout: string;
  readonly stderr: string;
}

describe("docs/FORMATS.md: the OpenSSL recipes on files the product made", function () {
  this.timeout(180_000);
  const all = recipes();
  let dir: string;
  let service: RunningService;
  const PASSPHRASE = "formats test: 密钥 Ü";
  const orgId = (() => {
    const first17 = "12440300PDLFMT001";
    return first17 + usccCheckCharacter(first17);
  })();
  const author = newSm2Key("actor", orgId);
  const url = () => `http://127.0.0.1:${service.address().port}`;

  /** Runs a recipe (after the helpers) in a fresh directory holding `files`. */
  function runRecipe(name: string, files: Record<string, string | Buffer>, env: Record<string, string>): Outcome {
    const body = all.get(name);
    expect(body, `recipe ${name} in docs/FORMATS.md`).to.be.a("string");
    const work = mkdtempSync(join(dir, `${name}-`));
    for (const [file, content] of Object.entries(files)) writeFileSync(join(work, file), content);
    const r = spawnSync("bash", ["-c", `${all.get("helpers")}\n${body}`], {
      cwd: work,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
      encoding: "utf8",
    });
    const lines = (s: string, prefix: string) =>
      s
        .split("\n")
        .filter((l) => l.startsWith(prefix))
        .map((l) => l.slice(prefix.length));
    return {
      status: r.status,
      ok: lines(r.stdout, "ok "),
      failed: lines(r.stderr, "FAIL "),
      stdout: r.stdout,
      stderr: r.stderr,
    };
  }

  before(async function () {
    needTool(this, OPENSSL);
    needTool(this, JQ);
    dir = mkdtempSync(join(tmpdir(), "pdl-formats-"));
    service = await startService(testConfig(join(dir, "data")), { env: { LEDGER_AGENCY_PASSPHRASE: "agency" } });
    await registerActor(service, {
      orgId,
      name: "Longhua Formats Bureau",
      role: "source-unit",
      publicKey: author.publicKey,
    });
  });
  after(async () => {
    await service?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("has the recipes this test runs", () => {
    expect([...all.keys()]).to.have.members([
      "helpers",
      "open-key-file",
      "verify-request",
      "verify-receipt",
      "verify-checkpoint",
    ]);
  });

  it("opens a sealed key file with OpenSSL alone, and refuses a wrong passphrase or a relabelled key", async () => {
    const path = join(dir, "sealed.key.json");
    await writeKeyFile(path, sealKey(author, PASSPHRASE));
    const file = readFileSync(path, "utf8");

    const opened = runRecipe("open-key-file", { "key.json": file }, { PASSPHRASE });
    expect(opened.status, opened.stderr).to.equal(0);
    expect(opened.stdout).to.contain(`private key: ${author.privateKey}\n`);
    expect(opened.ok).to.include("public key derived from the private key");

    const wrong = runRecipe("open-key-file", { "key.json": file }, { PASSPHRASE: PASSPHRASE + "x" });
    expect(wrong.status).to.not.equal(0);
    expect(wrong.failed).to.deep.equal(["tag (passphrase, key and labels)"]);
    expect(wrong.stdout).to.not.contain(author.privateKey);

    const relabelled = JSON.stringify({ ...JSON.parse(file), purpose: "agency" });
    const moved = runRecipe("open-key-file", { "key.json": relabelled }, { PASSPHRASE });
    expect(moved.failed).to.deep.equal(["tag (passphrase, key and labels)"]);
  });

  it("checks a request signature the service accepted, and fails on another path", async () => {
    const api = new LedgerClient({ baseUrl: url(), identity: { orgId, privateKey: author.privateKey } });
    const path = "/v1/resources?limit=5";
    const headers = api.signatureHeaders("GET", path, new Uint8Array(0));
    const answer = await fetch(url() + path, { headers });
    expect(answer.status, "the service accepts the request").to.equal(200);
    const env = {
      METHOD: "GET",
      PATH_AND_QUERY: path,
      TIMESTAMP: headers["x-pdl-timestamp"]!,
      NONCE: headers["x-pdl-nonce"]!,
      ACTOR: headers["x-pdl-actor"]!,
      SIGNATURE: headers["x-pdl-signature"]!,
      ACTOR_KEY: author.publicKey,
    };
    const ok = runRecipe("verify-request", { "body.bin": "" }, env);
    expect(ok.status, ok.stderr).to.equal(0);
    expect(ok.ok).to.deep.equal(["request signature"]);
    const other = runRecipe("verify-request", { "body.bin": "" }, { ...env, PATH_AND_QUERY: "/v1/resources?limit=6" });
    expect(other.failed).to.deep.equal(["request signature"]);

    // With a body: the string carries the body's SM3.
    const body = Buffer.from(JSON.stringify({ productId: "P-1", 名: "值" }));
    const signed = api.signatureHeaders("POST", "/v1/trace", body);
    const withBody = {
      ...env,
      METHOD: "POST",
      PATH_AND_QUERY: "/v1/trace",
      TIMESTAMP: signed["x-pdl-timestamp"]!,
      NONCE: signed["x-pdl-nonce"]!,
      SIGNATURE: signed["x-pdl-signature"]!,
    };
    expect(runRecipe("verify-request", { "body.bin": body }, withBody).status).to.equal(0);
    const changed = Buffer.from(body);
    changed[2] = changed[2]! ^ 1;
    expect(runRecipe("verify-request", { "body.bin": changed }, withBody).failed).to.deep.equal(["request signature"]);
  });

  let info: { keyName: string; vkey: string; logPublicKey: string; checkpoint: { text: string } };

  it("verifies an anchored receipt's entry, both SM2 signatures, its inclusion proof and anchor", async () => {
    const api = new LedgerClient({ baseUrl: url(), identity: { orgId, privateKey: author.privateKey } });
    const accepted = await api.submit("resource.review", {
      resourceId: "R-FORMATS",
      schemaHash: sm3Hex("formats schema"),
      decision: "approved",
      reportHash: sm3Hex("formats review"),
    });
    await service.anchorNow();
    const receipt = await api.get<Record<string, unknown>>(`/v1/receipts/${accepted.recordHash}`);
    expect(receipt.state).to.equal("anchored");
    info = await api.getPublic("/v1/public/checkpoint");
    const env = { LOG_KEY: info.logPublicKey, KEY_NAME: info.keyName, AUTHOR_KEY: author.publicKey };
    const text = JSON.stringify(receipt);

    const good = runRecipe("verify-receipt", { "receipt.json": text }, env);
    expect(good.status, good.stderr).to.equal(0);
    expect(good.ok).to.deep.equal([
      "leaf hash",
      "record hash",
      "author signature",
      "key ID",
      "checkpoint signature",
      "checkpoint fields",
      "inclusion",
      "anchor fields",
    ]);

    const r = receipt as { inclusionProof: string[]; checkpoint: { text: string }; entry: { index: number } };
    expect(r.inclusionProof.length, "a proof with steps to check").to.be.greaterThan(0);
    const flip = (hex: string) => (hex[0] === "0" ? "1" : "0") + hex.slice(1);
    const cases: [string, unknown, string][] = [
      [
        "a proof hash",
        { ...r, inclusionProof: [flip(r.inclusionProof[0]!), ...r.inclusionProof.slice(1)] },
        "inclusion",
      ],
      ["the index", { ...r, entry: { ...r.entry, index: r.entry.index + 1 } }, "inclusion"],
      [
        "the tree size in the note",
        {
          ...r,
          checkpoint: { ...r.checkpoint, text: r.checkpoint.text.replace(/\n\d+\n/, (m) => `\n1${m.slice(1)}`) },
        },
        "checkpoint signature",
      ],
    ];
    for (const [what, changed, failing] of cases) {
      const bad = runRecipe("verify-receipt", { "receipt.json": JSON.stringify(changed) }, env);
      expect(bad.failed, what).to.deep.equal([failing]);
    }
    const otherAuthor = runRecipe(
      "verify-receipt",
      { "receipt.json": text },
      {
        ...env,
        AUTHOR_KEY: service.keyring.agency.publicKey,
      },
    );
    expect(otherAuthor.failed).to.deep.equal(["author signature"]);
    const otherLog = runRecipe(
      "verify-receipt",
      { "receipt.json": text },
      {
        ...env,
        LOG_KEY: service.keyring.agency.publicKey,
      },
    );
    expect(otherLog.failed).to.deep.equal(["key ID"]);
  });

  it("verifies the published checkpoint against its vkey, and fails on a vkey naming another key", () => {
    const good = runRecipe("verify-checkpoint", { "checkpoint.json": JSON.stringify(info) }, { VKEY: info.vkey });
    expect(good.status, good.stderr).to.equal(0);
    expect(good.ok).to.deep.equal([
      "signature type 0xff SM2-SM3, uncompressed key",
      "key ID",
      "key name is the origin",
      "signature line's key ID",
      "checkpoint signature",
    ]);
    const [name, id, key] = info.vkey.split("+") as [string, string, string];
    const otherId = `${name}+${id === "00000000" ? "00000001" : "00000000"}+${key}`;
    expect(
      runRecipe("verify-checkpoint", { "checkpoint.json": JSON.stringify(info) }, { VKEY: otherId }).failed,
    ).to.deep.equal(["key ID"]);
    const agencyKey = Buffer.concat([
      Buffer.from("ff534d322d534d33", "hex"),
      Buffer.from(service.keyring.agency.publicKey, "hex"),
    ]).toString("base64");
    const otherKey = runRecipe(
      "verify-checkpoint",
      { "checkpoint.json": JSON.stringify(info) },
      {
        VKEY: `${name}+${id}+${agencyKey}`,
      },
    );
    expect(otherKey.failed).to.deep.equal(["key ID"]);
  });
});
