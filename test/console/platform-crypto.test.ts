import * as node from "node:crypto";
import { expect } from "chai";
import fc from "fast-check";
import * as browser from "../../ledger-service/console/src/platform/node-crypto.ts";
import { SM3_VECTORS } from "../../core/crypto/sm3.ts";

/**
 * The browser build's node:crypto (SM3, HMAC-SM3, SM4-CTR/ECB, scrypt, random bytes) against
 * Node's OpenSSL, byte for byte, so that what the console seals, hashes and signs is what the
 * CLI and the service compute.
 */
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const bytes = (max: number) => fc.uint8Array({ minLength: 0, maxLength: max });

describe("console platform: browser node:crypto matches Node's OpenSSL", () => {
  it("SM3: the GB/T 32905 vectors, one-shot and in parts", () => {
    for (const v of SM3_VECTORS) {
      expect(browser.hash("sm3", v.input, "hex")).to.equal(v.digest);
      expect(browser.createHash("sm3").update(v.input.slice(0, 1)).update(v.input.slice(1)).digest("hex")).to.equal(
        v.digest,
      );
    }
    fc.assert(
      fc.property(bytes(300), (data) => {
        expect(hex(browser.createHash("sm3").update(data).digest())).to.equal(
          node.createHash("sm3").update(data).digest("hex"),
        );
      }),
      { numRuns: 200, seed: 16 },
    );
  });

  it("HMAC-SM3 for keys and data of any length", () => {
    fc.assert(
      fc.property(bytes(100), bytes(300), (key, data) => {
        expect(hex(browser.createHmac("sm3", key).update(data).digest())).to.equal(
          node.createHmac("sm3", key).update(data).digest("hex"),
        );
      }),
      { numRuns: 200, seed: 17 },
    );
  });

  it("SM4-CTR both ways, across block boundaries and a wrapping counter; SM4-ECB blocks", () => {
    const wrapping = Buffer.from("ffffffffffffffffffffffffffffffff", "hex");
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        bytes(200),
        fc.boolean(),
        (key, iv, data, wrap) => {
          const counter = wrap ? wrapping : iv;
          const ours = browser.createCipheriv("sm4-ctr", key, counter);
          ours.update(data);
          const theirs = node.createCipheriv("sm4-ctr", key, counter);
          const expected = Buffer.concat([theirs.update(data), theirs.final()]);
          const got = ours.final();
          expect(hex(got)).to.equal(hex(expected));
          const back = browser.createDecipheriv("sm4-ctr", key, counter);
          back.update(got);
          expect(hex(back.final())).to.equal(hex(data));
        },
      ),
      { numRuns: 100, seed: 18 },
    );
    // GB/T 32907 Appendix A.
    const key = Buffer.from("0123456789abcdeffedcba9876543210", "hex");
    const ecb = browser.createCipheriv("sm4-ecb", key, null);
    ecb.update(key);
    expect(hex(ecb.final())).to.equal("681edf34d206965e86b3e94f536e4246");
  });

  it("scrypt as Node derives it", () => {
    const salt = Buffer.from("00112233445566778899aabbccddeeff", "hex");
    for (const [pass, N] of [
      ["passphrase", 1024],
      ["口令 with NFC é", 16384],
    ] as const)
      expect(hex(browser.scryptSync(pass, salt, 32, { N, r: 8, p: 1 }))).to.equal(
        hex(node.scryptSync(pass, salt, 32, { N, r: 8, p: 1, maxmem: 256 * N * 8 + 1024 * 1024 })),
      );
  });

  it("random bytes of any size, constant-time comparison that refuses different lengths", () => {
    const a = browser.randomBytes(70_000);
    expect(a.length).to.equal(70_000);
    expect(a.subarray(65_536).some((x) => x !== 0)).to.equal(true);
    expect(hex(browser.randomBytes(16))).not.to.equal(hex(browser.randomBytes(16)));
    expect(browser.timingSafeEqual(Buffer.from("abc"), Buffer.from("abc"))).to.equal(true);
    expect(browser.timingSafeEqual(Buffer.from("abc"), Buffer.from("abd"))).to.equal(false);
    expect(() => browser.timingSafeEqual(Buffer.from("abc"), Buffer.from("ab"))).to.throw(RangeError);
  });

  it("refuses algorithms it does not implement instead of substituting one", () => {
    expect(() => browser.createHash("sha256")).to.throw(/not available/);
    expect(() => browser.createCipheriv("aes-128-ctr", Buffer.alloc(16), Buffer.alloc(16))).to.throw(/not available/);
  });
});
