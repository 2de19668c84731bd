import { createHash } from "node:crypto";
import { expect } from "chai";
import { generateKeyPair } from "../../core/crypto/sm2.ts";
import { sm3 } from "../../core/crypto/sm3.ts";
import {
  checkpointHash,
  Checkpointer,
  checkSignedCheckpoint,
  formatCheckpoint,
  keyId,
  MerkleLog,
  parseCheckpoint,
  signCheckpoint,
  SM2_SIGNATURE_TYPE,
  TABLES,
  sizeKey,
  verifyConsistency,
  verifySignedCheckpoint,
  type StoredCheckpoint,
} from "../../ledger-service/src/log/index.ts";
import { LOG_KEY, rejectsWith, tempDirs, throwsWith } from "./helpers.ts";
import { hex, SM3_ROOTS } from "./reference.ts";

const ROOT8 = Buffer.from(SM3_ROOTS[8]!, "hex");
const BODY = `pdl.test/log/sm3\n8\n${ROOT8.toString("base64")}\n`;

describe("checkpoints (checkpoint.ts)", () => {
  it("formats and parses the C2SP tlog-checkpoint body", () => {
    expect(formatCheckpoint({ origin: "pdl.test/log/sm3", size: 8, rootHash: ROOT8 })).to.equal(BODY);
    const cp = parseCheckpoint(BODY);
    expect(cp.origin).to.equal("pdl.test/log/sm3");
    expect(cp.size).to.equal(8);
    expect(hex(cp.rootHash)).to.equal(SM3_ROOTS[8]);
    expect(parseCheckpoint(BODY + "ext line\n").extensions).to.deep.equal(["ext line"]);
  });

  it("rejects malformed bodies with CHECKPOINT_MALFORMED", () => {
    const b64 = ROOT8.toString("base64");
    for (const bad of [
      "",
      "pdl.test/log/sm3\n8\n",
      `pdl.test/log/sm3\n8\n${b64}`, // no final newline
      `\n8\n${b64}\n`, // empty origin
      `pdl.test/log/sm3\n08\n${b64}\n`, // leading zero
      `pdl.test/log/sm3\n-1\n${b64}\n`,
      `pdl.test/log/sm3\n99999999999999999\n${b64}\n`, // beyond 2^53
      `pdl.test/log/sm3\n8\n${b64.slice(0, -4)}\n`, // short root
      `pdl.test/log/sm3\n8\n${Buffer.concat([ROOT8, Buffer.of(0)]).toString("base64")}\n`, // long root
      `pdl.test/log/sm3\n8\n${b64.replace("=", "")}\n`, // non-canonical base64
      `pdl.test/log/sm3\n8\n${b64}\n\u0007\n`, // control character
    ]) {
      throwsWith(() => parseCheckpoint(bad), "CHECKPOINT_MALFORMED");
    }
    throwsWith(() => formatCheckpoint({ origin: "a\nb", size: 1, rootHash: ROOT8 }), "CHECKPOINT_MALFORMED");
    throwsWith(() => formatCheckpoint({ origin: "a", size: 1.5, rootHash: ROOT8 }), "CHECKPOINT_MALFORMED");
    throwsWith(() => formatCheckpoint({ origin: "a", size: 1, rootHash: ROOT8.subarray(1) }), "CHECKPOINT_MALFORMED");
  });

  it('signs a signed note with an SM2 line whose key ID is SHA-256(name ‖ 0x0A ‖ 0xff ‖ "SM2-SM3" ‖ key)[:4]', () => {
    const note = signCheckpoint(BODY, LOG_KEY.privateKey, LOG_KEY.keyName);
    expect(note.startsWith(BODY + "\n\u2014 pdl.test/log/sm3 ")).to.equal(true);
    const blob = Buffer.from(
      note
        .slice(BODY.length + 1)
        .split(" ")[2]!
        .trim(),
      "base64",
    );
    expect(blob.length).to.equal(4 + 64);
    expect(hex(SM2_SIGNATURE_TYPE)).to.equal("ff" + Buffer.from("SM2-SM3").toString("hex"));
    // signed-note's recommended key ID, computed here with Node's own SHA-256.
    const expected = createHash("sha256")
      .update(
        Buffer.concat([Buffer.from("pdl.test/log/sm3\n"), SM2_SIGNATURE_TYPE, Buffer.from(LOG_KEY.publicKey, "hex")]),
      )
      .digest()
      .subarray(0, 4);
    expect(hex(blob.subarray(0, 4))).to.equal(hex(expected));
    expect(hex(keyId(LOG_KEY.keyName, LOG_KEY.publicKey))).to.equal(hex(expected));
    const cp = verifySignedCheckpoint(note, LOG_KEY.publicKey, LOG_KEY.keyName);
    expect(cp.size).to.equal(8);
    expect(hex(cp.rootHash)).to.equal(SM3_ROOTS[8]);
    // The fields form and the text form sign the same body.
    expect(
      verifySignedCheckpoint(
        signCheckpoint(parseCheckpoint(BODY), LOG_KEY.privateKey, LOG_KEY.keyName),
        LOG_KEY.publicKey,
        LOG_KEY.keyName,
      ).size,
    ).to.equal(8);
    expect(checkpointHash(note)).to.equal(hex(sm3(Buffer.from(note, "utf8"))));
  });

  it("refuses to sign anything but a checkpoint body under a valid key name", () => {
    throwsWith(() => signCheckpoint("hello\n", LOG_KEY.privateKey, LOG_KEY.keyName), "CHECKPOINT_MALFORMED");
    throwsWith(() => signCheckpoint(BODY, LOG_KEY.privateKey, "has space"), "CHECKPOINT_MALFORMED");
    throwsWith(() => signCheckpoint(BODY, LOG_KEY.privateKey, "a+b"), "CHECKPOINT_MALFORMED");
  });

  it("rejects every tampering: body, signature, key, key name, key ID, format", () => {
    const note = signCheckpoint(BODY, LOG_KEY.privateKey, LOG_KEY.keyName);
    const [body, sigLine] = [note.slice(0, BODY.length), note.slice(BODY.length + 1)];
    const blob = Buffer.from(sigLine.split(" ")[2]!.trim(), "base64");
    const line = (b: Buffer, name = LOG_KEY.keyName) => `\u2014 ${name} ${b.toString("base64")}\n`;
    const flipped = (at: number) => {
      const c = Buffer.from(blob);
      c[at]! ^= 1;
      return c;
    };
    const cases: [string, string, string][] = [
      ["size changed", note.replace("\n8\n", "\n9\n"), "CHECKPOINT_SIGNATURE"],
      ["origin changed", note.replace("pdl.test/log/sm3", "pdl.test/log/sm4"), "CHECKPOINT_SIGNATURE"],
      [
        "root changed",
        note.replace(ROOT8.toString("base64"), Buffer.from(SM3_ROOTS[7]!, "hex").toString("base64")),
        "CHECKPOINT_SIGNATURE",
      ],
      ["signature bit flipped", `${body}\n${line(flipped(40))}`, "CHECKPOINT_SIGNATURE"],
      ["key ID changed (unknown key)", `${body}\n${line(flipped(0))}`, "CHECKPOINT_SIGNATURE"],
      ["other key name", `${body}\n${line(blob, "someone.else/log")}`, "CHECKPOINT_SIGNATURE"],
      ["truncated signature", `${body}\n${line(blob.subarray(0, 60))}`, "CHECKPOINT_SIGNATURE"],
      ["no signature", `${body}\n`, "CHECKPOINT_MALFORMED"],
      ["no blank line", `${body}${sigLine}`, "CHECKPOINT_MALFORMED"],
      ["no final newline", note.slice(0, -1), "CHECKPOINT_MALFORMED"],
      ["hyphen for em dash", `${body}\n${sigLine.replace("\u2014", "-")}`, "CHECKPOINT_MALFORMED"],
      ["control character", note.replace("pdl.test/log/sm3", "pdl.test/log/sm3\u0000"), "CHECKPOINT_MALFORMED"],
    ];
    for (const [what, text, code] of cases) {
      expect(() => verifySignedCheckpoint(text, LOG_KEY.publicKey, LOG_KEY.keyName), what)
        .to.throw()
        .with.property("code", code);
      expect(checkSignedCheckpoint(text, LOG_KEY.publicKey, LOG_KEY.keyName).ok, what).to.equal(false);
    }
    const other = generateKeyPair();
    throwsWith(() => verifySignedCheckpoint(note, other.publicKey, LOG_KEY.keyName), "CHECKPOINT_SIGNATURE");
    throwsWith(() => verifySignedCheckpoint(note, LOG_KEY.publicKey, "pdl.test/other"), "CHECKPOINT_SIGNATURE");
  });

  it("ignores signatures by other keys (signed-note cosigners), but not a bad one by ours", () => {
    const witness = generateKeyPair();
    const ours = signCheckpoint(BODY, LOG_KEY.privateKey, LOG_KEY.keyName);
    const theirs = signCheckpoint(BODY, witness.privateKey, "witness.example/w1");
    const both = ours + theirs.slice(BODY.length + 1);
    expect(verifySignedCheckpoint(both, LOG_KEY.publicKey, LOG_KEY.keyName).size).to.equal(8);
    expect(verifySignedCheckpoint(both, witness.publicKey, "witness.example/w1").size).to.equal(8);
    const forged =
      both +
      `\u2014 ${LOG_KEY.keyName} ${Buffer.concat([keyId(LOG_KEY.keyName, LOG_KEY.publicKey), Buffer.alloc(64, 1)]).toString("base64")}\n`;
    throwsWith(() => verifySignedCheckpoint(forged, LOG_KEY.publicKey, LOG_KEY.keyName), "CHECKPOINT_SIGNATURE");
  });
});

