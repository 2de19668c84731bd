import { createCipheriv, randomBytes } from "node:crypto";
import { expect } from "chai";
import { CryptoInputError } from "../../../core/crypto/errors.ts";
import {
  openWithPassphrase,
  sealWithPassphrase,
  sm4EncryptBlock,
  sm4Open,
  sm4Seal,
  type PassphraseSealed,
} from "../../../core/crypto/sm4.ts";

const FAST = { scryptN: 1 << 10 };

describe("SM4 (GB/T 32907-2016)", () => {
  it("reproduces the standard's Appendix A vector", () => {
    const key = Buffer.from("0123456789abcdeffedcba9876543210", "hex");
    expect(sm4EncryptBlock(key, key).toString("hex")).to.equal("681edf34d206965e86b3e94f536e4246");
  });

  it("reproduces the 1,000,000-fold encryption vector", function () {
    this.timeout(20_000);
    const key = Buffer.from("0123456789abcdeffedcba9876543210", "hex");
    // One ECB stream: each 16-byte update is one block encryption.
    const cipher = createCipheriv("sm4-ecb", key, null);
    cipher.setAutoPadding(false);
    let block: Buffer = key;
    for (let i = 0; i < 1_000_000; i++) block = cipher.update(block);
    expect(block.toString("hex")).to.equal("595298c7c6fd271f0402f804c33d3f66");
  });

  describe("when sealing with SM4-CTR and HMAC-SM3", () => {
    const key = randomBytes(32);
    const aad = Buffer.from("context");

    it("opens what it sealed, for empty and long inputs", () => {
      for (const len of [0, 1, 15, 16, 17, 4096]) {
        const data = randomBytes(len);
        expect(sm4Open(key, sm4Seal(key, data, aad), aad)).to.deep.equal(data);
      }
    });

    it("uses a fresh IV every time", () => {
      const data = Buffer.from("same plaintext");
      expect(sm4Seal(key, data)).to.not.deep.equal(sm4Seal(key, data));
    });

    it("rejects any changed byte of the sealed data", () => {
      const sealed = sm4Seal(key, Buffer.from("sixteen byte msg and more"), aad);
      for (let i = 0; i < sealed.length; i++) {
        const tampered = Buffer.from(sealed);
        tampered[i]! ^= 0x01;
        expect(() => sm4Open(key, tampered, aad), `byte ${i}`).to.throw(CryptoInputError);
      }
    });

    it("rejects the wrong associated data, the wrong key and truncation", () => {
      const sealed = sm4Seal(key, Buffer.from("payload"), aad);
      expect(() => sm4Open(key, sealed, Buffer.from("other"))).to.throw(CryptoInputError);
      expect(() => sm4Open(randomBytes(32), sealed, aad)).to.throw(CryptoInputError);
      expect(() => sm4Open(key, sealed.subarray(0, 40), aad)).to.throw(CryptoInputError);
    });
  });

  describe("when sealing with a passphrase", () => {
    it("round-trips and refuses the wrong passphrase", () => {
      const sealed = sealWithPassphrase(Buffer.from("secret key"), "correct horse", undefined, FAST);
      expect(openWithPassphrase(sealed, "correct horse").toString()).to.equal("secret key");
      expect(() => openWithPassphrase(sealed, "wrong horse")).to.throw(CryptoInputError);
    });

    it("refuses hostile scrypt parameters before deriving anything", () => {
      const sealed = sealWithPassphrase(Buffer.from("x"), "pw", undefined, FAST);
      const hostile = (kdf: Partial<PassphraseSealed["kdf"]>) =>
        ({ ...sealed, kdf: { ...sealed.kdf, ...kdf } }) as PassphraseSealed;
      for (const bad of [{ N: 1 << 30 }, { N: 1000 }, { r: 1000 }, { p: 64 }, { salt: "" }]) {
        expect(() => openWithPassphrase(hostile(bad), "pw"), JSON.stringify(bad)).to.throw(
          CryptoInputError,
          /KDF_PARAMS_INVALID/,
        );
      }
    });

    it("refuses an empty passphrase", () => {
      expect(() => sealWithPassphrase(Buffer.from("x"), "", undefined, FAST)).to.throw(CryptoInputError);
    });
  });
});
