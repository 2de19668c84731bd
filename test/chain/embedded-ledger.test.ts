import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { generateKeyPair } from "../../core/crypto/sm2.ts";
import { LedgerError } from "../../core/errors.ts";
import { recordHash, signRecord, type LedgerRecord, type SignedRecord } from "../../core/record.ts";
import { usccCheckCharacter } from "../../core/uscc.ts";
import { EmbeddedLedger } from "../../ledger-service/src/chain/embedded/embedded-ledger.ts";
import { DEFAULTS, type Config } from "../../ledger-service/src/config.ts";
import { verifyReceiptOffline } from "../../ledger-service/src/log/receipt.ts";
import { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { startService } from "../../ledger-service/src/service.ts";

const AGENCY = "11440309PDL000001P";
const agencyKey = generateKeyPair();
const orgId = (n: number) => {
  const first17 = `91440300PDLE${String(n).padStart(5, "0")}`;
  return first17 + usccCheckCharacter(first17);
};
const sign = <O extends LedgerRecord["op"]>(op: O, body: unknown, key = agencyKey.privateKey, actor = AGENCY) =>
  signRecord({ v: 1, op, actor, nonce: randomBytes(16).toString("hex"), body } as LedgerRecord<O>, key);
const bootstrap = () =>
  sign("actor.bootstrap", { orgId: AGENCY, name: "Agency", role: "agency", publicKey: agencyKey.publicKey });
const register = (n: number) =>
  sign("actor.register", {
    orgId: orgId(n),
    name: `Org ${n}`,
    role: "operator",
    publicKey: generateKeyPair().publicKey,
  });

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("embedded chain: the chaincode engine on a durable LevelDB store", function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "pdl-embedded-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps blocks, state and events across a reopen, and continues the chain where it was", async () => {
    let chain = await EmbeddedLedger.open({ path: dir, wall: () => 1_800_000_000 });
    const genesis = (await chain.identify()).genesis;
    await chain.submit(bootstrap());
    const tx = await chain.submit(register(1));
    const before = await all(chain.events());
    await chain.close();

    chain = await EmbeddedLedger.open({ path: dir, wall: () => 1_800_000_100 });
    expect(await chain.identify()).to.deep.equal({ genesis, head: tx.blockNumber, registry: true });
    expect(await chain.view({ kind: "actor", id: orgId(1) })).to.include({ role: "operator" });
    expect((await all(chain.events())).map((e) => e.cursor)).to.deep.equal(before.map((e) => e.cursor));
    // Read back from the store, the events are the ones the chain gave from the records it had just executed.
    expect(await all(chain.events())).to.deep.equal(before);
    const next = await chain.submit(register(2));
    expect(next.blockNumber).to.equal(tx.blockNumber + 1);
    expect(next.blockTime).to.equal(1_800_000_100);
    // Resuming after the last event seen gives exactly the new one.
    const after = await all(chain.events(before.at(-1)!.cursor));
    expect(after.map((e) => e.txId)).to.deep.equal([next.txId]);
    await chain.close();
  });

  it("gives the events after a cursor from the blocks it just committed exactly as from the store", async () => {
    let chain = await EmbeddedLedger.open({ path: dir, wall: () => 1_800_000_000 });
    await chain.submit(bootstrap());
    await chain.submitBatch([register(1), register(2), register(3)]);
    await chain.submit(register(4));
    const cursors = (await all(chain.events())).map((e) => e.cursor);
    expect(cursors).to.have.length(5);
    // From memory: cursors inside the batch's block, at its end, and the last one.
    const fromMemory = await Promise.all(cursors.map(async (c) => all(chain.events(c))));
    expect(fromMemory.map((list) => list.length)).to.deep.equal([4, 3, 2, 1, 0]);
    await chain.close();
    chain = await EmbeddedLedger.open({ path: dir, wall: () => 1_800_000_100 });
    const fromStore = await Promise.all(cursors.map(async (c) => all(chain.events(c))));
    expect(fromMemory).to.deep.equal(fromStore);
    await chain.close();
  });

  it("runs a batch in one block, each record seeing the earlier ones; a refused record writes nothing", async () => {
    const chain = await EmbeddedLedger.open({ path: dir, wall: () => 1_800_000_000 });
    const records = [bootstrap(), register(1), register(1), register(2)];
    const outcomes = await chain.submitBatch(records);
    expect(outcomes.map((o) => o.ok)).to.deep.equal([true, true, false, true]);
    const refused = outcomes[2] as { ok: false; error: unknown };
    expect(refused.error).to.be.instanceOf(LedgerError);
    expect((refused.error as LedgerError).code).to.equal("DUPLICATE_ID");
    const blocks = new Set(
      outcomes.filter((o) => o.ok).map((o) => (o as { tx: { blockNumber: number } }).tx.blockNumber),
    );
    expect(blocks.size).to.equal(1);
    expect((await all(chain.events())).map((e) => e.signed.record.nonce)).to.deep.equal(
      [records[0], records[1], records[3]].map((r) => r!.record.nonce),
    );
    // A batch where everything is refused adds no block.
    const head = (await chain.identify()).head;
    const none = await chain.submitBatch([register(1)]);
    expect(none[0]!.ok).to.equal(false);
    expect((await chain.identify()).head).to.equal(head);
    await chain.close();
  });

  it("verifies SM2 record signatures itself, as the chaincode does", async () => {
    const chain = await EmbeddedLedger.open({ path: dir });
    await chain.submit(bootstrap());
    const forged: SignedRecord = { ...register(3), signature: register(4).signature };
    const err = await chain.submit(forged).catch((e: unknown) => e);
    expect((err as LedgerError).code).to.equal("BAD_SIGNATURE");
    await chain.close();
  });

  it("skips its own verification only for the exact record hash, signature and key the service verified", async () => {
    const chain = await EmbeddedLedger.open({ path: dir });
    await chain.submit(bootstrap());
    const refusal = async (signed: SignedRecord) =>
      ((await chain.submit(signed).catch((e: unknown) => e)) as LedgerError).code;
    // A forged signature that the service would have refused: vouching for anything else than
    // this very triple leaves it to the engine, which refuses it.
    const forged: SignedRecord = { ...register(5), signature: register(6).signature };
    const hash = recordHash(forged.record);
    chain.signatureVerified(hash, forged.signature, generateKeyPair().publicKey);
    chain.signatureVerified(hash, register(7).signature, agencyKey.publicKey);
    chain.signatureVerified(recordHash(register(8).record), forged.signature, agencyKey.publicKey);
    expect(await refusal(forged)).to.equal("BAD_SIGNATURE");
    expect(await chain.view({ kind: "actor", id: orgId(5) })).to.equal(undefined);
    // The triple itself is taken as verified (which is why only the service, having verified it, says so).
    chain.signatureVerified(hash, forged.signature, agencyKey.publicKey);
    await chain.submit(forged);
    expect(await chain.view({ kind: "actor", id: orgId(5) })).to.include({ role: "operator" });
    await chain.close();
  });

  it("loses no acknowledged block when the process is killed with SIGKILL", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "fixtures", "write-blocks.ts"), dir],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const acked: string[] = [];
    await new Promise<void>((resolve) => {
      let buffer = "";
      child.stdout.on("data", (chunk: Buffer) => {
        buffer += chunk.toString("utf8");
        const lines = buffer.split("\n");
        buffer = lines.pop() ?? "";
        for (const line of lines) if (line.startsWith("acked ")) acked.push(line.slice(6));
        if (acked.length >= 40 && !child.killed) {
          child.kill("SIGKILL");
          resolve();
        }
      });
    });
    await new Promise((resolve) => child.once("exit", resolve));
    const chain = await EmbeddedLedger.open({ path: dir });
    const events = await all(chain.events());
    const onChain = new Set(events.map((e) => e.recordHash));
    expect(acked.length).to.be.at.least(40);
    for (const hash of acked) expect(onChain.has(hash), `acknowledged ${hash}`).to.equal(true);
    // No half-written block: the head is the last block with events, each block holds both records.
    expect(events.at(-1)!.blockNumber).to.equal((await chain.identify()).head);
    expect(events.length % 2).to.equal(1);
    await chain.close();
  });
});

