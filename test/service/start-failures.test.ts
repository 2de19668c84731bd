import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { newSm2Key, sealKey, writeKeyFile } from "../../core/keyfile.ts";
import { startService, type RunningService } from "../../ledger-service/src/service.ts";
import { testConfig } from "./test-config.ts";

const MAIN = fileURLToPath(new URL("../../ledger-service/src/main.ts", import.meta.url));
const PDL = fileURLToPath(new URL("../../bin/pdl.js", import.meta.url));
const PASSPHRASE = "start failures test";

interface Run {
  readonly code: number;
  readonly stderr: string;
}

function run(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { env: { ...process.env, LOG_LEVEL: "silent", ...env }, timeout: 90_000 },
      (err, _stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

/** `npm start`'s entry point as a process of its own, on port 0. */
const serviceMain = (env: Record<string, string>) => run(["--import", "tsx", MAIN], { PORT: "0", ...env });
const pdl = (args: string[], env: Record<string, string> = {}) => run([PDL, ...args], env);

/** One clear line, no stack trace, a non-zero exit. */
function expectOneLine(r: Run, pattern: RegExp): void {
  expect(r.code, r.stderr).to.equal(1);
  const lines = r.stderr.trim().split("\n");
  expect(lines, r.stderr).to.have.length(1);
  expect(lines[0]).to.match(pattern);
  expect(r.stderr).not.to.match(/^\s+at /m);
}

describe("a service or pdl that cannot start says why in one line", function () {
  this.timeout(240_000);
  let dir: string;
  let first: RunningService | undefined;
  const dataDir = () => join(dir, "data");

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "pdl-start-failures-"));
    writeFileSync(join(dir, "not-a-key.json"), "hello\n");
    writeFileSync(join(dir, "other.json"), '{"a":1}\n');
  });
  after(async () => {
    await first?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a second service on a data directory in use", async () => {
    first = await startService(testConfig(dataDir()), { env: { LEDGER_AGENCY_PASSPHRASE: PASSPHRASE } });
    const second = await serviceMain({ LEDGER_DATA_DIR: dataDir(), LEDGER_AGENCY_PASSPHRASE: PASSPHRASE });
    expectOneLine(
      second,
      /^Cannot start: the data directory .* is in use by another ledger service \(.*LOCK is locked\)/,
    );
    await first.stop();
    first = undefined;
  });

  it("the service's keys under a wrong passphrase", async () => {
    const wrong = await serviceMain({ LEDGER_DATA_DIR: dataDir(), LEDGER_AGENCY_PASSPHRASE: "not the passphrase" });
    expectOneLine(wrong, /^Cannot start: wrong passphrase for .*agency\.key\.json \(or the file was altered\)$/);
  });

  it("an agency key file that is not a key", async () => {
    for (const [file, why] of [
      ["not-a-key.json", /not JSON/],
      ["other.json", /v: /],
      ["missing.json", /does not exist/],
    ] as const) {
      const notKey = await serviceMain({
        LEDGER_DATA_DIR: join(dir, `data-${file}`),
        LEDGER_AGENCY_PASSPHRASE: PASSPHRASE,
        LEDGER_AGENCY_KEY_FILE: join(dir, file),
      });
      expectOneLine(notKey, /^Cannot start: /);
      expect(notKey.stderr).to.contain(join(dir, file)).and.to.match(why);
    }
  });

  it("pdl with a wrong passphrase, a file that is not a key, or no file", async () => {
    const keyFile = join(dir, "member.key.json");
    await writeKeyFile(keyFile, sealKey(newSm2Key("member", "91440300MA5FPDL00X"), PASSPHRASE, { scryptN: 1024 }));
    const url = { PDL_URL: "http://127.0.0.1:9" };
    const wrong = await pdl(["get", "/v1/grants", "--key", keyFile], { ...url, PDL_KEY_PASSPHRASE: "wrong" });
    expectOneLine(wrong, /^pdl: wrong passphrase for .*member\.key\.json \(or the file was altered\)$/);
    const notKey = await pdl(["get", "/v1/grants", "--key", join(dir, "not-a-key.json")], {
      ...url,
      PDL_KEY_PASSPHRASE: PASSPHRASE,
    });
    expectOneLine(notKey, /^pdl: .*not-a-key\.json is not a key file \(not JSON; pdl keygen writes one\)$/);
    const other = await pdl(["get", "/v1/grants", "--key", join(dir, "other.json")], {
      ...url,
      PDL_KEY_PASSPHRASE: PASSPHRASE,
    });
    expectOneLine(other, /^pdl: .*other\.json is not a key file \(/);
    const missing = await pdl(["get", "/v1/grants", "--key", join(dir, "missing.json")], {
      ...url,
      PDL_KEY_PASSPHRASE: PASSPHRASE,
    });
    expectOneLine(missing, /^pdl: the key file .*missing\.json does not exist$/);
  });
});
