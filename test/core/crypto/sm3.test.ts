import { randomBytes } from "node:crypto";
import { expect } from "chai";
import smCrypto from "sm-crypto";
import { SM3_VECTORS, assertNativeSm, hmacSm3, sm3, sm3Hex, sm3Parts } from "../../../core/crypto/sm3.ts";

describe("SM3 (GB/T 32905-2016)", () => {
  it("reproduces the standard's Appendix A vectors and the empty input", () => {
    expect(sm3Hex("abc")).to.equal("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    expect(sm3Hex("abcd".repeat(16))).to.equal("debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
    expect(sm3Hex("")).to.equal("1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b");
    for (const v of SM3_VECTORS) expect(sm3Hex(v.input)).to.equal(v.digest);
  });

  it("agrees with sm-crypto on random inputs of every length up to 300 bytes", () => {
    for (let len = 0; len < 300; len++) {
      const data = randomBytes(len);
      expect(sm3Hex(data), `length ${len}`).to.equal(smCrypto.sm3(Array.from(data)));
    }
  });

  it("hashes parts as their concatenation", () => {
    const a = randomBytes(17);
    const b = randomBytes(64);
    expect(sm3Parts(a, b)).to.deep.equal(sm3(Buffer.concat([a, b])));
  });

  it("keys HMAC-SM3 (RFC 2104 over SM3)", () => {
    expect(hmacSm3(Buffer.from("key"), "data")).to.have.length(32);
    expect(hmacSm3(Buffer.from("key"), "data")).to.not.deep.equal(hmacSm3(Buffer.from("kez"), "data"));
  });

  it("finds native SM3 and SM4 in this Node build", () => {
    expect(() => assertNativeSm()).to.not.throw();
  });
});
