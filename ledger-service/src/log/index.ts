export * from "./rfc9162.ts";
export * from "./merkle-log.ts";
export * from "./checkpoint.ts";
export * from "./checkpointer.ts";
export * from "./receipt.ts";
