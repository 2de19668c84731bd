export * from "./errors.ts";
export * from "./sm3.ts";
export * from "./sm4.ts";
export * from "./sm2.ts";
