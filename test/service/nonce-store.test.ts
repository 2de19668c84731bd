import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ClassicLevel } from "classic-level";
import { NonceStore } from "../../ledger-service/src/http/nonce-store.ts";

/** The replay memory of signed requests, on a real LevelDB: concurrent claims are written together. */
describe("nonce store", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "pdl-nonces-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const open = async () => {
    const db = new ClassicLevel<string, unknown>(dir, { valueEncoding: "json" });
    await db.open();
    const store = new NonceStore(db, 300);
    await store.open(1_800_000_000);
    return { db, store };
  };

  it("claims each nonce once, also among concurrent claims, and remembers every claim across a reopen", async () => {
    let { db, store } = await open();
    const nonce = (i: number) => i.toString(16).padStart(32, "0");
    const claims = await Promise.all([
      ...Array.from({ length: 50 }, (_, i) => store.claim("A", nonce(i), 1_800_000_000)),
      store.claim("A", nonce(7), 1_800_000_000),
      store.claim("B", nonce(7), 1_800_000_000),
    ]);
    expect(claims.filter((c) => c)).to.have.length(51);
    expect(claims[50], "the same actor's nonce again, in the same turn").to.equal(false);
    expect(claims[51], "another actor's nonce of the same value").to.equal(true);
    store.close();
    await db.close();

    ({ db, store } = await open());
    const again = await Promise.all(Array.from({ length: 50 }, (_, i) => store.claim("A", nonce(i), 1_800_000_001)));
    expect(again.every((c) => !c)).to.equal(true);
    expect(await store.claim("B", nonce(7), 1_800_000_001)).to.equal(false);
    expect(await store.claim("B", nonce(8), 1_800_000_001)).to.equal(true);
    store.close();
    await db.close();
  });
});
