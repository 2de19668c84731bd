import { publicKeyFromPrivate, sign, verify } from "../../../core/crypto/sm2.ts";
import { sm3, sm3Hex } from "../../../core/crypto/sm3.ts";
import { sha256 } from "@noble/hashes/sha2.js";
import { LogError } from "./errors.ts";

/**
 * Checkpoints (c2sp.org/tlog-checkpoint) as signed notes (c2sp.org/signed-note), signed with SM2:
 *
 *     <origin>\n<tree size>\n<base64 root hash>\n
 *     \n
 *     — <key name> <base64(key ID ‖ signature)>\n
 *
 * The note text is the body including its final newline. The signature is SM2 (GB/T 32918.2,
 * default user ID "1234567812345678", so the digest is SM3(Z_A ‖ text)) over the text: 64 bytes
 * r‖s, so a signature line carries 4 + 64 bytes.
 *
 * Key name. tlog-checkpoint: the log's key name SHOULD match the origin line; this log's key
 * name is its origin (e.g. "longhua.public-data-ledger/log/sm3").
 *
 * Signature type. signed-note assigns no type byte to SM2; it reserves 0xff for "signature types
 * without an identifier byte assigned by this specification", RECOMMENDED to be followed by a
 * longer identifier. This log's type is therefore the 8 bytes 0xff ‖ "SM2-SM3" (ASCII), and the
 * key ID is the one signed-note recommends, over that type and the 65-byte uncompressed key:
 *
 *     key ID = SHA-256(key name ‖ 0x0A ‖ 0xff ‖ "SM2-SM3" ‖ 04‖X‖Y)[:4]
 *
 * The verifier key is published as a vkey, the text form of golang.org/x/mod/sumdb/note:
 *
 *     <key name>+<key ID, 8 hex digits>+<base64(0xff ‖ "SM2-SM3" ‖ 04‖X‖Y)>
 *
 * so that a note verifier given an SM2 implementation for this type can check these notes.
 * Checkpoints signed by earlier versions (key name without "/sm3", key ID from SM3) still verify
 * where the stored history is re-checked (`acceptEarlierKeyIds`): the signature itself is always
 * checked against the trusted key.
 *
 * The origin should name the hash: the tree hash is SM3, so these checkpoints are not
 * wire-compatible with SHA-256 tlog tooling.
 */
export const SM2_SIGNATURE_TYPE: Uint8Array = Buffer.concat([Buffer.of(0xff), Buffer.from("SM2-SM3", "ascii")]);
export const HASH_BYTES = 32;
const EM_DASH = "\u2014";
/**
 * signed-note: verifiers must accept at least 16 signatures, and post-quantum ones run to nearly
 * 5 kB. These bound the work per note above that: 64 lines, 1 MiB.
 */
export const MAX_SIGNATURES = 64;
export const MAX_NOTE_BYTES = 1024 * 1024;

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** Extension lines after the root (NOT RECOMMENDED by tlog-checkpoint; never produced here). */
  readonly extensions?: readonly string[];
}

export interface NoteSignature {
  readonly keyName: string;
  readonly keyId: Uint8Array;
  readonly signature: Uint8Array;
}

// No control characters but newline (signed-note); lines of the body are non-empty.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/;
const SIZE = /^(0|[1-9][0-9]{0,15})$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A key name: non-empty, no Unicode space, no "+" (signed-note). */
export function isValidKeyName(name: string): boolean {
  return typeof name === "string" && name.length > 0 && !/[\s+]/u.test(name) && !CONTROL.test(name);
}

function isValidOrigin(origin: string): boolean {
  return (
    typeof origin === "string" &&
    origin.length > 0 &&
    !origin.includes("\n") &&
    !CONTROL.test(origin) &&
    origin.trim() === origin
  );
}

/** The note text of a checkpoint: "<origin>\n<size>\n<base64 root>\n" (plus extension lines). */
export function formatCheckpoint(cp: Checkpoint): string {
  if (!isValidOrigin(cp.origin))
    throw new LogError(
      "CHECKPOINT_MALFORMED",
      "the origin must be one non-empty line without control characters or outer spaces",
    );
  if (!Number.isSafeInteger(cp.size) || cp.size < 0)
    throw new LogError("CHECKPOINT_MALFORMED", "the tree size must be a non-negative safe integer");
  if (!(cp.rootHash instanceof Uint8Array) || cp.rootHash.length !== HASH_BYTES)
    throw new LogError("CHECKPOINT_MALFORMED", `the root hash must be ${HASH_BYTES} bytes`);
  const ext = cp.extensions ?? [];
  for (const line of ext)
    if (line.length === 0 || line.includes("\n") || CONTROL.test(line))
      throw new LogError("CHECKPOINT_MALFORMED", "extension lines must be non-empty single lines");
  return [cp.origin, String(cp.size), Buffer.from(cp.rootHash).toString("base64"), ...ext]
    .map((l) => l + "\n")
    .join("");
}

