import type { HashFn } from "../../ledger-service/src/log/index.ts";

/**
 * A deliberately slow reference: MTH, PATH and PROOF written straight from the text of RFC 9162
 * §2.1.1, §2.1.3.1 and §2.1.4.1, over the data itself, with its own hashing (no code shared with
 * the implementation under test). Used only to cross-check the fast and durable trees.
 */
export function referenceTree(hash: HashFn) {
  const H = (...parts: Uint8Array[]) => hash(Buffer.concat(parts));
  // "k is the largest power of two smaller than n (i.e., k < n ≤ 2k)".
  const largestPowerOfTwoBelow = (n: number) => {
    let k = 1;
    while (k < n) k *= 2;
    return k / 2;
  };
  const MTH = (D: Uint8Array[]): Uint8Array => {
    const n = D.length;
    if (n === 0) return H();
    if (n === 1) return H(Uint8Array.of(0), D[0]!);
    const k = largestPowerOfTwoBelow(n);
    return H(Uint8Array.of(1), MTH(D.slice(0, k)), MTH(D.slice(k, n)));
  };
  const PATH = (m: number, D: Uint8Array[]): Uint8Array[] => {
    const n = D.length;
    if (n === 1) return [];
    const k = largestPowerOfTwoBelow(n);
    if (m < k) return [...PATH(m, D.slice(0, k)), MTH(D.slice(k, n))];
    return [...PATH(m - k, D.slice(k, n)), MTH(D.slice(0, k))];
  };
  const SUBPROOF = (m: number, D: Uint8Array[], b: boolean): Uint8Array[] => {
    const n = D.length;
    if (m === n) return b ? [] : [MTH(D)];
    const k = largestPowerOfTwoBelow(n);
    if (m <= k) return [...SUBPROOF(m, D.slice(0, k), b), MTH(D.slice(k, n))];
    return [...SUBPROOF(m - k, D.slice(k, n), false), MTH(D.slice(0, k))];
  };
  return {
    MTH,
    PATH,
    PROOF: (m: number, D: Uint8Array[]) => SUBPROOF(m, D, true),
    leaf: (d: Uint8Array) => H(Uint8Array.of(0), d),
  };
}

/** The 8 leaves of transparency-dev/merkle testonly/constants.go. */
export const VECTOR_LEAVES = [
  "",
  "00",
  "10",
  "2021",
  "3031",
  "40414243",
  "5051525354555657",
  "606162636465666768696a6b6c6d6e6f",
].map((h) => Buffer.from(h, "hex"));

/** SHA-256 roots for sizes 0–8 (transparency-dev/merkle testonly/constants.go, RootHashes). */
export const SHA256_ROOTS = [
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/** SM3 roots for sizes 0–8 of the same leaves (shared/reference/verifiable-logs.md). */
export const SM3_ROOTS = [
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

export const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
