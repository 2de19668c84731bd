/**
 * The log's one error class, with a closed set of stable codes: callers and tests check the
 * code, never the message. Proof *verifiers* never throw (they return false); these errors come
 * from the log's own operations (bad arguments, a corrupt store, a refused signature).
 */
export type LogErrorCode =
  /** A size or index outside the tree, or a malformed argument. */
  | "LOG_RANGE"
  /** An entry is larger than the configured limit. */
  | "LOG_ENTRY_TOO_LARGE"
  /** A node, leaf or size the store must hold is missing or malformed. */
  | "LOG_CORRUPT"
  /** The store was created with another hash function. */
  | "LOG_HASH_MISMATCH"
  /** The log is closed. */
  | "LOG_CLOSED"
  /** Text that is not a checkpoint or signed note. */
  | "CHECKPOINT_MALFORMED"
  /** A signed note without a valid signature by the expected key. */
  | "CHECKPOINT_SIGNATURE"
  /** A new head would not be consistent with an earlier signed or anchored one. */
  | "CHECKPOINT_INCONSISTENT"
  /** An anchor whose fields do not match the checkpoint it claims to anchor. */
  | "ANCHOR_MISMATCH";

export class LogError extends Error {
  constructor(
    readonly code: LogErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "LogError";
  }
}
