export * from "./records.ts";
export * from "./keys.ts";
export * from "./watermark.ts";
export * from "./fingerprint.ts";
export * from "./fingerprint-store.ts";
export * from "./tree.ts";
export * from "./deliver.ts";
export * from "./trace.ts";
export { HmacSm3, sm3Fast, sm3Into, selfTest as sm3FastSelfTest } from "../../../core/crypto/sm3-fast.ts";
