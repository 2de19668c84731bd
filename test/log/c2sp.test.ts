import { createHash, randomBytes } from "node:crypto";
import { expect } from "chai";
import { generateKeyPair, sign } from "../../core/crypto/sm2.ts";
import { sm3 } from "../../core/crypto/sm3.ts";
import {
  checkpointHash,
  Checkpointer,
  sizeKey,
  TABLES,
  type StoredCheckpoint,
  keyId,
  MAX_SIGNATURES,
  MerkleLog,
  parseVerifierKey,
  signCheckpoint,
  SM2_SIGNATURE_TYPE,
  verifierKey,
  verifySignedCheckpoint,
} from "../../ledger-service/src/log/index.ts";
import { LOG_KEY, tempDirs, throwsWith } from "./helpers.ts";
import { SM3_ROOTS } from "./reference.ts";

const ROOT8 = Buffer.from(SM3_ROOTS[8]!, "hex");
const ORIGIN = "pdl.test/log/sm3";
const BODY = `${ORIGIN}\n8\n${ROOT8.toString("base64")}\n`;

/**
 * The grammar of c2sp.org/signed-note and c2sp.org/tlog-checkpoint, written from the specs'
 * prose (not from our parser): text lines ending in newline, one blank line, then signature
 * lines "— <key name> <base64(4-byte key ID ‖ signature)>"; key names non-empty without Unicode
 * spaces or "+"; valid UTF-8 without control characters other than newline. A checkpoint's text
 * is origin, decimal size without leading zeros, base64 root hash, then optional non-empty lines.
 */
function grammarProblems(note: string): string[] {
  const problems: string[] = [];
  const bytes = Buffer.from(note, "utf8");
  if (bytes.toString("utf8") !== note) problems.push("not valid UTF-8");
  // eslint-disable-next-line no-control-regex -- the spec forbids these characters
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note)) problems.push("control character");
  const split = note.lastIndexOf("\n\n");
  if (split < 0) return [...problems, "no blank line"];
  const text = note.slice(0, split + 1);
  const sigLines = note.slice(split + 2).split("\n");
  if (sigLines.pop() !== "") problems.push("no final newline");
  if (sigLines.length === 0) problems.push("no signature line");
  for (const line of sigLines) {
    const m = /^\u2014 (.+) ([A-Za-z0-9+/]+={0,2})$/u.exec(line);
    if (!m) {
      problems.push(`signature line ${JSON.stringify(line)}`);
      continue;
    }
    if (/[\s\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000+]/u.test(m[1]!))
      problems.push(`key name ${m[1]}`);
    if (Buffer.from(m[2]!, "base64").length < 5) problems.push("signature shorter than a key ID and one byte");
  }
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3 || lines.some((l) => l === "")) problems.push("checkpoint needs ≥ 3 non-empty lines");
  if (!/^(0|[1-9][0-9]*)$/.test(lines[1] ?? "")) problems.push("tree size");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(lines[2] ?? "") || Buffer.from(lines[2]!, "base64").length !== 32)
    problems.push("root hash");
  return problems;
}

/** A foreign signature line (a witness, a post-quantum cosigner) of `bytes` signature bytes. */
const foreignLine = (name: string, bytes: number) =>
  `\u2014 ${name} ${Buffer.concat([randomBytes(4), randomBytes(bytes)]).toString("base64")}\n`;