describe("Checkpointer (checkpointer.ts)", () => {
  const dir = tempDirs("pdl-cp-");
  const data = (i: number) => Buffer.from(`record ${i}`);

  it("signs the current size, stores every checkpoint, and serves them by size", async () => {
    const log = await MerkleLog.open(dir());
    const cps = new Checkpointer(log, {
      origin: LOG_KEY.origin,
      keyName: LOG_KEY.keyName,
      privateKey: LOG_KEY.privateKey,
    });
    expect(await cps.checkpoint()).to.equal(undefined);
    await log.append([0, 1, 2].map(data));
    const a = (await cps.checkpoint())!;
    expect(a.size).to.equal(3);
    expect(a.rootHash).to.equal(hex(await log.root(3)));
    expect(a.text).to.match(
      /^pdl\.test\/log\/sm3\n3\n[A-Za-z0-9+/]{43}=\n\n\u2014 pdl\.test\/log\/sm3 [A-Za-z0-9+/]+=*\n$/,
    );
    expect(a.hash).to.equal(checkpointHash(a.text));
    expect(cps.verify(a.text).size).to.equal(3);
    expect(await cps.checkpoint(), "no growth, no new signature").to.deep.equal(a);
    await log.append([3, 4, 5, 6].map(data));
    const [b, b2] = await Promise.all([cps.checkpoint(), cps.checkpoint()]);
    expect(b!.size).to.equal(7);
    expect(b2).to.deep.equal(b);
    expect(await cps.checkpointAt(3)).to.deep.equal(a);
    expect(await cps.checkpointAt(5)).to.equal(undefined);
    expect(await cps.latest()).to.deep.equal(b);
    const sizes: number[] = [];
    for await (const cp of cps.all()) sizes.push(cp.size);
    expect(sizes).to.deep.equal([3, 7]);
    const proof = await cps.consistencyProof(3, 7);
    expect(verifyConsistency(3, 7, Buffer.from(a.rootHash, "hex"), Buffer.from(b!.rootHash, "hex"), proof)).to.equal(
      true,
    );
    await log.close();
    // Checkpoints survive a restart.
    const reopened = await MerkleLog.open(dir());
    expect(await new Checkpointer(reopened, LOG_KEY).latest()).to.deep.equal(b);
    await reopened.close();
  });

  it("never signs a head inconsistent with the previous checkpoint", async () => {
    const log = await MerkleLog.open(dir());
    const cps = new Checkpointer(log, LOG_KEY);
    await log.append([0, 1, 2].map(data));
    const good = (await cps.checkpoint())!;
    const table = log.store.table<StoredCheckpoint>(TABLES.checkpoints);
    const put = (cp: StoredCheckpoint) => log.store.write([table.putOp(sizeKey(cp.size), cp)]);

    // A stored checkpoint for a different tree (a fork), validly signed: the next signature is refused.
    const forkedRoot = Buffer.alloc(32, 7);
    const forkText = signCheckpoint(
      { origin: LOG_KEY.origin, size: 3, rootHash: forkedRoot },
      LOG_KEY.privateKey,
      LOG_KEY.keyName,
    );
    await put({ ...good, rootHash: hex(forkedRoot), text: forkText, hash: checkpointHash(forkText) });
    await log.append([data(3)]);
    await rejectsWith(cps.checkpoint(), "CHECKPOINT_INCONSISTENT");
    // The same at equal size.
    await put({
      ...good,
      size: 4,
      rootHash: hex(forkedRoot),
      text: signCheckpoint(
        { origin: LOG_KEY.origin, size: 4, rootHash: forkedRoot },
        LOG_KEY.privateKey,
        LOG_KEY.keyName,
      ),
    });
    await rejectsWith(cps.checkpoint(), "CHECKPOINT_INCONSISTENT");
    // A stored checkpoint whose fields disagree with its note, or that we did not sign.
    await put({ ...good, size: 4, rootHash: hex(await log.root(4)) });
    await rejectsWith(cps.checkpoint(), "CHECKPOINT_INCONSISTENT");
    // A checkpoint larger than the tree (the store lost entries).
    const bigText = signCheckpoint(
      { origin: LOG_KEY.origin, size: 9, rootHash: forkedRoot },
      LOG_KEY.privateKey,
      LOG_KEY.keyName,
    );
    await put({ ...good, size: 9, rootHash: hex(forkedRoot), text: bigText, hash: checkpointHash(bigText) });
    await rejectsWith(cps.checkpoint(), "CHECKPOINT_INCONSISTENT");
    await log.close();
  });
});
