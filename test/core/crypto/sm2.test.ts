import { execFileSync } from "node:child_process";
import { expect } from "chai";
import smCrypto from "sm-crypto";
import { CryptoInputError } from "../../../core/crypto/errors.ts";
import {
  SM2_N,
  generateKeyPair,
  isCanonicalSignature,
  normalizePublicKey,
  publicKeyFromPrivate,
  publicKeyToPem,
  sign,
  signatureFromDer,
  signatureToDer,
  verify,
  za,
} from "../../../core/crypto/sm2.ts";
import { sm3Parts } from "../../../core/crypto/sm3.ts";

// GM/T 0003.5-2012 (GB/T 32918.5-2017) Annex A, signature example on the recommended curve;
// the same vector is in OpenSSL's test/sm2_internal_test.c.
const ANNEX_A = {
  d: "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8",
  publicKey:
    "0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13",
  message: "message digest",
  k: 0x59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21n,
  za: "b2e14c5c79c6df5b85f4fe7ed8db7a262b9da7e07ccb0ea9f4747b8ccda8a4f3",
  e: "f0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640",
  signature:
    "f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3" +
    "b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa",
};

const bytes = (s: string) => Array.from(Buffer.from(s, "utf8"));
const hex64 = (x: bigint) => x.toString(16).padStart(64, "0");

