import { expect } from "chai";
import { consistencyProofFromLeafHashes, inclusionProofFromLeafHashes, leafHash, nodeHash, rootFromLeafHashes, SHA256, SM3, verifyConsistency, verifyInclusion, type HashFn } from "../../ledger-service/src/log/index.ts";

// The 8 leaves of the transparency-dev/merkle test vectors.
const LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map((h) => Buffer.from(h, "hex"));
const SM3_ROOTS = [
  "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b",
  "2daef60e7a0b8f5e024c81cd2ab3109f2b4f155cf83adeb2ae5532f74a157fdf",
  "0b990fe0c7ad70f1bf1a1262f2c7908ea48146b14253a6db99f2917ab1f5cc4d",
  "209ec96a210d662a964772680e8544d18cab7b88ffec3e00962220349b56ea56",
  "28e4e307ef6d2d0c62d84b11ef96e835efe490f35b93c8f024ecfe38c8dd4377",
  "bb10c996aeebbcdc69be3715fc847344de77442d37a5ab8213da9f41785b103b",
  "8723c1ab1f82ddfba4a3733ac0c80d936d9f4c208c7dbc8cc81ca9fff8584f66",
  "bd36c22a1ac6ff4308e0c3cc1a85bf0ffa30538ec60a55c70413ab15d45db4d2",
  "bc48ba7a709184b5f2a631e1adeb8dc2a0d4c018c1d6cc89b5664fe154c93b38",
];
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** MTH, PATH and PROOF written straight from RFC 9162 §2.1, over the data itself. */
function referenceTree(hash: HashFn) {
  const k = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);
  const mth = (d: Uint8Array[]): Uint8Array => (d.length === 0 ? hash(new Uint8Array()) : d.length === 1 ? leafHash(d[0]!, hash) : nodeHash(mth(d.slice(0, k(d.length))), mth(d.slice(k(d.length))), hash));
  const path = (m: number, d: Uint8Array[]): Uint8Array[] => {
    if (d.length <= 1) return [];
    const s = k(d.length);
    return m < s ? [...path(m, d.slice(0, s)), mth(d.slice(s))] : [...path(m - s, d.slice(s)), mth(d.slice(0, s))];
  };
  const subproof = (m: number, d: Uint8Array[], b: boolean): Uint8Array[] => {
    if (m === d.length) return b ? [] : [mth(d)];
    const s = k(d.length);
    return m <= s ? [...subproof(m, d.slice(0, s), b), mth(d.slice(s))] : [...subproof(m - s, d.slice(s), false), mth(d.slice(0, s))];
  };
  return { mth, path, proof: (m: number, d: Uint8Array[]) => subproof(m, d, true) };
}

