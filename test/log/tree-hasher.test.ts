import { createHash, randomBytes } from "node:crypto";
import { expect } from "chai";
import { sm3 } from "../../core/crypto/sm3.ts";
import { hasherFor, SHA256, SM3, type HashFn } from "../../ledger-service/src/log/index.ts";
import { hex } from "./reference.ts";

// OpenSSL's SM3 behind a HashFn that is not `SM3` itself, so it takes the generic path.
const OPENSSL_SM3: HashFn = (d) => sm3(d);
const hashOf = (hash: HashFn, ...parts: Uint8Array[]) => hex(hash(Buffer.concat(parts)));

describe("tree hashers (tree-hasher.ts)", () => {
  it("SM3 goes through sm3-fast, any other HashFn through itself", () => {
    expect(hasherFor(SM3)).to.equal(hasherFor(SM3));
    expect(hasherFor(OPENSSL_SM3)).to.not.equal(hasherFor(SM3));
    expect(hasherFor(SM3).width).to.equal(32);
    expect(hasherFor(SHA256).width).to.equal(32);
  });

  it("SM3 leaf hashes equal OpenSSL's H(0x00 ‖ d) at every length up to 1100 and beyond (64 is the fixed-padding path)", () => {
    const h = hasherFor(SM3);
    const lengths = [...Array.from({ length: 1101 }, (_, n) => n), 4096, 100_000];
    for (const n of lengths) {
      for (const data of [randomBytes(n), new Uint8Array(randomBytes(n))]) {
        const out = Buffer.alloc(40, 0xee);
        h.leafInto(data, out, 5);
        expect(hex(out.subarray(5, 37)), `length ${n}`).to.equal(hashOf(OPENSSL_SM3, Uint8Array.of(0), data));
        // Nothing outside the 32 bytes is written.
        expect(out.subarray(0, 5).every((b) => b === 0xee) && out.subarray(37).every((b) => b === 0xee)).to.equal(true);
      }
    }
  });

  it("SM3 node hashes equal OpenSSL's H(0x01 ‖ a ‖ b), at any offsets and with the output over an input", () => {
    const h = hasherFor(SM3);
    for (let k = 0; k < 2000; k++) {
      const buf = new Uint8Array(randomBytes(200));
      const aOff = k % 100;
      const bOff = (k * 7) % 150;
      const expected = hashOf(
        OPENSSL_SM3,
        Uint8Array.of(1),
        buf.subarray(aOff, aOff + 32),
        buf.subarray(bOff, bOff + 32),
      );
      const out = new Uint8Array(32);
      h.nodeInto(buf, aOff, buf, bOff, out, 0);
      expect(hex(out)).to.equal(expected);
      // In place over the left input (what the tile rows and the tree levels do).
      h.nodeInto(buf, aOff, buf, bOff, buf, aOff);
      expect(hex(buf.subarray(aOff, aOff + 32))).to.equal(expected);
    }
  });

  it("the generic path computes the same definitions for SHA-256 and OpenSSL SM3", () => {
    for (const hash of [SHA256, OPENSSL_SM3]) {
      const h = hasherFor(hash);
      for (const n of [0, 1, 31, 64, 65, 500, 5000]) {
        const data = randomBytes(n);
        const out = new Uint8Array(32);
        h.leafInto(data, out, 0);
        expect(hex(out)).to.equal(hashOf(hash, Uint8Array.of(0), data));
      }
      const buf = randomBytes(96);
      const out = new Uint8Array(32);
      h.nodeInto(buf, 0, buf, 64, out, 0);
      expect(hex(out)).to.equal(hashOf(hash, Uint8Array.of(1), buf.subarray(0, 32), buf.subarray(64, 96)));
      const expected = hashOf(hash, Uint8Array.of(1), buf.subarray(64, 96), buf.subarray(0, 32));
      h.nodeInto(buf, 64, buf, 0, buf, 0);
      expect(hex(buf.subarray(0, 32))).to.equal(expected);
    }
    expect(hex(SHA256(new Uint8Array()))).to.equal(createHash("sha256").digest("hex"));
  });
});