describe("SM2 signatures (GB/T 32918)", () => {
  describe("with the GM/T 0003.5 Annex A vector", () => {
    it("derives the public key, Z_A and e", () => {
      expect(publicKeyFromPrivate(ANNEX_A.d)).to.equal(ANNEX_A.publicKey);
      expect(za(ANNEX_A.publicKey).toString("hex")).to.equal(ANNEX_A.za);
      expect(sm3Parts(za(ANNEX_A.publicKey), Buffer.from(ANNEX_A.message)).toString("hex")).to.equal(ANNEX_A.e);
    });

    it("reproduces r and s exactly with the injected k", () => {
      expect(sign(ANNEX_A.message, ANNEX_A.d, { k: ANNEX_A.k })).to.equal(ANNEX_A.signature);
    });

    it("verifies the published signature", () => {
      expect(verify(ANNEX_A.message, ANNEX_A.signature, ANNEX_A.publicKey)).to.equal(true);
    });

    it("rejects it under a wrong user ID, a tampered message or a tampered signature", () => {
      expect(verify(ANNEX_A.message, ANNEX_A.signature, ANNEX_A.publicKey, { userId: "1234567812345679" })).to.equal(
        false,
      );
      expect(verify(ANNEX_A.message, ANNEX_A.signature, ANNEX_A.publicKey, { userId: "" })).to.equal(false);
      expect(verify("message digesT", ANNEX_A.signature, ANNEX_A.publicKey)).to.equal(false);
      for (const i of [0, 63, 64, 127]) {
        const flipped =
          ANNEX_A.signature.slice(0, i) + (ANNEX_A.signature[i] === "0" ? "1" : "0") + ANNEX_A.signature.slice(i + 1);
        expect(verify(ANNEX_A.message, flipped, ANNEX_A.publicKey), `nibble ${i}`).to.equal(false);
      }
    });
  });

  describe("when interoperating with sm-crypto", () => {
    it("verifies sm-crypto signatures and sm-crypto verifies ours", () => {
      for (let i = 0; i < 20; i++) {
        const kp = smCrypto.sm2.generateKeyPairHex();
        const message = `record ${i} 公共数据`;
        const theirs = smCrypto.sm2.doSignature(bytes(message), kp.privateKey, { hash: true });
        expect(verify(message, theirs, kp.publicKey), "sm-crypto → ours").to.equal(true);
        const ours = sign(message, kp.privateKey);
        expect(
          smCrypto.sm2.doVerifySignature(bytes(message), ours, kp.publicKey, { hash: true }),
          "ours → sm-crypto",
        ).to.equal(true);
      }
    });

    it("verifies sm-crypto's signature of the Annex A message", () => {
      const theirs = smCrypto.sm2.doSignature(bytes(ANNEX_A.message), ANNEX_A.d, {
        hash: true,
        publicKey: ANNEX_A.publicKey,
      });
      expect(verify(ANNEX_A.message, theirs, ANNEX_A.publicKey)).to.equal(true);
    });
  });

  describe("when a signature is not canonical", () => {
    const kp = generateKeyPair();
    const sig = sign("m", kp.privateKey);
    it("rejects upper case, padding and the wrong length", () => {
      expect(verify("m", sig, kp.publicKey)).to.equal(true);
      expect(verify("m", sig.toUpperCase(), kp.publicKey)).to.equal(false);
      expect(verify("m", "00" + sig, kp.publicKey)).to.equal(false);
      expect(verify("m", sig.slice(2), kp.publicKey)).to.equal(false);
      expect(isCanonicalSignature(sig.toUpperCase())).to.equal(false);
    });

    it("rejects r or s equal to 0 or to n", () => {
      const r = sig.slice(0, 64);
      const s = sig.slice(64);
      for (const bad of [hex64(0n) + s, hex64(SM2_N) + s, r + hex64(0n), r + hex64(SM2_N), hex64(SM2_N + 1n) + s]) {
        expect(verify("m", bad, kp.publicKey)).to.equal(false);
        expect(isCanonicalSignature(bad)).to.equal(false);
      }
    });
  });

  describe("when a public key is invalid", () => {
    const kp = generateKeyPair();
    const sig = sign("m", kp.privateKey);
    it("rejects an off-curve point, the point at infinity and garbage", () => {
      const offCurve = kp.publicKey.slice(0, 129) + (kp.publicKey.endsWith("0") ? "1" : "0");
      expect(verify("m", sig, offCurve)).to.equal(false);
      expect(verify("m", sig, "04" + "0".repeat(128))).to.equal(false);
      expect(verify("m", sig, "not a key")).to.equal(false);
      expect(() => normalizePublicKey(offCurve)).to.throw(CryptoInputError, /INVALID_PUBLIC_KEY/);
      expect(() => normalizePublicKey("04" + "0".repeat(128))).to.throw(CryptoInputError);
    });
  });

  describe("when normalizing public-key encodings", () => {
    const kp = generateKeyPair();
    it("accepts upper case, compressed and SPKI PEM forms", () => {
      expect(normalizePublicKey(kp.publicKey.toUpperCase())).to.equal(kp.publicKey);
      const y = BigInt("0x" + kp.publicKey.slice(66));
      const compressed = (y % 2n === 0n ? "02" : "03") + kp.publicKey.slice(2, 66);
      expect(normalizePublicKey(compressed)).to.equal(kp.publicKey);
      expect(normalizePublicKey(publicKeyToPem(kp.publicKey))).to.equal(kp.publicKey);
    });

    it("reads the PEM that OpenSSL writes for an SM2 key", () => {
      // An SM2 key generated with `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2`.
      let pem: string;
      try {
        const priv = execFileSync("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2"], {
          stdio: ["ignore", "pipe", "ignore"],
        });
        pem = execFileSync("openssl", ["pkey", "-pubout"], { input: priv }).toString();
      } catch {
        // The pinned fixture below was produced the same way, for machines without openssl.
        pem =
          "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAECfnfMR5UIaFQ3X0WHkvFxnIXn60Y\nM/wHa7CP81bzUCDM6kkM4md1pS3G6nGMwapgCu0F+/NeCEpmMvYHLamtEw==\n-----END PUBLIC KEY-----\n";
      }
      expect(normalizePublicKey(pem)).to.match(/^04[0-9a-f]{128}$/);
    });

    it("rejects a PEM of another curve", () => {
      const p256 = execFileSync("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout"], {
        stdio: ["ignore", "pipe", "ignore"],
      });
      const pem = execFileSync("openssl", ["ec", "-pubout"], {
        input: p256,
        stdio: ["pipe", "pipe", "ignore"],
      }).toString();
      expect(() => normalizePublicKey(pem)).to.throw(CryptoInputError);
    });
  });

  describe("when converting to and from DER", () => {
    it("round-trips and agrees with sm-crypto's DER signatures", () => {
      const kp = smCrypto.sm2.generateKeyPairHex();
      const der = smCrypto.sm2.doSignature(bytes("der"), kp.privateKey, { hash: true, der: true });
      const raw = signatureFromDer(Buffer.from(der, "hex"));
      expect(verify("der", raw, kp.publicKey)).to.equal(true);
      expect(signatureToDer(raw).toString("hex")).to.equal(der);
    });

    it("rejects non-minimal and trailing-garbage DER", () => {
      const der = signatureToDer(ANNEX_A.signature);
      expect(() => signatureFromDer(Buffer.concat([der, Buffer.from([0])]))).to.throw(CryptoInputError);
      const padded = Buffer.from(der);
      // Re-encode r with a superfluous leading zero byte.
      const r = Buffer.from(ANNEX_A.signature.slice(0, 64), "hex");
      const s = der.subarray(4 + der[3]!);
      const bad = Buffer.concat([Buffer.from([0x30, 2 + 34 + s.length, 0x02, 34, 0x00, 0x00]), r, s]);
      expect(() => signatureFromDer(bad)).to.throw(CryptoInputError);
      expect(padded.length).to.be.greaterThan(0);
    });
  });

  it("generates keys that sign and verify, with private keys in [1, n−2]", () => {
    for (let i = 0; i < 10; i++) {
      const kp = generateKeyPair();
      expect(BigInt("0x" + kp.privateKey)).to.be.lessThanOrEqual(SM2_N - 2n);
      expect(verify("x", sign("x", kp.privateKey), kp.publicKey)).to.equal(true);
    }
    expect(() => publicKeyFromPrivate(hex64(SM2_N - 1n))).to.throw(CryptoInputError, /INVALID_PRIVATE_KEY/);
    expect(() => publicKeyFromPrivate(hex64(0n))).to.throw(CryptoInputError);
  });
});
