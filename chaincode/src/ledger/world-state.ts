/**
 * What the rule engine needs from Fabric's world state, and nothing more: point reads and writes,
 * range scans over a composite-key prefix, and a record's history. The chaincode implements it
 * over the shim's ChaincodeStub; tests run the same engine over an in-process store that keeps
 * Fabric's transaction semantics (simulation against committed state, MVCC validation).
 */
export interface WorldState {
  getState(key: string): Promise<Uint8Array | undefined>;
  putState(key: string, value: Uint8Array): Promise<void>;
  deleteState(key: string): Promise<void>;
  /** Entries whose composite key starts with (objectType, ...attributes), in key order. */
  scan(objectType: string, attributes: readonly string[]): AsyncIterable<{ key: string; value: Uint8Array }>;
  history(key: string): AsyncIterable<HistoryEntry>;
}

export interface HistoryEntry {
  readonly txId: string;
  readonly timestamp: number;
  readonly isDelete: boolean;
  readonly value: Uint8Array;
}

/**
 * Fabric's composite keys: U+0000, the object type, then each attribute followed by U+0000.
 * Built here (not through the stub) so the in-process store and the peer agree byte for byte.
 */
const SEP = "\u0000";

export function compositeKey(objectType: string, attributes: readonly string[]): string {
  for (const part of [objectType, ...attributes]) {
    if (part.includes(SEP)) throw new Error(`composite key part contains U+0000: ${JSON.stringify(part)}`);
  }
  return SEP + objectType + SEP + attributes.map((a) => a + SEP).join("");
}

export function splitCompositeKey(key: string): { objectType: string; attributes: string[] } {
  const parts = key.split(SEP);
  // ["", type, a1, ..., an, ""]
  return { objectType: parts[1] ?? "", attributes: parts.slice(2, -1) };
}
