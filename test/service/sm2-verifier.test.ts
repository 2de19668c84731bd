import { expect } from "chai";
import type { Worker } from "node:worker_threads";
import { generateKeyPair, sign, verify } from "../../core/crypto/sm2.ts";
import { inlineVerifier, WorkerVerifier } from "../../ledger-service/src/crypto/sm2-verifier.ts";

/** The service's SM2 verifier pool answers exactly as core/crypto/sm2.ts does, and survives a lost worker. */
describe("SM2 verification in worker threads", function () {
  const alice = generateKeyPair();
  const bob = generateKeyPair();
  const cases = Array.from({ length: 40 }, (_, i) => {
    const message = Buffer.from(`message ${i}`);
    const signature = sign(message, alice.privateKey);
    const flipped = (signature[0] === "0" ? "1" : "0") + signature.slice(1);
    return [
      { message, signature, publicKey: alice.publicKey },
      { message: Buffer.from(`message ${i}!`), signature, publicKey: alice.publicKey },
      { message, signature: flipped, publicKey: alice.publicKey },
      { message, signature, publicKey: bob.publicKey },
      { message: `message ${i}`, signature, publicKey: alice.publicKey },
      { message, signature: "zz", publicKey: alice.publicKey },
      { message, signature, publicKey: "04" + "00".repeat(64) },
    ];
  }).flat();
  const expected = cases.map((c) => verify(c.message, c.signature, c.publicKey));

  it("gives verify()'s answer for valid, tampered, mis-keyed and malformed inputs, many at once", async function () {
    expect(expected.filter(Boolean)).to.have.length(80);
    const pool = new WorkerVerifier(2);
    try {
      expect(pool.threads).to.equal(2);
      const got = await Promise.all(cases.map((c) => pool.verify(c.message, c.signature, c.publicKey)));
      expect(got).to.deep.equal(expected);
    } finally {
      await pool.close();
    }
  });

  it("verifies on the calling thread when a worker is lost, and after close", async function () {
    const pool = new WorkerVerifier(1);
    const pending = cases.map((c) => pool.verify(c.message, c.signature, c.publicKey));
    await (pool as unknown as { lanes: { worker: Worker }[] }).lanes[0]!.worker.terminate();
    expect(await Promise.all(pending)).to.deep.equal(expected);
    expect(pool.threads).to.equal(0);
    expect(await pool.verify(cases[0]!.message, cases[0]!.signature, cases[0]!.publicKey)).to.equal(true);
    await pool.close();
    expect(await pool.verify(cases[1]!.message, cases[1]!.signature, cases[1]!.publicKey)).to.equal(false);
  });

  it("has an inline form with the same answers", async function () {
    const inline = inlineVerifier();
    expect(await Promise.all(cases.map((c) => inline.verify(c.message, c.signature, c.publicKey)))).to.deep.equal(
      expected,
    );
  });
});