describe("embedded chain: a data directory written by the Hardhat engine migrates on open", function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "pdl-embedded-migrate-"));
    process.env.LEDGER_AGENCY_PASSPHRASE = "test passphrase";
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps every record, the index's cursor, the log and the receipts, and accepts new writes", async () => {
    const base: Config = {
      ...DEFAULTS,
      port: 0,
      dataDir: dir,
      logLevel: "silent",
      log: { ...DEFAULTS.log, anchorEverySeconds: 3600 },
    };
    const operator = generateKeyPair();
    let service = await startService({ ...base, embedded: { engine: "hardhat" } });
    const url = () => `http://127.0.0.1:${service.address().port}`;
    const agency = () =>
      new LedgerClient({
        baseUrl: url(),
        identity: { orgId: service.agencyOrgId, privateKey: service.keyring.agency.privateKey },
      });
    const written = [];
    for (let i = 0; i < 5; i++)
      written.push(
        await agency().submit("actor.register", {
          orgId: orgId(i),
          name: `Operator ${i}`,
          role: "operator",
          publicKey: (i === 0 ? operator : generateKeyPair()).publicKey,
        }),
      );
    await service.anchorNow();
    const size = service.log.size;
    const cursor = (await service.store.cursor()).cursor;
    await service.stop();
    expect(existsSync(join(dir, "ledger"))).to.equal(false);

    service = await startService({ ...base, embedded: { engine: "chaincode" } });
    expect(service.backend.ref.type).to.equal("embedded");
    expect(existsSync(join(dir, "ledger"))).to.equal(true);
    expect(service.log.size).to.equal(size);
    expect((await service.store.cursor()).cursor).to.equal(cursor);
    for (let i = 0; i < 5; i++)
      expect(await service.backend.view({ kind: "actor", id: orgId(i) })).to.include({ role: "operator" });
    // The migrated events keep their transactions and positions.
    const events = await all(service.backend.events());
    for (const w of written) expect(events.find((e) => e.recordHash === w.recordHash)?.txId).to.equal(w.tx.txId);
    const receipt = await agency().get<{ receipt?: unknown }>(`/v1/receipts/${written[0]!.recordHash}`);
    expect(verifyReceiptOffline(receipt.receipt ?? receipt, service.keyring.log.publicKey).ok).to.equal(true);
    // New writes land after the migrated history, and the rules see it (a duplicate id is refused).
    const next = await agency().submit("actor.register", {
      orgId: orgId(10),
      name: "Operator 10",
      role: "operator",
      publicKey: generateKeyPair().publicKey,
    });
    expect(next.tx.blockNumber).to.be.greaterThan(written.at(-1)!.tx.blockNumber);
    const dup = await agency().raw(
      "POST",
      "/v1/records",
      agency().sign("actor.register", {
        orgId: orgId(1),
        name: "again",
        role: "operator",
        publicKey: operator.publicKey,
      }),
    );
    expect((dup.json as { error: { code: string } }).error.code).to.equal("DUPLICATE_ID");
    await service.stop();
    // A second open does not migrate again.
    service = await startService({ ...base, embedded: { engine: "chaincode" } });
    expect(service.log.size).to.equal(size + 1);
    await service.stop();
  });
});
