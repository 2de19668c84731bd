import { z } from "zod";
import { parseSignedRecord } from "../../../core/record.ts";
// Types only: the receipt check runs in the browser too, where the anchor store (LevelDB) cannot.
import type { AnchorRecord, AnchorStore } from "./anchoring.ts";
import { checkpointHash, checkSignedCheckpoint, splitNote } from "./checkpoint.ts";
import type { Checkpointer } from "./checkpointer.ts";
import type { MerkleLog } from "./merkle-log.ts";
import { leafHash, SM3, verifyInclusion } from "./rfc9162.ts";

/**
 * A receipt: one self-contained JSON document that an entry was accepted by the log, verifiable
 * offline with nothing but the log's public key. States, in order:
 *
 * - `pending`: durably in the log, not yet covered by a signed checkpoint (wait for the next
 *   checkpoint, every few seconds). Proves nothing yet.
 * - `checkpointed`: an inclusion proof against a checkpoint signed by the log (SM2).
 * - `anchored`: that checkpoint is the earliest one anchored on chain that covers the entry, so
 *   the anchor's block time bounds when the entry existed. Confirming the transaction on chain is
 *   a separate, injected step (`ConfirmAnchor`), done against the verifier's own node.
 */
const Hex32 = z.string().regex(/^[0-9a-f]{64}$/);
const Count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const ReceiptAnchor = z.strictObject({
  chainType: z.string().min(1),
  chainId: z.string(),
  contract: z.string(),
  txId: z.string().min(1),
  blockNumber: Count,
  blockTime: Count,
  treeSize: Count,
  rootHash: Hex32,
  checkpointHash: Hex32,
});
export type ReceiptAnchor = z.infer<typeof ReceiptAnchor>;

