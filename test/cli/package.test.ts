import { execFile, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expect } from "chai";
import { openKey, readKeyFile } from "../../core/keyfile.ts";
import { OPERATIONS } from "../../core/operations.ts";
import { sm3Hex } from "../../core/crypto/sm3.ts";
import { usccCheckCharacter } from "../../core/uscc.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { buildCliPackage, installCliPackage, ROOT, type CliPackage } from "../../scripts/cli/package.ts";
import { testConfig } from "../service/test-config.ts";
import { JQ, needTool } from "../external-tools.ts";
import { registerActor } from "../service/register-actor.ts";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The `pdl` package as an operator installs it: built by `npm run build:cli`'s code, packed,
 * installed with `npm i -g --prefix` from the tarball alone (no registry reachable), and run
 * from outside the repository with nothing of it on the path but Node.
 */
describe("pdl as users install it (npm i -g ./pdl-*.tgz)", function () {
  this.timeout(300_000);
  let dir: string;
  let pkg: CliPackage;
  let prefix: string;
  let service: RunningService;
  const PASSPHRASE = "package test passphrase";
  const orgId = (() => {
    const first17 = "12440300PDLPKG001";
    return first17 + usccCheckCharacter(first17);
  })();
  const url = () => `http://127.0.0.1:${service.address().port}`;
  const home = () => join(dir, "home");
  const keyFile = () => join(home(), "unit.key.json");
  /** Only Node and the installed package on the path; a home outside the repository. */
  const baseEnv = () => ({
    PATH: `${join(prefix, "bin")}:${dirname(process.execPath)}:/usr/bin:/bin`,
    HOME: home(),
    PDL_URL: url(),
  });

  function pdl(args: string[], env: Record<string, string> = {}): Promise<Run> {
    return new Promise((resolve) => {
      execFile("pdl", args, { cwd: home(), env: { ...baseEnv(), ...env }, timeout: 120_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  /** Runs `pdl` on a pseudo-terminal (util-linux `script`), answering each prompt as it appears. */
  function pdlOnTerminal(args: string[], answers: [RegExp, string][], env: Record<string, string> = {}): Promise<Run> {
    // A sized terminal, as a person's is (`script` leaves it 0 × 0).
    const command =
      "stty cols 100 rows 30; " + ["pdl", ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
    return new Promise((resolve) => {
      const child = spawn("script", ["-qec", command, "/dev/null"], {
        cwd: home(),
        env: { ...baseEnv(), TERM: "dumb", ...env },
      });
      let stdout = "";
      const pending = [...answers];
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString("utf8");
        while (pending.length > 0 && pending[0]![0].test(stdout)) {
          child.stdin.write(pending.shift()![1] + "\r");
          stdout += "\n<answered>\n";
        }
      });
      child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr: "" }));
    });
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pdl-package-"));
    mkdirSync(join(dir, "home"));
    pkg = await buildCliPackage(join(dir, "dist"));
    prefix = join(dir, "prefix");
    installCliPackage(pkg.tarball, prefix, dir);
    service = await startService(testConfig(join(dir, "data")), { env: { LEDGER_AGENCY_PASSPHRASE: "agency" } });
  });
  after(async () => {
    await service?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("installs as compiled JavaScript with every dependency bundled, and prints its version", async () => {
    expect(pkg.tarball).to.match(/\/pdl-\d+\.\d+\.\d+\.tgz$/);
    const installed = join(prefix, "lib/node_modules/pdl");
    const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as Record<string, unknown>;
    expect(manifest).to.not.have.property("dependencies");
    expect(manifest.bin).to.deep.equal({ pdl: "bin/pdl.js" });
    expect(existsSync(join(installed, "node_modules")), "nothing installed beside it").to.equal(false);
    const files = readdirSync(installed, { recursive: true }).map(String);
    expect(files.filter((f) => f.endsWith(".ts"))).to.deep.equal([]);

    const version = await pdl(["--version"]);
    expect(version.code, version.stderr).to.equal(0);
    const root = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(version.stdout.trim()).to.equal(root.version);
  });

  it("prints a template body that passes its operation's schema, with every hash field explained", async () => {
    const run = await pdl(["template", "resource.review"]);
    expect(run.code, run.stderr).to.equal(0);
    const body = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(OPERATIONS["resource.review"].body.safeParse(body).success).to.equal(true);
    expect(run.stderr)
      .to.match(/^ {2}schemaHash: SM3 of /m)
      .and.to.match(/^ {2}reportHash: SM3 of /m);

    const json = await pdl(["template", "lineage.hop", "--delivery", "--json"]);
    const doc = JSON.parse(json.stdout) as { body: unknown; hashFields: { path: string; meaning: string }[] };
    expect(OPERATIONS["lineage.hop"].body.safeParse(doc.body).success).to.equal(true);
    expect(doc.hashFields.map((f) => f.path)).to.deep.equal([
      "inputs[0].hash",
      "outputHash",
      "delivery.fingerprintRoot",
      "delivery.watermarkCommitment",
    ]);
    const refused = await pdl(["template", "anchor.checkpoint"]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.match(/no template for anchor\.checkpoint/);
  });

  let recordHash = "";

  it("signs and submits a record against a real service, and waits for its receipt to be anchored", async () => {
    const key = await pdl(["keygen", "--org", orgId, "--out", keyFile()], { PDL_KEY_PASSPHRASE: PASSPHRASE });
    expect(key.code, key.stderr).to.equal(0);
    await registerActor(service, {
      orgId,
      name: "Longhua Package Bureau",
      role: "source-unit",
      publicKey: (JSON.parse(key.stdout) as { publicKey: string }).publicKey,
    });

    // The template, edited as an operator would, then submitted.
    const template = JSON.parse((await pdl(["template", "resource.review"])).stdout) as Record<string, unknown>;
    writeFileSync(
      join(home(), "review.json"),
      JSON.stringify({ ...template, resourceId: "R-PKG", reportHash: sm3Hex("pkg") }),
    );
    const signed = { PDL_KEY: keyFile(), PDL_KEY_PASSPHRASE: PASSPHRASE };
    const submitted = await pdl(["submit", "resource.review", "review.json"], signed);
    expect(submitted.code, submitted.stderr).to.equal(0);
    recordHash = (JSON.parse(submitted.stdout) as { recordHash: string }).recordHash;

    // No anchor comes in a second (the test's service anchors only when told): exit 4, the receipt so far.
    const early = await pdl(["receipt", recordHash, "--wait", "--timeout", "1"], signed);
    expect(early.code).to.equal(4);
    expect((JSON.parse(early.stdout) as { state: string }).state).to.be.oneOf(["pending", "checkpointed"]);
    expect(early.stderr).to.match(/not anchored after 1 s/);

    const waiting = pdl(["receipt", recordHash, "--wait", "--timeout", "120", "--out", "receipt.json"], signed);
    await service.anchorNow();
    const anchored = await waiting;
    expect(anchored.code, anchored.stderr).to.equal(0);
    expect((JSON.parse(anchored.stdout) as { state: string }).state).to.equal("anchored");
    expect(anchored.stderr, "no spinner without a terminal").to.equal("");

    const vkey = (await pdl(["log-key"])).stdout.trim();
    const verified = await pdl(["verify-receipt", "receipt.json", "--log-key", vkey, "--json"]);
    expect(verified.code, verified.stdout).to.equal(0);
    expect((JSON.parse(verified.stdout) as { ok: boolean; state: string }).state).to.equal("anchored");

    const missing = await pdl(["receipt", "ab".repeat(32), "--json"], signed);
    expect(missing.code).to.equal(3);
    expect(JSON.parse(missing.stderr)).to.deep.include({ exitCode: 3 });
    expect((JSON.parse(missing.stderr) as { error: { code: string } }).error.code).to.equal("NOT_FOUND");
  });

  it("asks for the passphrase on a terminal when none is given (twice for a new key)", async function () {
    if (spawnSync("script", ["--version"]).status !== 0) this.skip();
    const file = join(home(), "prompted.key.json");
    const phrase = "typed on the terminal";
    const created = await pdlOnTerminal(
      ["keygen", "--org", orgId, "--out", file],
      [
        [/Passphrase for the new key file/, phrase],
        [/The same passphrase again/, phrase],
      ],
    );
    expect(created.code, created.stdout).to.equal(0);
    expect(created.stdout, "not echoed").to.not.contain(phrase);
    expect(openKey(await readKeyFile(file), phrase).orgId).to.equal(orgId);

    // Opening a key: the existing unit key, its passphrase typed.
    const read = await pdlOnTerminal(
      ["get", `/v1/receipts/${recordHash}`, "--key", keyFile()],
      [[/Passphrase of the key file/, PASSPHRASE]],
    );
    expect(read.code, read.stdout).to.equal(0);
    expect(read.stdout).to.contain('"state": "anchored"');
    // Waiting on a terminal: a spinner on standard error, drawn with the terminal's escapes.
    const waited = await pdlOnTerminal(
      ["receipt", recordHash, "--wait", "--key", keyFile()],
      [[/Passphrase of the key file/, PASSPHRASE]],
      { TERM: "xterm" },
    );
    expect(waited.code, waited.stdout).to.equal(0);
    expect(waited.stdout)
      .to.contain("\x1b[?25l")
      .and.to.match(/✔\S* anchored/);
    // Without a terminal there is no one to ask.
    const noTerminal = await pdl(["get", `/v1/receipts/${recordHash}`, "--key", keyFile()]);
    expect(noTerminal.code).to.equal(1);
    expect(noTerminal.stderr).to.match(/PDL_KEY_PASSPHRASE/);
  });

  it("runs the README's command-line walkthrough as written", async function () {
    needTool(this, JQ);
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const block = /<!-- readme-test: cli -->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, "the README's walkthrough block").to.be.a("string");
    // A service as `npm start` runs it in the directory the walkthrough runs in: data/ there, the
    // agency's passphrase generated next to its key, anchors on a short timer.
    const work = join(dir, "readme");
    mkdirSync(work);
    const own = await startService(
      testConfig(join(work, "data"), { log: { ...testConfig(work).log, anchorEverySeconds: 2 } }),
      { env: {} },
    );
    try {
      // Not spawnSync: the service answers from this very process.
      const r = await new Promise<Run>((resolve) => {
        execFile(
          "bash",
          ["-c", `set -euo pipefail\n${block}`],
          {
            cwd: work,
            timeout: 180_000,
            env: {
              ...baseEnv(),
              HOME: work,
              PDL_URL: `http://127.0.0.1:${own.address().port}`,
              PDL_KEY_PASSPHRASE: "readme walkthrough",
            },
          },
          (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^receipt verified \(anchored\)$/m);
      const accepted = JSON.parse(readFileSync(join(work, "accepted.json"), "utf8")) as { op: string; id: string };
      expect(accepted).to.include({ op: "actor.register", id: "91440300MA5G00001W" });
      expect(readFileSync(join(work, ".pdl-completion.bash"), "utf8")).to.contain("complete -F _pdl_completion pdl");
    } finally {
      await own.stop();
    }
  });

  it("completes commands, operations and option values in bash", async () => {
    const script = await pdl(["completion", "bash"]);
    expect(script.code, script.stderr).to.equal(0);
    writeFileSync(join(dir, "pdl.bash"), script.stdout);
    const complete = (...words: string[]) => {
      const r = spawnSync(
        "bash",
        [
          "-c",
          `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _pdl_completion; printf '%s\\n' "\${COMPREPLY[@]}"`,
          "bash",
          join(dir, "pdl.bash"),
          ...words,
        ],
        { encoding: "utf8" },
      );
      expect(r.status, r.stderr).to.equal(0);
      return r.stdout.split("\n").filter(Boolean);
    };
    expect(complete("pdl", "te")).to.deep.equal(["template"]);
    expect(complete("pdl", "--url", "http://x", "submit", "grant.s")).to.deep.equal(["grant.suspend"]);
    expect(complete("pdl", "lineage", "P1", "--format", "")).to.deep.equal(["json", "prov", "openlineage"]);
    expect(complete("pdl", "receipt", "--un")).to.deep.equal(["--until"]);
    expect(complete("pdl", "--lang", "")).to.deep.equal(["en", "zh"]);
    expect(complete("pdl", "completion", "")).to.deep.equal(["bash", "zsh"]);
  });
});
