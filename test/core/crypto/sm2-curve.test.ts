import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { weierstrass } from "@noble/curves/abstract/weierstrass.js";
import { expect } from "chai";
import { fieldOp, linearCombination, prepareKey } from "../../../core/crypto/sm2-curve.ts";
import { SM2_CURVE } from "../../../core/crypto/sm2-params.ts";
import {
  generateKeyPair,
  isCanonicalPublicKey,
  normalizePublicKey,
  publicKeyToPem,
  sign,
  signatureFromDer,
  signatureToDer,
  verify,
  za,
} from "../../../core/crypto/sm2.ts";
import { sm3Parts } from "../../../core/crypto/sm3.ts";

/**
 * The WebAssembly verification arithmetic (sm2-curve.ts) against @noble/curves and OpenSSL, on
 * random and edge inputs: field elements at 0, 1 and p − 1, scalars at 0, 1 and n − 1, sums that
 * double or cancel, keys off the curve or out of range, signatures out of range or with r + s = n.
 */
const { p, n } = SM2_CURVE;
const Curve = weierstrass({ p, n, h: 1n, a: SM2_CURVE.a, b: SM2_CURVE.b, Gx: SM2_CURVE.Gx, Gy: SM2_CURVE.Gy });
const G = Curve.BASE;
const random = (below: bigint) => BigInt("0x" + randomBytes(40).toString("hex")) % below;
const hex64 = (x: bigint) => x.toString(16).padStart(64, "0");
const keyOf = (d: bigint) => G.multiply(d).toHex(false);

/** The scheme of GB/T 32918.2 §7.1 on @noble/curves' arithmetic: the reference for verify(). */
function referenceVerify(message: Uint8Array, signature: string, publicKey: string): boolean {
  const r = BigInt("0x" + signature.slice(0, 64));
  const s = BigInt("0x" + signature.slice(64));
  if (r < 1n || r >= n || s < 1n || s >= n) return false;
  const t = (r + s) % n;
  if (t === 0n) return false;
  let P;
  try {
    P = Curve.fromHex(publicKey);
    P.assertValidity();
  } catch {
    return false;
  }
  const e = BigInt("0x" + sm3Parts(za(publicKey), message).toString("hex"));
  const sum = G.multiplyUnsafe(s).add(P.multiplyUnsafe(t));
  if (sum.is0()) return false;
  return (e + sum.toAffine().x) % n === r;
}