describe("C2SP checkpoints to the letter", () => {
  it("writes notes the signed-note and tlog-checkpoint grammar accepts, and the grammar check can fail", () => {
    const note = signCheckpoint(BODY, LOG_KEY.privateKey, ORIGIN);
    expect(grammarProblems(note)).to.deep.equal([]);
    expect(grammarProblems(note.replace("\u2014", "-"))).to.not.deep.equal([]);
    expect(grammarProblems(note.replace(`\u2014 ${ORIGIN}`, `\u2014 a+b`))).to.deep.equal(["key name a+b"]);
    expect(grammarProblems(note.replace("\n8\n", "\n08\n"))).to.deep.equal(["tree size"]);
    expect(grammarProblems(note.slice(0, -1))).to.include("no final newline");
  });

  const dir = tempDirs("pdl-c2sp-");
  it("names the key after the origin (the Checkpointer's default) and signs with it", async () => {
    const log = await MerkleLog.open(dir());
    try {
      const key = generateKeyPair();
      const cp = new Checkpointer(log, { origin: ORIGIN, privateKey: key.privateKey });
      expect(cp.keyName).to.equal(ORIGIN);
      await log.append([Buffer.from("a"), Buffer.from("b")]);
      const signed = (await cp.checkpoint())!;
      const sigLine = signed.text.split("\n\n")[1]!;
      expect(sigLine.startsWith(`\u2014 ${ORIGIN} `)).to.equal(true);
      expect(grammarProblems(signed.text)).to.deep.equal([]);
    } finally {
      await log.close();
    }
  });

  it("publishes the verifier key as a vkey: <name>+<hex key ID>+<base64(type ‖ key)>", () => {
    const vkey = verifierKey(ORIGIN, LOG_KEY.publicKey);
    // The key name has no "+" and the key ID is hex: the first two "+" separate the fields.
    const [name, id, key] = /^([^+]+)\+([^+]+)\+(.+)$/.exec(vkey)!.slice(1) as [string, string, string];
    expect(name).to.equal(ORIGIN);
    const keyBytes = Buffer.from(key, "base64");
    expect(keyBytes.subarray(0, 8)).to.deep.equal(Buffer.from(SM2_SIGNATURE_TYPE));
    expect(keyBytes.subarray(8).toString("hex")).to.equal(LOG_KEY.publicKey);
    // note's key hash: SHA-256(name ‖ "\n" ‖ the vkey's key bytes)[:4], as golang.org/x/mod/sumdb/note computes it.
    const hash = createHash("sha256").update(`${name}\n`).update(keyBytes).digest().subarray(0, 4).toString("hex");
    expect(id).to.equal(hash);
    expect(id).to.equal(Buffer.from(keyId(ORIGIN, LOG_KEY.publicKey)).toString("hex"));
    expect(parseVerifierKey(vkey)).to.deep.equal({ keyName: ORIGIN, publicKey: LOG_KEY.publicKey });
    // Refused: a key ID that does not match, another signature type, a key name with "+".
    const wrongId = `${name}+${((parseInt(id, 16) ^ 1) >>> 0).toString(16).padStart(8, "0")}+${key}`;
    throwsWith(() => parseVerifierKey(wrongId), "CHECKPOINT_MALFORMED");
    const ed25519 = `${name}+${id}+${Buffer.concat([Buffer.of(1), randomBytes(32)]).toString("base64")}`;
    throwsWith(() => parseVerifierKey(ed25519), "CHECKPOINT_MALFORMED");
    throwsWith(() => verifierKey("a+b", LOG_KEY.publicKey), "CHECKPOINT_MALFORMED");
  });

  it("accepts 16 cosignatures of 5 kB beside its own, and bounds the lines it reads", () => {
    const note = signCheckpoint(BODY, LOG_KEY.privateKey, ORIGIN);
    let cosigned = note;
    for (let i = 0; i < 16; i++) cosigned += foreignLine(`witness.example/w${i}`, 5000);
    expect(Buffer.byteLength(cosigned)).to.be.greaterThan(16 * 5000);
    expect(grammarProblems(cosigned)).to.deep.equal([]);
    expect(verifySignedCheckpoint(cosigned, LOG_KEY.publicKey, ORIGIN).size).to.equal(8);
    // Ours may come last, after the cosigners.
    const ours = note.slice(BODY.length + 1);
    const last = BODY + "\n" + cosigned.slice(note.length) + ours;
    expect(verifySignedCheckpoint(last, LOG_KEY.publicKey, ORIGIN).size).to.equal(8);
    let tooMany = note;
    for (let i = 0; i < MAX_SIGNATURES; i++) tooMany += foreignLine(`w.example/${i}`, 64);
    throwsWith(() => verifySignedCheckpoint(tooMany, LOG_KEY.publicKey, ORIGIN), "CHECKPOINT_MALFORMED");
  });

  it("goes on signing on a log whose stored checkpoints use the earlier key name and ID", async () => {
    const log = await MerkleLog.open(dir());
    try {
      await log.append([Buffer.from("a"), Buffer.from("b")]);
      const root = await log.root(2);
      const body = `${ORIGIN}\n2\n${Buffer.from(root).toString("base64")}\n`;
      const earlierName = "pdl.test/log";
      const earlierId = sm3(
        Buffer.concat([Buffer.from(earlierName + "\n"), SM2_SIGNATURE_TYPE, Buffer.from(LOG_KEY.publicKey, "hex")]),
      ).subarray(0, 4);
      const sig = Buffer.from(sign(Buffer.from(body), LOG_KEY.privateKey), "hex");
      const text = `${body}\n\u2014 ${earlierName} ${Buffer.concat([earlierId, sig]).toString("base64")}\n`;
      const table = log.store.table<StoredCheckpoint>(TABLES.checkpoints);
      await log.store.write([
        table.putOp(sizeKey(2), {
          origin: ORIGIN,
          size: 2,
          rootHash: Buffer.from(root).toString("hex"),
          text,
          hash: checkpointHash(text),
          signedAt: Date.now(),
        }),
      ]);
      const cp = new Checkpointer(log, { origin: ORIGIN, privateKey: LOG_KEY.privateKey });
      await log.append([Buffer.from("c")]);
      const next = (await cp.checkpoint())!;
      expect(next.size).to.equal(3);
      expect(verifySignedCheckpoint(next.text, LOG_KEY.publicKey, ORIGIN).size).to.equal(3);
    } finally {
      await log.close();
    }
  });

  it("still verifies checkpoints signed under the earlier key ID (SM3) only where history is re-checked", () => {
    const earlierName = "pdl.test/log";
    const earlierId = sm3(
      Buffer.concat([Buffer.from(earlierName + "\n"), SM2_SIGNATURE_TYPE, Buffer.from(LOG_KEY.publicKey, "hex")]),
    ).subarray(0, 4);
    const sig = Buffer.from(sign(Buffer.from(BODY), LOG_KEY.privateKey), "hex");
    const earlier = `${BODY}\n\u2014 ${earlierName} ${Buffer.concat([earlierId, sig]).toString("base64")}\n`;
    throwsWith(() => verifySignedCheckpoint(earlier, LOG_KEY.publicKey, ORIGIN), "CHECKPOINT_SIGNATURE");
    expect(verifySignedCheckpoint(earlier, LOG_KEY.publicKey, ORIGIN, { acceptEarlierKeyIds: true }).size).to.equal(8);
    // The signature is still checked against the trusted key.
    const other = generateKeyPair();
    throwsWith(
      () => verifySignedCheckpoint(earlier, other.publicKey, ORIGIN, { acceptEarlierKeyIds: true }),
      "CHECKPOINT_SIGNATURE",
    );
  });
});
