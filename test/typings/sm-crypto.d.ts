// Minimal typings for the parts of sm-crypto the tests and benchmarks use as an independent
// reference implementation (it is a dev dependency only; the product uses core/crypto).
declare module "sm-crypto" {
  interface SignOptions {
    hash?: boolean;
    der?: boolean;
    publicKey?: string;
    userId?: string;
  }
  const smCrypto: {
    sm2: {
      generateKeyPairHex(): { privateKey: string; publicKey: string };
      doSignature(msg: string | number[], privateKey: string, options?: SignOptions): string;
      doVerifySignature(msg: string | number[], signature: string, publicKey: string, options?: SignOptions): boolean;
    };
    sm3(input: string | number[]): string;
    sm4: {
      encrypt(input: string | number[], key: string | number[], options?: Record<string, unknown>): string | number[];
      decrypt(input: string | number[], key: string | number[], options?: Record<string, unknown>): string | number[];
    };
  };
  export default smCrypto;
}