describe("RFC 9162 Merkle tree", () => {
  it("reproduces the SHA-256 root of the 8-leaf test vector", () => {
    const root = rootFromLeafHashes(LEAVES.map((l) => leafHash(l, SHA256)), SHA256);
    expect(hex(root)).to.equal("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
    expect(hex(rootFromLeafHashes([], SHA256))).to.equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("reproduces the SM3 roots of sizes 0–8", () => {
    for (let n = 0; n <= 8; n++) expect(hex(rootFromLeafHashes(LEAVES.slice(0, n).map((l) => leafHash(l)))), `size ${n}`).to.equal(SM3_ROOTS[n]);
  });

  it("matches the RFC's recursive definitions for every size up to 64", async () => {
    const data = Array.from({ length: 64 }, (_, i) => Buffer.from(`entry ${i}`));
    for (const hash of [SM3, SHA256]) {
      const ref = referenceTree(hash);
      for (let n = 1; n <= 64; n++) {
        const d = data.slice(0, n);
        const leaves = d.map((x) => leafHash(x, hash));
        expect(hex(rootFromLeafHashes(leaves, hash))).to.equal(hex(ref.mth(d)));
        for (const m of [0, Math.floor(n / 2), n - 1]) expect((await inclusionProofFromLeafHashes(leaves, m, hash)).map(hex)).to.deep.equal(ref.path(m, d).map(hex));
        for (const m of [1, Math.ceil(n / 3), n]) expect((await consistencyProofFromLeafHashes(leaves, m, hash)).map(hex)).to.deep.equal(ref.proof(m, d).map(hex));
      }
    }
  });

  it("verifies every inclusion and consistency proof up to 64 leaves and rejects every mutation", async () => {
    const leaves = Array.from({ length: 64 }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
    const roots = [new Uint8Array(32), ...leaves.map((_, i) => rootFromLeafHashes(leaves.slice(0, i + 1)))];
    const flip = (b: Uint8Array) => {
      const c = Buffer.from(b);
      c[c.length - 1]! ^= 1;
      return c;
    };
    let checked = 0;
    for (let n = 1; n <= 64; n++) {
      const tree = leaves.slice(0, n);
      for (let m = 0; m < n; m++) {
        const proof = await inclusionProofFromLeafHashes(tree, m);
        expect(verifyInclusion(m, n, tree[m]!, proof, roots[n]!)).to.equal(true);
        // A changed size is judged against the root of that size (the verifier's claim).
        if (n < 64) expect(verifyInclusion(m, n + 1, tree[m]!, proof, roots[n + 1]!), "size+1").to.equal(false);
        if (m < n - 1) expect(verifyInclusion(m, n - 1, tree[m]!, proof, roots[n - 1]!), "size-1").to.equal(false);
        expect(verifyInclusion(m, n, flip(tree[m]!), proof, roots[n]!), "leaf").to.equal(false);
        expect(verifyInclusion(m, n, tree[m]!, [...proof, roots[n]!], roots[n]!), "extended").to.equal(false);
        if (proof.length > 0) {
          expect(verifyInclusion(m, n, tree[m]!, proof.slice(0, -1), roots[n]!), "truncated").to.equal(false);
          expect(verifyInclusion(m, n, tree[m]!, [flip(proof[0]!), ...proof.slice(1)], roots[n]!), "flipped").to.equal(false);
          expect(verifyInclusion(m ^ 1, n, tree[m]!, proof, roots[n]!), "index").to.equal(false);
        }
        checked++;
      }
      for (let m = 1; m <= n; m++) {
        const proof = await consistencyProofFromLeafHashes(tree, m);
        expect(verifyConsistency(m, n, roots[m]!, roots[n]!, proof), `${m}→${n}`).to.equal(true);
        if (m < n) {
          expect(verifyConsistency(m, n, roots[n]!, roots[m]!, proof), "swapped roots").to.equal(false);
          if (n < 64) expect(verifyConsistency(m, n + 1, roots[m]!, roots[n + 1]!, proof), "size2+1").to.equal(false);
          expect(verifyConsistency(m + 1, n, roots[m + 1]!, roots[n]!, proof), "size1+1").to.equal(false);
          expect(verifyConsistency(m, n, roots[m]!, roots[n]!, proof.slice(0, -1)), "truncated").to.equal(false);
          expect(verifyConsistency(m, n, roots[m]!, roots[n]!, [...proof, roots[1]!]), "extended").to.equal(false);
          expect(verifyConsistency(m, n, roots[m]!, roots[n]!, [flip(proof[0]!), ...proof.slice(1)]), "flipped").to.equal(false);
        }
        checked++;
      }
    }
    expect(checked).to.equal(2 * ((64 * 65) / 2));
  });

  it("gives proofs from size 0 and wrong hash lengths no meaning", () => {
    const leaves = [leafHash(Buffer.from("a")), leafHash(Buffer.from("b"))];
    const root = rootFromLeafHashes(leaves);
    expect(verifyConsistency(0, 2, rootFromLeafHashes([]), root, [])).to.equal(false);
    expect(verifyConsistency(0, 2, rootFromLeafHashes([]), root, [root])).to.equal(false);
    expect(verifyInclusion(0, 2, leaves[0]!, [leaves[1]!.subarray(0, 31)], root)).to.equal(false);
    expect(verifyInclusion(0, 2, leaves[0]!, [leaves[1]!], root.subarray(0, 20))).to.equal(false);
    expect(verifyInclusion(-1, 2, leaves[0]!, [leaves[1]!], root)).to.equal(false);
    expect(verifyInclusion(0, 2, leaves[0]!, [leaves[1]!], root)).to.equal(true);
  });
});