/** Splits a signed note into its text (body, final newline included) and its signature lines. */
export function splitNote(note: string): { text: string; signatures: NoteSignature[] } {
  if (typeof note !== "string" || Buffer.byteLength(note, "utf8") > MAX_NOTE_BYTES)
    throw new LogError("CHECKPOINT_MALFORMED", "not a signed note (missing or too large)");
  if (CONTROL.test(note) || note.includes("\uFFFD"))
    throw new LogError("CHECKPOINT_MALFORMED", "a signed note may contain no control characters but newline");
  const split = note.lastIndexOf("\n\n");
  if (split < 0 || !note.endsWith("\n"))
    throw new LogError(
      "CHECKPOINT_MALFORMED",
      "not a signed note (no blank line before the signatures, or no final newline)",
    );
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split("\n");
  if (lines.length > MAX_SIGNATURES)
    throw new LogError("CHECKPOINT_MALFORMED", `more than ${MAX_SIGNATURES} signatures`);
  const signatures = lines.map((line) => {
    const m = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (!m || !isValidKeyName(m[1]!) || !BASE64.test(m[2]!))
      throw new LogError("CHECKPOINT_MALFORMED", 'a signature line is not "— <key name> <base64>"');
    const blob = Buffer.from(m[2]!, "base64");
    if (blob.length < 5 || blob.toString("base64") !== m[2])
      throw new LogError("CHECKPOINT_MALFORMED", "a signature is not canonical base64 of key ID and signature");
    return { keyName: m[1]!, keyId: blob.subarray(0, 4), signature: blob.subarray(4) };
  });
  return { text, signatures };
}

/**
 * Parses a checkpoint body, or the body of a signed note (the signatures are NOT checked: use
 * `verifySignedCheckpoint` for anything you act on). Throws CHECKPOINT_MALFORMED.
 */
export function parseCheckpoint(textOrNote: string): Checkpoint {
  if (typeof textOrNote !== "string") throw new LogError("CHECKPOINT_MALFORMED", "a checkpoint is text");
  const blank = textOrNote.indexOf("\n\n");
  const text = blank >= 0 ? textOrNote.slice(0, blank + 1) : textOrNote;
  if (!text.endsWith("\n") || CONTROL.test(text))
    throw new LogError("CHECKPOINT_MALFORMED", "a checkpoint is newline-terminated lines without control characters");
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3)
    throw new LogError("CHECKPOINT_MALFORMED", "a checkpoint has an origin, a size and a root hash line");
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]];
  if (!isValidOrigin(origin)) throw new LogError("CHECKPOINT_MALFORMED", "the origin line is empty or malformed");
  if (!SIZE.test(size) || !Number.isSafeInteger(Number(size)))
    throw new LogError("CHECKPOINT_MALFORMED", "the size line is not a decimal tree size");
  const rootHash = BASE64.test(root) ? Buffer.from(root, "base64") : Buffer.alloc(0);
  if (rootHash.length !== HASH_BYTES || rootHash.toString("base64") !== root)
    throw new LogError("CHECKPOINT_MALFORMED", `the root line is not canonical base64 of ${HASH_BYTES} bytes`);
  if (extensions.some((l) => l.length === 0)) throw new LogError("CHECKPOINT_MALFORMED", "empty extension line");
  return { origin, size: Number(size), rootHash, ...(extensions.length > 0 ? { extensions } : {}) };
}

/** The signed-note key ID of an SM2 key (see the module comment). */
export function keyId(keyName: string, publicKeyHex: string): Uint8Array {
  return sha256(
    Buffer.concat([
      Buffer.from(keyName, "utf8"),
      Buffer.of(0x0a),
      SM2_SIGNATURE_TYPE,
      Buffer.from(publicKeyHex, "hex"),
    ]),
  ).subarray(0, 4);
}

/** The key ID earlier versions used: SM3 instead of SHA-256 over the same bytes. */
function earlierKeyId(keyName: string, publicKeyHex: string): Uint8Array {
  return sm3(
    Buffer.concat([
      Buffer.from(keyName, "utf8"),
      Buffer.of(0x0a),
      SM2_SIGNATURE_TYPE,
      Buffer.from(publicKeyHex, "hex"),
    ]),
  ).subarray(0, 4);
}

/** The verifier key of the log's SM2 key in note's vkey text form (see the module comment). */
export function verifierKey(keyName: string, publicKeyHex: string): string {
  if (!isValidKeyName(keyName))
    throw new LogError("CHECKPOINT_MALFORMED", "the key name is not a signed-note key name");
  const key = Buffer.concat([SM2_SIGNATURE_TYPE, Buffer.from(publicKeyHex, "hex")]);
  return `${keyName}+${Buffer.from(keyId(keyName, publicKeyHex)).toString("hex")}+${key.toString("base64")}`;
}