describe("SM2 verification arithmetic (WebAssembly)", () => {
  describe("in the field GF(p)", () => {
    const edges = [
      0n,
      1n,
      2n,
      3n,
      p - 1n,
      p - 2n,
      (p + 1n) / 2n,
      1n << 224n,
      (1n << 32n) - 1n,
      1n << 255n,
      (1n << 256n) - 1n - (1n << 224n),
    ].map((x) => x % p);
    const values = [...edges, ...Array.from({ length: 60 }, () => random(p))];

    it("multiplies, squares, adds, subtracts and takes small multiples as BigInt arithmetic mod p does, edges included", () => {
      let checked = 0;
      for (const x of values) {
        for (const y of [...edges, random(p), random(p)]) {
          expect(fieldOp("mul", x, y), `${x} · ${y}`).to.equal((x * y) % p);
          expect(fieldOp("add", x, y), `${x} + ${y}`).to.equal((x + y) % p);
          expect(fieldOp("sub", x, y), `${x} − ${y}`).to.equal((((x - y) % p) + p) % p);
          checked++;
        }
        expect(fieldOp("sqr", x, 0n), `${x}²`).to.equal((x * x) % p);
        for (const k of [1n, 2n, 3n, 4n, 8n]) expect(fieldOp("times", x, k), `${k}·${x}`).to.equal((k * x) % p);
      }
      expect(checked).to.equal(values.length * (edges.length + 2));
    });
  });

  describe("for s·G + t·P", () => {
    const check = (d: bigint, s: bigint, t: bigint) => {
      const expected = G.multiplyUnsafe(s).add(G.multiply(d).multiplyUnsafe(t));
      const got = linearCombination(keyOf(d), s, t);
      if (expected.is0()) expect(got, `d=${d} s=${s} t=${t}`).to.equal(undefined);
      else expect(got, `d=${d} s=${s} t=${t}`).to.deep.equal(expected.toAffine());
    };

    it("agrees with @noble/curves on random scalars and keys", () => {
      for (let i = 0; i < 40; i++) check(random(n - 1n) + 1n, random(n), random(n));
    });

    it("agrees at the scalar edges 0, 1, 2, 15, 16, 127, 128 and n − 1", () => {
      const edges = [0n, 1n, 2n, 15n, 16n, 127n, 128n, n - 1n, n - 2n, (1n << 255n) % n];
      const d = random(n - 1n) + 1n;
      for (const s of edges) for (const t of edges) check(d, s, t);
    });

    it("doubles when the two terms meet (P = G, s = t) and gives the identity when they cancel", () => {
      check(1n, 1n, 1n); // G + G through the affine addition's doubling branch
      check(1n, 7n, 7n);
      check(1n, n - 1n, 1n); // −G + G
      check(1n, 1n, n - 1n);
      check(2n, 2n, 1n); // 2G + 1·(2G): the Jacobian addition's doubling branch
      check(n - 2n, 2n, 1n); // 2G + (−2G) there
      const d = random(n - 1n) + 1n;
      const t = random(n - 1n) + 1n;
      check(d, (n - ((t * d) % n)) % n, t); // s = −t·d: the identity
      expect(linearCombination(keyOf(d), (n - ((t * d) % n)) % n, t)).to.equal(undefined);
      expect(linearCombination(keyOf(d), 0n, 0n)).to.equal(undefined);
    });
  });

  describe("when preparing a public key", () => {
    it("accepts points on the curve and refuses off-curve points, the origin and coordinates ≥ p", () => {
      const P = G.multiply(random(n - 1n) + 1n).toAffine();
      expect(prepareKey("04" + hex64(P.x) + hex64(P.y))).to.have.length(64);
      expect(prepareKey("04" + hex64(P.x) + hex64((P.y + 1n) % p))).to.equal(undefined);
      expect(prepareKey("04" + hex64(0n) + hex64(0n))).to.equal(undefined);
      // A point with a small x written as x + p (the same residue, a non-canonical encoding).
      let x = 0n;
      let y: bigint | undefined;
      for (; y === undefined; x++) {
        try {
          y = Curve.Fp.sqrt((x * x * x + SM2_CURVE.a * x + SM2_CURVE.b) % p);
        } catch {
          y = undefined;
        }
      }
      x--;
      expect(prepareKey("04" + hex64(x) + hex64(y))).to.have.length(64);
      expect(prepareKey("04" + hex64(x + p) + hex64(y))).to.equal(undefined);
      expect(prepareKey("04" + hex64(p) + hex64(0n))).to.equal(undefined);
      expect(isCanonicalPublicKey("04" + hex64(x + p) + hex64(y))).to.equal(false);
      expect(verify("m", sign("m", generateKeyPair().privateKey), "04" + hex64(x + p) + hex64(y))).to.equal(false);
    });
  });
});

