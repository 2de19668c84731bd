import { z } from "zod";
import { checkpointHash, verifySignedCheckpoint } from "./checkpoint.ts";
import type { Checkpointer } from "./checkpointer.ts";
import type { MerkleLog } from "./merkle-log.ts";
import { leafHash, SM3, verifyInclusion } from "./rfc9162.ts";

/**
 * A receipt: one self-contained JSON document proving that a log entry was accepted. States:
 * pending (logged, no checkpoint yet) → checkpointed (inclusion proof under a signed
 * checkpoint) → anchored (that checkpoint, or a later one, pinned on chain).
 */
const Hex32 = z.string().regex(/^[0-9a-f]{64}$/);
export const Receipt = z.strictObject({
  version: z.literal(1),
  hash: z.literal("SM3"),
  state: z.enum(["pending", "checkpointed", "anchored"]),
  origin: z.string(),
  keyName: z.string(),
  entry: z.strictObject({ index: z.number().int().min(0), data: z.string(), leafHash: Hex32 }),
  checkpoint: z.strictObject({ note: z.string(), size: z.number().int().min(1), rootHash: Hex32, hash: Hex32 }).optional(),
  inclusionProof: z.array(Hex32).optional(),
  anchor: z
    .strictObject({
      chainType: z.enum(["evm", "fabric"]),
      chainId: z.string(),
      contract: z.string(),
      txId: z.string(),
      blockNumber: z.number().int(),
      blockTime: z.number().int(),
      treeSize: z.number().int(),
      rootHash: Hex32,
      checkpointHash: Hex32,
    })
    .optional(),
});
export type Receipt = z.infer<typeof Receipt>;

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** The latest receipt of the entry at `index`. */
export async function buildReceipt(log: MerkleLog, checkpointer: Checkpointer, index: number, origin: string, keyName: string): Promise<Receipt> {
  const data = await log.entry(index);
  const base = { version: 1 as const, hash: "SM3" as const, origin, keyName, entry: { index, data: data.toString("base64"), leafHash: hex(await log.leafHashAt(index)) } };
  const anchor = await checkpointer.latestAnchor();
  const cp = anchor && anchor.treeSize > index ? await checkpointer.at(anchor.treeSize) : await checkpointer.latest();
  if (!cp || cp.size <= index) return { ...base, state: "pending" };
  const inclusionProof = (await log.inclusionProof(index, cp.size)).map(hex);
  const checkpoint = { note: cp.note, size: cp.size, rootHash: cp.rootHash, hash: cp.hash };
  if (anchor && anchor.treeSize === cp.size) return { ...base, state: "anchored", checkpoint, inclusionProof, anchor };
  return { ...base, state: "checkpointed", checkpoint, inclusionProof };
}

export interface ReceiptCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** Checks a receipt offline with the log's public key; every check is reported. */
export function verifyReceiptOffline(input: unknown, logPublicKey: string): { ok: boolean; state?: string; checks: ReceiptCheck[] } {
  const checks: ReceiptCheck[] = [];
  const parsed = Receipt.safeParse(input);
  if (!parsed.success) return { ok: false, checks: [{ name: "format", ok: false, detail: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") }] };
  const r = parsed.data;
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const leaf = leafHash(Buffer.from(r.entry.data, "base64"), SM3);
  add("entry", hex(leaf) === r.entry.leafHash, "leaf hash = SM3(0x00 ‖ entry)");
  if (r.state === "pending" || !r.checkpoint || !r.inclusionProof) {
    add("state", false, "pending: no checkpoint covers the entry yet");
    return { ok: false, state: r.state, checks };
  }
  const note = verifySignedCheckpoint(r.checkpoint.note, logPublicKey, r.keyName);
  add("checkpoint signature", note.ok, note.ok ? `signed by ${r.keyName}` : note.reason);
  const cp = note.ok ? note.checkpoint : undefined;
  add("checkpoint contents", !!cp && cp.origin === r.origin && cp.size === r.checkpoint.size && hex(cp.rootHash) === r.checkpoint.rootHash, "origin, size and root match the signed note");
  add("checkpoint hash", checkpointHash(r.checkpoint.note) === r.checkpoint.hash, "SM3 of the signed note");
  const proof = r.inclusionProof.map((p) => Buffer.from(p, "hex"));
  add("inclusion", verifyInclusion(r.entry.index, r.checkpoint.size, leaf, proof, Buffer.from(r.checkpoint.rootHash, "hex")), `leaf ${r.entry.index} in the tree of ${r.checkpoint.size} (RFC 9162)`);
  if (r.state === "anchored") {
    const a = r.anchor;
    add("anchor", !!a && a.treeSize === r.checkpoint.size && a.rootHash === r.checkpoint.rootHash && a.checkpointHash === r.checkpoint.hash, a ? `${a.chainType} ${a.chainId} tx ${a.txId} block ${a.blockNumber}` : "missing");
  }
  return { ok: checks.every((c) => c.ok), state: r.state, checks };
}
