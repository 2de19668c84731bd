/**
 * The SM3 transparency log: RFC 9162 tree and proofs (`rfc9162`, hashing into buffers with
 * `tree-hasher`), durable LevelDB storage in tiles (`store`, `tiles`, `frontier`,
 * `merkle-log`), C2SP signed checkpoints with SM2 (`checkpoint`, `checkpointer`), on-chain
 * anchoring (`anchoring`) and offline receipts (`receipt`).
 */
export * from "./errors.ts";
export * from "./rfc9162.ts";
export { hasherFor, type TreeHasher } from "./tree-hasher.ts";
export * from "./log-store.ts";
export * from "./merkle-log.ts";
export * from "./checkpoint.ts";
export * from "./checkpointer.ts";
export * from "./anchoring.ts";
export * from "./receipt.ts";
