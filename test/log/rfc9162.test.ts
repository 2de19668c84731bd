import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { sm3 } from "../../core/crypto/sm3.ts";
import {
  consistencyProofFromLeafHashes,
  consistencyRanges,
  emptyRoot,
  inclusionProofFromLeafHashes,
  leafHash,
  MemoryTree,
  nodeHash,
  rootFromLeafHashes,
  SHA256,
  SM3,
  verifyConsistency,
  verifyInclusion,
  type HashFn,
} from "../../ledger-service/src/log/index.ts";
import { hex, referenceTree, SHA256_ROOTS, SM3_ROOTS, VECTOR_LEAVES } from "./reference.ts";

const MAX = 64;
const flipBit = (b: Uint8Array, bit = 0) => {
  const c = Buffer.from(b);
  c[bit >> 3]! ^= 1 << (bit & 7);
  return c;
};

describe("RFC 9162 tree (rfc9162.ts)", () => {
  describe("known-answer vectors", () => {
    it("reproduces the SHA-256 roots of transparency-dev/merkle for sizes 0–8", () => {
      const leaves = VECTOR_LEAVES.map((d) => leafHash(d, SHA256));
      for (let n = 0; n <= 8; n++)
        expect(hex(rootFromLeafHashes(leaves.slice(0, n), SHA256)), `size ${n}`).to.equal(SHA256_ROOTS[n]);
      expect(hex(emptyRoot(SHA256))).to.equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
      expect(hex(leafHash(new Uint8Array(), SHA256))).to.equal(
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      );
    });

    it("reproduces the SM3 roots of the reference note for sizes 0–8", () => {
      const leaves = VECTOR_LEAVES.map((d) => leafHash(d));
      for (let n = 0; n <= 8; n++)
        expect(hex(rootFromLeafHashes(leaves.slice(0, n))), `size ${n}`).to.equal(SM3_ROOTS[n]);
      expect(hex(emptyRoot())).to.equal("1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b");
    });

    it("gives the RFC's example PROOF(3, D[7]) = [c, d, g, l]", () => {
      for (const hash of [SHA256, SM3]) {
        const L = VECTOR_LEAVES.map((d) => leafHash(d, hash));
        const [a, b, c, d, e, f, d6] = L as [
          Uint8Array,
          Uint8Array,
          Uint8Array,
          Uint8Array,
          Uint8Array,
          Uint8Array,
          Uint8Array,
        ];
        const g = nodeHash(a, b, hash);
        const l = nodeHash(nodeHash(e, f, hash), d6, hash);
        expect(consistencyProofFromLeafHashes(L.slice(0, 7), 3, hash).map(hex)).to.deep.equal([c, d, g, l].map(hex));
        expect(consistencyRanges(3, 7)).to.deep.equal([
          { start: 2, size: 1 },
          { start: 3, size: 1 },
          { start: 0, size: 2 },
          { start: 4, size: 3 },
        ]);
      }
    });
  });

  describe("against the slow reference written from the RFC text", () => {
    for (const [name, hash] of [
      ["SM3", SM3],
      ["SHA-256", SHA256],
    ] as [string, HashFn][]) {
      it(`${name}: MTH, PATH and PROOF agree for every 1 ≤ m ≤ n ≤ ${MAX}`, () => {
        const ref = referenceTree(hash);
        const data = Array.from({ length: MAX }, (_, i) => Buffer.from(`entry ${i}`));
        const leaves = data.map((d) => leafHash(d, hash));
        for (let i = 0; i < MAX; i++) expect(hex(leaves[i]!)).to.equal(hex(ref.leaf(data[i]!)));
        const tree = new MemoryTree(leaves, hash);
        for (let n = 1; n <= MAX; n++) {
          const d = data.slice(0, n);
          const root = hex(ref.MTH(d));
          expect(hex(rootFromLeafHashes(leaves.slice(0, n), hash))).to.equal(root);
          expect(hex(tree.root(n))).to.equal(root);
          for (let m = 1; m <= n; m++) {
            expect(tree.inclusionProof(m - 1, n).map(hex), `PATH(${m - 1}, D[${n}])`).to.deep.equal(
              ref.PATH(m - 1, d).map(hex),
            );
            expect(tree.consistencyProof(m, n).map(hex), `PROOF(${m}, D[${n}])`).to.deep.equal(
              ref.PROOF(m, d).map(hex),
            );
          }
        }
        expect(inclusionProofFromLeafHashes(leaves.slice(0, 13), 5, hash).map(hex)).to.deep.equal(
          ref.PATH(5, data.slice(0, 13)).map(hex),
        );
      });
    }
  });

  describe("the buffer-filling SM3 path (sm3-fast) against the reference over OpenSSL", () => {
    // OpenSSL's SM3 behind a HashFn that is not `SM3`: the reference and the generic path use it.
    const opensslSm3: HashFn = (d) => sm3(d);
    const ref = referenceTree(opensslSm3);

    it("MemoryTree.fromEntries over 64-byte entries (the fixed-padding path) gives the reference MTH at every size up to 300, and PATH/PROOF samples", () => {
      const data = Array.from({ length: 300 }, () => randomBytes(64));
      const tree = MemoryTree.fromEntries(data);
      expect(tree.size).to.equal(300);
      for (let n = 1; n <= 300; n++) expect(hex(tree.root(n)), `MTH(D[${n}])`).to.equal(hex(ref.MTH(data.slice(0, n))));
      for (const [m, n] of [
        [1, 300],
        [255, 256],
        [256, 257],
        [100, 300],
        [299, 300],
        [129, 255],
      ] as const) {
        const d = data.slice(0, n);
        expect(tree.inclusionProof(m - 1, n).map(hex), `PATH(${m - 1}, D[${n}])`).to.deep.equal(
          ref.PATH(m - 1, d).map(hex),
        );
        expect(tree.consistencyProof(m, n).map(hex), `PROOF(${m}, D[${n}])`).to.deep.equal(ref.PROOF(m, d).map(hex));
      }
    });

    it("builds the same tree from entries, leaf hashes one by one or concatenated, and through OpenSSL", () => {
      const data = Array.from({ length: 1500 }, (_, i) => randomBytes([0, 1, 63, 64, 65, 1024, 1025, 3000][i % 8]!));
      const leaves = data.map((d) => leafHash(d));
      leaves.forEach((l, i) => expect(hex(l)).to.equal(hex(ref.leaf(data[i]!))));
      const root = hex(MemoryTree.fromEntries(data, opensslSm3).root());
      expect(hex(MemoryTree.fromEntries(data).root())).to.equal(root);
      expect(hex(new MemoryTree(leaves).root())).to.equal(root);
      expect(hex(new MemoryTree(Buffer.concat(leaves)).root())).to.equal(root);
      expect(hex(rootFromLeafHashes(leaves))).to.equal(root);
      expect(hex(new MemoryTree([]).root())).to.equal(hex(emptyRoot()));
      expect(() => new MemoryTree(Buffer.alloc(33)))
        .to.throw()
        .with.property("code", "LOG_RANGE");
      expect(() => new MemoryTree([Buffer.alloc(31)]))
        .to.throw()
        .with.property("code", "LOG_RANGE");
    });

    it("nodeHash keeps the plain definition H(0x01 ‖ left ‖ right) for inputs that are not two hashes", () => {
      const [a, b] = [randomBytes(32), randomBytes(32)];
      expect(hex(nodeHash(a, b))).to.equal(hex(opensslSm3(Buffer.concat([Uint8Array.of(1), a, b]))));
      expect(hex(nodeHash(a.subarray(0, 5), b))).to.equal(
        hex(opensslSm3(Buffer.concat([Uint8Array.of(1), a.subarray(0, 5), b]))),
      );
    });
  });

  describe("verification, every 1 ≤ m ≤ n ≤ 64, and every mutation", () => {
    const leaves = Array.from({ length: MAX + 1 }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
    const tree = new MemoryTree(leaves);
    const roots = Array.from({ length: MAX + 2 }, (_, n) =>
      n <= MAX + 1 && n <= leaves.length ? tree.root(n) : emptyRoot(),
    );

    it("accepts every inclusion proof and rejects it truncated, extended, bit-flipped, at size ± 1 and index ± 1", () => {
      let probes = 0;
      const reject = (ok: boolean, what: string) => {
        probes++;
        expect(ok, what).to.equal(false);
      };
      for (let n = 1; n <= MAX; n++) {
        for (let m = 1; m <= n; m++) {
          const i = m - 1;
          const leaf = leaves[i]!;
          const proof = tree.inclusionProof(i, n);
          const at = `(${i}, ${n})`;
          expect(verifyInclusion(i, n, leaf, proof, roots[n]!), `valid ${at}`).to.equal(true);
          if (proof.length > 0) reject(verifyInclusion(i, n, leaf, proof.slice(0, -1), roots[n]!), `truncated ${at}`);
          reject(verifyInclusion(i, n, leaf, [...proof, leaves[0]!], roots[n]!), `extended ${at}`);
          reject(verifyInclusion(i, n, leaf, [leaves[0]!, ...proof], roots[n]!), `prepended ${at}`);
          for (let j = 0; j < proof.length; j++) {
            const bad = proof.slice();
            bad[j] = flipBit(bad[j]!, (j * 37) % 256);
            reject(verifyInclusion(i, n, leaf, bad, roots[n]!), `flipped proof[${j}] ${at}`);
          }
          reject(verifyInclusion(i, n, flipBit(leaf), proof, roots[n]!), `flipped leaf ${at}`);
          reject(verifyInclusion(i, n, leaf, proof, flipBit(roots[n]!, 255)), `flipped root ${at}`);
          // A different size is a different claim: judged against that size's root.
          reject(verifyInclusion(i, n + 1, leaf, proof, roots[n + 1]!), `size + 1 ${at}`);
          if (n > 1) reject(verifyInclusion(i, n - 1, leaf, proof, roots[n - 1]!), `size - 1 ${at}`);
          // transparency-dev's "size * 2" and "size / 2" keep the root.
          reject(verifyInclusion(i, n * 2, leaf, proof, roots[n]!), `size * 2 ${at}`);
          if (n > 1) reject(verifyInclusion(i, Math.floor(n / 2), leaf, proof, roots[n]!), `size / 2 ${at}`);
          reject(verifyInclusion(i + 1, n, leaf, proof, roots[n]!), `index + 1 ${at}`);
          if (i > 0) reject(verifyInclusion(i - 1, n, leaf, proof, roots[n]!), `index - 1 ${at}`);
          if (n > 1) reject(verifyInclusion(i, n, leaf, proof, leaf), `leaf as root ${at}`);
        }
      }
      expect(probes).to.be.greaterThan(20_000);
    });

    it("accepts every consistency proof and rejects it truncated, extended, bit-flipped, with swapped roots and sizes ± 1", () => {
      let probes = 0;
      const reject = (ok: boolean, what: string) => {
        probes++;
        expect(ok, what).to.equal(false);
      };
      for (let n = 1; n <= MAX; n++) {
        for (let m = 1; m <= n; m++) {
          const proof = tree.consistencyProof(m, n);
          const at = `(${m}, ${n})`;
          expect(verifyConsistency(m, n, roots[m]!, roots[n]!, proof), `valid ${at}`).to.equal(true);
          if (proof.length > 0)
            reject(verifyConsistency(m, n, roots[m]!, roots[n]!, proof.slice(0, -1)), `truncated ${at}`);
          if (proof.length > 1)
            reject(verifyConsistency(m, n, roots[m]!, roots[n]!, proof.slice(1)), `head dropped ${at}`);
          reject(verifyConsistency(m, n, roots[m]!, roots[n]!, [...proof, leaves[0]!]), `extended ${at}`);
          reject(verifyConsistency(m, n, roots[m]!, roots[n]!, [roots[m]!, ...proof]), `root1 prepended ${at}`);
          for (let j = 0; j < proof.length; j++) {
            const bad = proof.slice();
            bad[j] = flipBit(bad[j]!, (j * 53) % 256);
            reject(verifyConsistency(m, n, roots[m]!, roots[n]!, bad), `flipped proof[${j}] ${at}`);
          }
          reject(verifyConsistency(m, n, flipBit(roots[m]!), roots[n]!, proof), `flipped root1 ${at}`);
          reject(verifyConsistency(m, n, roots[m]!, flipBit(roots[n]!), proof), `flipped root2 ${at}`);
          if (m < n) {
            reject(verifyConsistency(m, n, roots[n]!, roots[m]!, proof), `swapped roots ${at}`);
            reject(verifyConsistency(n, m, roots[n]!, roots[m]!, proof), `swapped sizes ${at}`);
            reject(verifyConsistency(m + 1, n, roots[m + 1]!, roots[n]!, proof), `size1 + 1 ${at}`);
          }
          if (m > 1) reject(verifyConsistency(m - 1, n, roots[m - 1]!, roots[n]!, proof), `size1 - 1 ${at}`);
          reject(verifyConsistency(m, n + 1, roots[m]!, roots[n + 1]!, proof), `size2 + 1 ${at}`);
          if (n > m) reject(verifyConsistency(m, n - 1, roots[m]!, roots[n - 1]!, proof), `size2 - 1 ${at}`);
        }
      }
      expect(probes).to.be.greaterThan(20_000);
    });

    it("treats a consistency proof from size 0 as proving nothing", () => {
      for (const n of [0, 1, 2, 7, 64]) {
        expect(verifyConsistency(0, n, emptyRoot(), roots[n]!, [])).to.equal(false);
        expect(verifyConsistency(0, n, emptyRoot(), roots[n]!, [roots[n]!])).to.equal(false);
        expect(verifyConsistency(0, n, roots[n]!, roots[n]!, [])).to.equal(false);
      }
      expect(() => tree.consistencyProof(0, 5))
        .to.throw()
        .with.property("code", "LOG_RANGE");
    });

    it("rejects hashes of the wrong length, in any position, and never throws on garbage", () => {
      const proof = tree.inclusionProof(3, 10);
      const cproof = tree.consistencyProof(3, 10);
      const short = (b: Uint8Array) => b.subarray(0, 31);
      const long = (b: Uint8Array) => Buffer.concat([b, Buffer.of(0)]);
      for (const cut of [short, long]) {
        expect(verifyInclusion(3, 10, cut(leaves[3]!), proof, roots[10]!)).to.equal(false);
        expect(verifyInclusion(3, 10, leaves[3]!, proof, cut(roots[10]!))).to.equal(false);
        expect(verifyInclusion(3, 10, leaves[3]!, [cut(proof[0]!), ...proof.slice(1)], roots[10]!)).to.equal(false);
        expect(verifyConsistency(3, 10, cut(roots[3]!), roots[10]!, cproof)).to.equal(false);
        expect(verifyConsistency(3, 10, roots[3]!, cut(roots[10]!), cproof)).to.equal(false);
        expect(
          verifyConsistency(3, 10, roots[3]!, roots[10]!, [...cproof.slice(0, -1), cut(cproof[cproof.length - 1]!)]),
        ).to.equal(false);
      }
      // SHA-256 and SM3 both give 32 bytes; a 20-byte "hash" is wrong for either.
      expect(verifyInclusion(0, 1, Buffer.alloc(20), [], Buffer.alloc(20))).to.equal(false);
      const garbage: unknown[] = [undefined, null, "00", 1.5, -1, NaN, Infinity, 2 ** 53, {}, [1, 2]];
      for (const g of garbage) {
        expect(verifyInclusion(g as number, 10, leaves[3]!, proof, roots[10]!)).to.equal(false);
        expect(verifyInclusion(3, g as number, leaves[3]!, proof, roots[10]!)).to.equal(false);
        expect(verifyInclusion(3, 10, g as Uint8Array, proof, roots[10]!)).to.equal(false);
        expect(verifyInclusion(3, 10, leaves[3]!, g as Uint8Array[], roots[10]!)).to.equal(false);
        expect(verifyInclusion(3, 10, leaves[3]!, [g as Uint8Array], roots[10]!)).to.equal(false);
        expect(verifyConsistency(g as number, 10, roots[3]!, roots[10]!, cproof)).to.equal(false);
        expect(verifyConsistency(3, g as number, roots[3]!, roots[10]!, cproof)).to.equal(false);
        expect(verifyConsistency(3, 10, g as Uint8Array, roots[10]!, cproof)).to.equal(false);
        expect(verifyConsistency(3, 10, roots[3]!, roots[10]!, g as Uint8Array[])).to.equal(false);
      }
      // A proof for a SHA-256 tree does not verify under SM3 (the hash is a parameter).
      const sha = new MemoryTree(
        VECTOR_LEAVES.map((d) => leafHash(d, SHA256)),
        SHA256,
      );
      expect(
        verifyInclusion(2, 8, leafHash(VECTOR_LEAVES[2]!, SHA256), sha.inclusionProof(2), sha.root(), SHA256),
      ).to.equal(true);
      expect(
        verifyInclusion(2, 8, leafHash(VECTOR_LEAVES[2]!, SHA256), sha.inclusionProof(2), sha.root(), SM3),
      ).to.equal(false);
    });

    it("handles the boundaries: size 1, equal sizes, index = size", () => {
      expect(verifyInclusion(0, 1, leaves[0]!, [], leaves[0]!)).to.equal(true);
      expect(verifyInclusion(0, 1, leaves[0]!, [leaves[1]!], leaves[0]!)).to.equal(false);
      expect(verifyInclusion(1, 1, leaves[0]!, [], leaves[0]!)).to.equal(false);
      expect(verifyInclusion(0, 0, leaves[0]!, [], leaves[0]!)).to.equal(false);
      expect(verifyConsistency(5, 5, roots[5]!, roots[5]!, [])).to.equal(true);
      expect(verifyConsistency(5, 5, roots[5]!, roots[6]!, [])).to.equal(false);
      expect(verifyConsistency(5, 5, roots[5]!, roots[5]!, [roots[5]!])).to.equal(false);
      expect(verifyConsistency(4, 8, roots[4]!, roots[8]!, [])).to.equal(false);
    });
  });
});
