// The two sm-crypto modules the browser build of node:crypto uses (src/platform/node-crypto.ts).
declare module "sm-crypto/src/sm3/index.js" {
  /** SM3 as lowercase hex; HMAC-SM3 with `key`. */
  function sm3(input: string | ArrayLike<number>, options?: { key: string | ArrayLike<number> }): string;
  export default sm3;
}
declare module "sm-crypto/src/sm4/index.js" {
  interface Sm4Options {
    padding?: "pkcs#5" | "pkcs#7" | "none";
    mode?: "ecb" | "cbc";
    iv?: string | number[];
    output?: "string" | "array";
  }
  const sm4: {
    encrypt(input: number[], key: number[], options: Sm4Options & { output: "array" }): number[];
    decrypt(input: number[], key: number[], options: Sm4Options & { output: "array" }): number[];
  };
  export default sm4;
}
declare module "sm-crypto/src/sm2/index.js" {
  /** GB/T 32918.4 public-key encryption; cipherMode 1 is C1‖C3‖C2 (C1 without its 04 prefix), hex. */
  const sm2: {
    doEncrypt(msg: string | ArrayLike<number>, publicKey: string, cipherMode?: 0 | 1): string;
    doDecrypt(encrypted: string, privateKey: string, cipherMode: 0 | 1, options: { output: "array" }): number[];
  };
  export default sm2;
}
