import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { generateKeyPair } from "../../core/crypto/sm2.ts";
import { LogError } from "../../ledger-service/src/log/index.ts";

export const LOG_KEY = (() => {
  const k = generateKeyPair();
  return { origin: "pdl.test/log/sm3", keyName: "pdl.test/log/sm3", privateKey: k.privateKey, publicKey: k.publicKey };
})();

/** A fresh directory per test, removed afterwards. */
export function tempDirs(prefix: string): () => string {
  let dir = "";
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), prefix))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}

export async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p;
  } catch (err) {
    expect(err, String(err)).to.be.instanceOf(LogError);
    expect((err as LogError).code).to.equal(code);
    return;
  }
  expect.fail(`expected a ${code} rejection`);
}

export function throwsWith(fn: () => unknown, code: string): void {
  expect(fn).to.throw(LogError).with.property("code", code);
}
