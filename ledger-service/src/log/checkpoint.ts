import { createHash } from "node:crypto";
import { sign, verify } from "../../../core/crypto/sm2.ts";
import { sm3Hex } from "../../../core/crypto/sm3.ts";

/**
 * Checkpoints in the C2SP tlog-checkpoint form, as C2SP signed notes:
 *
 *   <origin>\n<tree size>\n<base64 root>\n\n— <key name> <base64(key id ‖ signature)>\n
 *
 * The signature is SM2 (GB/T 32918, default user ID) with SM3 over the note body (the three
 * lines, trailing newline included), 64 bytes r‖s. Signed notes have no registered type for SM2,
 * so the key id is SHA-256(key name ‖ 0x0A ‖ 0xFF ‖ "SM2-SM3" ‖ 65-byte public key)[:4], with
 * 0xFF marking a private, named algorithm. The log's origin names the hash (e.g.
 * "pdl.longhua.example/log/sm3"), as a tlog-tiles-style SM3 log must.
 */
export const SIGNATURE_TYPE = Buffer.concat([Buffer.of(0xff), Buffer.from("SM2-SM3", "ascii")]);
const EM_DASH = "\u2014";

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
}

export function formatCheckpoint(cp: Checkpoint): string {
  if (!/^[\x21-\x7e]+$/.test(cp.origin)) throw new Error("origin must be printable ASCII without spaces");
  return `${cp.origin}\n${cp.size}\n${Buffer.from(cp.rootHash).toString("base64")}\n`;
}

export function parseCheckpointBody(body: string): Checkpoint | undefined {
  const m = /^([\x21-\x7e]+)\n(0|[1-9][0-9]{0,15})\n([A-Za-z0-9+/]+=*)\n$/.exec(body);
  if (!m) return undefined;
  const rootHash = Buffer.from(m[3]!, "base64");
  if (rootHash.length !== 32 || rootHash.toString("base64") !== m[3]) return undefined;
  return { origin: m[1]!, size: Number(m[2]), rootHash };
}

export function keyId(keyName: string, publicKeyHex: string): Buffer {
  return createHash("sha256")
    .update(Buffer.concat([Buffer.from(keyName, "utf8"), Buffer.of(0x0a), SIGNATURE_TYPE, Buffer.from(publicKeyHex, "hex")]))
    .digest()
    .subarray(0, 4);
}

export function signCheckpoint(cp: Checkpoint, privateKeyHex: string, publicKeyHex: string, keyName: string): string {
  const body = formatCheckpoint(cp);
  const signature = Buffer.from(sign(Buffer.from(body, "utf8"), privateKeyHex), "hex");
  return `${body}\n${EM_DASH} ${keyName} ${Buffer.concat([keyId(keyName, publicKeyHex), signature]).toString("base64")}\n`;
}

/** The SM3 hash of a signed note's text: what an anchor commits to. */
export function checkpointHash(signedNote: string): string {
  return sm3Hex(Buffer.from(signedNote, "utf8"));
}

/**
 * Verifies a signed checkpoint against the log's key; returns the checkpoint, or a reason it
 * is not one. Signature lines of other keys are ignored, as signed notes require.
 */
export function verifySignedCheckpoint(note: string, publicKeyHex: string, keyName: string): { ok: true; checkpoint: Checkpoint } | { ok: false; reason: string } {
  const split = note.indexOf("\n\n");
  if (split < 0) return { ok: false, reason: "not a signed note (no blank line)" };
  const body = note.slice(0, split + 1);
  const checkpoint = parseCheckpointBody(body);
  if (!checkpoint) return { ok: false, reason: "the note is not a checkpoint (origin, size, base64 root)" };
  const id = keyId(keyName, publicKeyHex);
  for (const line of note.slice(split + 2).split("\n")) {
    const m = new RegExp(`^${EM_DASH} (\\S+) ([A-Za-z0-9+/]+=*)$`).exec(line);
    if (!m || m[1] !== keyName) continue;
    const blob = Buffer.from(m[2]!, "base64");
    if (blob.length !== 4 + 64 || !blob.subarray(0, 4).equals(id)) continue;
    if (verify(Buffer.from(body, "utf8"), blob.subarray(4).toString("hex"), publicKeyHex)) return { ok: true, checkpoint };
    return { ok: false, reason: "the checkpoint's SM2 signature does not verify" };
  }
  return { ok: false, reason: `no signature by key ${keyName}` };
}