describe("SM2 verify() against @noble/curves and OpenSSL", () => {
  it("gives the reference answer for valid, tampered and mis-keyed signatures", () => {
    for (let i = 0; i < 30; i++) {
      const kp = generateKeyPair();
      const other = generateKeyPair();
      const message = randomBytes(i * 7);
      const sig = sign(message, kp.privateKey);
      const flip = (h: string, at: number) => h.slice(0, at) + (h[at] === "0" ? "1" : "0") + h.slice(at + 1);
      const cases: [Uint8Array, string, string][] = [
        [message, sig, kp.publicKey],
        [Buffer.concat([message, Buffer.from([0])]), sig, kp.publicKey],
        [message, flip(sig, i % 128), kp.publicKey],
        [message, sig, other.publicKey],
      ];
      for (const [m, s, key] of cases) expect(verify(m, s, key)).to.equal(referenceVerify(m, s, key));
      expect(verify(message, sig, kp.publicKey)).to.equal(true);
    }
  });

  it("refuses r or s out of [1, n − 1] and r + s = n, as the reference does", () => {
    const kp = generateKeyPair();
    const sig = sign("m", kp.privateKey);
    const r = BigInt("0x" + sig.slice(0, 64));
    const s = BigInt("0x" + sig.slice(64));
    const bad = [
      [0n, s],
      [n, s],
      [r, 0n],
      [r, n],
      [r, n - r], // t = r + s = n
      [(1n << 256n) - 1n, s],
    ];
    for (const [br, bs] of bad) {
      const h = hex64(br!) + hex64(bs!);
      expect(verify("m", h, kp.publicKey), h).to.equal(false);
      expect(referenceVerify(Buffer.from("m"), h, kp.publicKey)).to.equal(false);
    }
  });

  it("refuses a signature whose s·G + t·P is the identity", () => {
    const d = random(n - 1n) + 1n;
    const t = random(n - 2n) + 2n;
    const s = (n - ((t * d) % n)) % n;
    const r = (((t - s) % n) + n) % n;
    const h = hex64(r) + hex64(s);
    expect(verify("anything", h, keyOf(d))).to.equal(false);
    expect(referenceVerify(Buffer.from("anything"), h, keyOf(d))).to.equal(false);
  });

  describe("with OpenSSL (pkeyutl, distid 1234567812345678)", function () {
    let dir: string;
    let openssl = true;
    before(function () {
      try {
        execFileSync("openssl", ["version"], { stdio: "ignore" });
      } catch {
        openssl = false;
      }
      dir = mkdtempSync(join(tmpdir(), "sm2-openssl-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const pkeyutl = (args: string[]) => {
      try {
        execFileSync(
          "openssl",
          ["pkeyutl", ...args, "-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678"],
          { stdio: ["ignore", "pipe", "pipe"] },
        );
        return true;
      } catch {
        return false;
      }
    };

    it("verifies OpenSSL's signatures, OpenSSL verifies ours, and both refuse the same forgeries", function () {
      if (!openssl) this.skip();
      for (let i = 0; i < 8; i++) {
        const keyPem = join(dir, `k${i}.pem`);
        const pubPem = join(dir, `p${i}.pem`);
        execFileSync("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", keyPem]);
        execFileSync("openssl", ["pkey", "-in", keyPem, "-pubout", "-out", pubPem]);
        const publicKey = normalizePublicKey(execFileSync("openssl", ["pkey", "-in", keyPem, "-pubout"]).toString());
        const message = randomBytes(1 + i * 50);
        const msgFile = join(dir, `m${i}`);
        writeFileSync(msgFile, message);
        const theirSig = join(dir, `s${i}.der`);
        expect(pkeyutl(["-sign", "-inkey", keyPem, "-in", msgFile, "-out", theirSig])).to.equal(true);
        const theirs = signatureFromDer(readFileSync(theirSig));
        expect(verify(message, theirs, publicKey), "OpenSSL → ours").to.equal(true);

        const kp = generateKeyPair();
        const oursPem = join(dir, `o${i}.pem`);
        writeFileSync(oursPem, publicKeyToPem(kp.publicKey));
        const sig = sign(message, kp.privateKey);
        const forged = [
          sig,
          hex64(BigInt("0x" + sig.slice(0, 64))) + hex64((n - BigInt("0x" + sig.slice(0, 64))) % n), // r + s = n
          sig.slice(0, 64) + hex64((BigInt("0x" + sig.slice(64)) + 1n) % n),
          hex64((BigInt("0x" + sig.slice(0, 64)) + 1n) % n) + sig.slice(64),
        ];
        forged.forEach((candidate, at) => {
          const sigFile = join(dir, `f${i}-${at}.der`);
          writeFileSync(sigFile, signatureToDer(candidate));
          const theirsSays = pkeyutl(["-verify", "-pubin", "-inkey", oursPem, "-in", msgFile, "-sigfile", sigFile]);
          expect(verify(message, candidate, kp.publicKey), `case ${at}`).to.equal(theirsSays);
          expect(theirsSays, `case ${at}`).to.equal(at === 0);
        });
      }
    });
  });
});