export const Receipt = z.strictObject({
  version: z.literal(1),
  /** The log's origin (names the log and its hash). */
  origin: z.string().min(1),
  state: z.enum(["pending", "checkpointed", "anchored"]),
  entry: z.strictObject({
    index: Count,
    /** SM3(0x00 ‖ entry), hex. */
    leafHash: Hex32,
    /** The accepted record's hash, when the entry is a record. */
    recordHash: Hex32.optional(),
    /** The entry's bytes, base64 (lets a verifier recompute the leaf hash). */
    data: z.string().optional(),
  }),
  checkpoint: z.strictObject({ text: z.string(), size: Count, rootHash: Hex32 }).optional(),
  /** PATH(index, D[checkpoint.size]), hex, leaf to root. */
  inclusionProof: z.array(Hex32).optional(),
  anchor: ReceiptAnchor.optional(),
  /** The log key, as a hint only: verifiers use the key they trust. */
  logPublicKey: z.string().optional(),
  /** The signed-note key name of the log key. */
  keyName: z.string().optional(),
});
export type Receipt = z.infer<typeof Receipt>;

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** The record hash inside a log entry that is JSON with a `recordHash` field (the indexer's entries). */
function recordHashOf(data: Buffer): string | undefined {
  if (data[0] !== 0x7b) return undefined;
  try {
    const value = (JSON.parse(data.toString("utf8")) as { recordHash?: unknown }).recordHash;
    return typeof value === "string" && /^[0-9a-f]{64}$/.test(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function anchorOf(a: AnchorRecord): ReceiptAnchor {
  return {
    chainType: a.chainType,
    chainId: a.chainId,
    contract: a.contract,
    txId: a.txId,
    blockNumber: a.blockNumber,
    blockTime: a.blockTime,
    treeSize: a.treeSize,
    rootHash: a.rootHash,
    checkpointHash: a.checkpointHash,
  };
}

/**
 * The latest receipt of the entry at `index`: anchored under the earliest anchored checkpoint
 * covering it, else checkpointed under the latest checkpoint covering it, else pending.
 */
export async function buildReceipt(
  log: MerkleLog,
  checkpointer: Checkpointer,
  anchors: AnchorStore,
  index: number,
): Promise<Receipt> {
  const data = await log.entry(index);
  const recordHash = recordHashOf(data);
  const base = {
    version: 1 as const,
    origin: checkpointer.origin,
    entry: {
      index,
      leafHash: hex(await log.leafHash(index)),
      ...(recordHash ? { recordHash } : {}),
      data: data.toString("base64"),
    },
    logPublicKey: checkpointer.publicKey,
    keyName: checkpointer.keyName,
  };
  const anchor = await anchors.covering(index);
  const cp = anchor ? await checkpointer.checkpointAt(anchor.treeSize) : await checkpointer.latest();
  if (!cp || cp.size <= index) return { ...base, state: "pending" };
  const inclusionProof = (await log.inclusionProof(index, cp.size)).map(hex);
  const checkpoint = { text: cp.text, size: cp.size, rootHash: cp.rootHash };
  if (anchor) return { ...base, state: "anchored", checkpoint, inclusionProof, anchor: anchorOf(anchor) };
  return { ...base, state: "checkpointed", checkpoint, inclusionProof };
}

export interface ReceiptCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface ReceiptVerification {
  /** True only when every check passed and the receipt proves something (not pending). */
  readonly ok: boolean;
  readonly state?: Receipt["state"];
  readonly checks: ReceiptCheck[];
}

/**
 * Verifies a receipt offline against the log key the verifier trusts (never the key inside the
 * receipt). Every check is reported by name:
 * `format`, `log key`, `entry`, `state`, `checkpoint signature`, `checkpoint fields`,
 * `inclusion`, and for anchored receipts `anchor tree size`, `anchor root`,
 * `anchor checkpoint hash`. The receipt is untrusted input: nothing here throws.
 */
export function verifyReceiptOffline(receipt: unknown, logPublicKeyHex: string, keyName?: string): ReceiptVerification {
  const parsed = Receipt.safeParse(receipt);
  if (!parsed.success)
    return {
      ok: false,
      checks: [
        {
          name: "format",
          ok: false,
          detail: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
        },
      ],
    };
  const r = parsed.data;
  const checks: ReceiptCheck[] = [];
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });

  if (r.logPublicKey !== undefined)
    add("log key", r.logPublicKey === logPublicKeyHex, "the receipt names the trusted log key");
  if (r.entry.data !== undefined) {
    const data = Buffer.from(r.entry.data, "base64");
    const leafOk = data.toString("base64") === r.entry.data && hex(leafHash(data, SM3)) === r.entry.leafHash;
    const inner = recordHashOf(data);
    const recordOk = r.entry.recordHash === undefined || inner === undefined || inner === r.entry.recordHash;
    add(
      "entry",
      leafOk && recordOk,
      leafOk
        ? recordOk
          ? "leaf hash = SM3(0x00 ‖ entry)"
          : "the entry names another record hash"
        : "the leaf hash is not SM3(0x00 ‖ entry)",
    );
  }
  if (r.state === "pending") {
    add("state", false, "pending: no signed checkpoint covers the entry yet; ask again after the next checkpoint");
    return { ok: false, state: r.state, checks };
  }
  const { checkpoint, inclusionProof } = r;
  if (!checkpoint || !inclusionProof || (r.state === "anchored" && !r.anchor)) {
    add(
      "state",
      false,
      `a ${r.state} receipt needs a checkpoint, an inclusion proof${r.state === "anchored" ? " and an anchor" : ""}`,
    );
    return { ok: false, state: r.state, checks };
  }

  const name = keyName ?? r.keyName ?? signerName(checkpoint.text);
  const signed =
    name === undefined
      ? ({ ok: false, reason: "no key name" } as const)
      : checkSignedCheckpoint(checkpoint.text, logPublicKeyHex, name, { acceptEarlierKeyIds: true });
  add("checkpoint signature", signed.ok, signed.ok ? `SM2 signature by ${name}` : signed.reason);
  if (!signed.ok) return { ok: false, state: r.state, checks };
  const cp = signed.checkpoint;
  const rootHex = hex(cp.rootHash);
  const fieldsOk = cp.origin === r.origin && cp.size === checkpoint.size && rootHex === checkpoint.rootHash;
  add(
    "checkpoint fields",
    fieldsOk,
    fieldsOk ? `origin ${cp.origin}, size ${cp.size}` : "origin, size or root differ from the signed note",
  );

  // The proof is checked against the *signed* size and root, never the receipt's copies.
  const proof = inclusionProof.map((p) => Buffer.from(p, "hex"));
  const included = verifyInclusion(
    r.entry.index,
    cp.size,
    Buffer.from(r.entry.leafHash, "hex"),
    proof,
    cp.rootHash,
    SM3,
  );
  add("inclusion", included, `leaf ${r.entry.index} in the tree of ${cp.size} (RFC 9162 §2.1.3.2)`);

  if (r.state === "anchored" && r.anchor) {
    const a = r.anchor;
    add("anchor tree size", a.treeSize === cp.size, `anchored size ${a.treeSize}, checkpoint size ${cp.size}`);
    add("anchor root", a.rootHash === rootHex, "the anchored root is the checkpoint's root");
    add(
      "anchor checkpoint hash",
      a.checkpointHash === checkpointHash(checkpoint.text),
      "the anchored hash is SM3 of the signed note",
    );
  }
  return { ok: checks.every((c) => c.ok), state: r.state, checks };
}

function signerName(text: string): string | undefined {
  try {
    return splitNote(text).signatures[0]?.keyName;
  } catch {
    return undefined;
  }
}

/** Confirms an anchor on chain with the verifier's own node (provided elsewhere). */
export type ConfirmAnchor = (anchor: ReceiptAnchor) => Promise<{ ok: boolean; detail: string }>;

/** Whether a signed anchor.checkpoint record found on chain anchors exactly the receipt's checkpoint. */
export function anchorsCheckpoint(signed: unknown, anchor: ReceiptAnchor): boolean {
  const record = parseSignedRecord(signed).record;
  const body = record.body as { treeSize?: unknown; rootHash?: unknown; checkpointHash?: unknown };
  return (
    record.op === "anchor.checkpoint" &&
    body.treeSize === anchor.treeSize &&
    body.rootHash === anchor.rootHash &&
    body.checkpointHash === anchor.checkpointHash
  );
}

/** Offline verification plus, for anchored receipts, the injected chain confirmation (check `anchor on chain`). */
export async function verifyReceipt(
  receipt: unknown,
  logPublicKeyHex: string,
  keyName: string | undefined,
  confirmAnchor?: ConfirmAnchor,
): Promise<ReceiptVerification> {
  const offline = verifyReceiptOffline(receipt, logPublicKeyHex, keyName);
  if (!offline.ok || offline.state !== "anchored" || !confirmAnchor) return offline;
  let confirmed: { ok: boolean; detail: string };
  try {
    confirmed = await confirmAnchor((receipt as Receipt).anchor!);
  } catch (err) {
    confirmed = { ok: false, detail: (err as Error).message };
  }
  const checks = [...offline.checks, { name: "anchor on chain", ...confirmed }];
  return { ok: checks.every((c) => c.ok), state: offline.state, checks };
}