/** Parses a vkey of this log's signature type: its key name and SM2 public key (hex). Throws CHECKPOINT_MALFORMED. */
export function parseVerifierKey(vkey: string): { keyName: string; publicKey: string } {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+={0,2})$/u.exec(vkey);
  if (!m || !isValidKeyName(m[1]!))
    throw new LogError("CHECKPOINT_MALFORMED", "not a vkey <name>+<hex key ID>+<base64 key>");
  const key = Buffer.from(m[3]!, "base64");
  const type = Buffer.from(SM2_SIGNATURE_TYPE);
  if (key.length !== type.length + 65 || !key.subarray(0, type.length).equals(type) || key[type.length] !== 0x04)
    throw new LogError("CHECKPOINT_MALFORMED", 'the vkey is not an SM2 key of type 0xff ‖ "SM2-SM3"');
  const publicKey = key.subarray(type.length).toString("hex");
  if (Buffer.from(keyId(m[1]!, publicKey)).toString("hex") !== m[2])
    throw new LogError("CHECKPOINT_MALFORMED", "the vkey's key ID does not match its name and key");
  return { keyName: m[1]!, publicKey };
}

/**
 * Signs a checkpoint (its body text, or the fields) with the log's SM2 key: returns the signed
 * note. The body is parsed first, so only a well-formed checkpoint is ever signed.
 */
export function signCheckpoint(body: string | Checkpoint, privateKeyHex: string, keyName: string): string {
  const text = typeof body === "string" ? body : formatCheckpoint(body);
  parseCheckpoint(text);
  if (text.includes("\n\n")) throw new LogError("CHECKPOINT_MALFORMED", "sign the checkpoint body, not a signed note");
  if (!isValidKeyName(keyName))
    throw new LogError("CHECKPOINT_MALFORMED", "the key name must be non-empty without spaces or '+'");
  const publicKey = publicKeyFromPrivate(privateKeyHex);
  const signature = Buffer.from(sign(Buffer.from(text, "utf8"), privateKeyHex), "hex");
  return `${text}\n${EM_DASH} ${keyName} ${Buffer.concat([keyId(keyName, publicKey), signature]).toString("base64")}\n`;
}

/**
 * Verifies a signed checkpoint against the log's key and returns it. Following signed-note,
 * signatures by other keys (a different name or key ID) are ignored; a signature by this key
 * that does not verify rejects the whole note; a note with none is rejected.
 * Throws CHECKPOINT_MALFORMED or CHECKPOINT_SIGNATURE.
 */
export function verifySignedCheckpoint(
  note: string,
  publicKeyHex: string,
  keyName: string,
  options: { acceptEarlierKeyIds?: boolean } = {},
): Checkpoint {
  const { text, signatures } = splitNote(note);
  const checkpoint = parseCheckpoint(text);
  const id = Buffer.from(keyId(keyName, publicKeyHex));
  const ours = signatures.filter(
    (s) =>
      (s.keyName === keyName && id.equals(s.keyId)) ||
      (options.acceptEarlierKeyIds === true &&
        Buffer.from(earlierKeyId(s.keyName, publicKeyHex)).equals(Buffer.from(s.keyId))),
  );
  if (ours.length === 0) throw new LogError("CHECKPOINT_SIGNATURE", `no signature by key ${keyName}`);
  for (const s of ours) {
    if (
      s.signature.length !== 64 ||
      !verify(Buffer.from(text, "utf8"), Buffer.from(s.signature).toString("hex"), publicKeyHex)
    ) {
      throw new LogError("CHECKPOINT_SIGNATURE", `the SM2 signature by ${s.keyName} does not verify`);
    }
  }
  return checkpoint;
}

/** `verifySignedCheckpoint` without exceptions. */
export function checkSignedCheckpoint(
  note: string,
  publicKeyHex: string,
  keyName: string,
  options: { acceptEarlierKeyIds?: boolean } = {},
): { ok: true; checkpoint: Checkpoint } | { ok: false; code: string; reason: string } {
  try {
    return { ok: true, checkpoint: verifySignedCheckpoint(note, publicKeyHex, keyName, options) };
  } catch (err) {
    const e = err as LogError;
    return { ok: false, code: e.code ?? "CHECKPOINT_MALFORMED", reason: e.message };
  }
}

/** SM3 of the signed note's text (UTF-8), hex: what an anchor commits to. */
export function checkpointHash(signedNote: string): string {
  return sm3Hex(Buffer.from(signedNote, "utf8"));
}
