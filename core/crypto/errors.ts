/** Rejected key or signature material at an API boundary. */
export type CryptoInputCode =
  | "INVALID_PUBLIC_KEY"
  | "INVALID_PRIVATE_KEY"
  | "INVALID_SIGNATURE_ENCODING"
  | "SEALED_DATA_INVALID"
  | "KDF_PARAMS_INVALID";

export class CryptoInputError extends Error {
  readonly code: CryptoInputCode;
  constructor(code: CryptoInputCode, message: string) {
    super(`${code}: ${message}`);
    this.name = "CryptoInputError";
    this.code = code;
  }
}
