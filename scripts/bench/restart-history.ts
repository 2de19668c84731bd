import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Wallet } from "ethers";
import { generateKeyPair } from "../../core/crypto/sm2.ts";
import { recordHash, signRecord, type LedgerRecord, type SignedRecord } from "../../core/record.ts";
import { usccCheckCharacter } from "../../core/uscc.ts";
import { K } from "../../chaincode/src/engine/state.ts";
import { Ledger } from "../../chaincode/src/ledger/ledger.ts";
import { EmbeddedLedger } from "../../ledger-service/src/chain/embedded/embedded-ledger.ts";
import { openHardhatEmbedded } from "../../ledger-service/src/chain/embedded/hardhat-embedded.ts";
import {
  BlockState,
  LedgerStore,
  type BlockTransaction,
} from "../../ledger-service/src/chain/embedded/ledger-store.ts";
import { createLogger } from "../../ledger-service/src/logger.ts";
import { settleCompactions, type LevelLayout } from "./leveldb-settle.ts";

/**
 * Histories for bench:restart, built once and kept in a cache directory outside the repository.
 *
 * - The chaincode engine's store: the agency's bootstrap and 256 signers' registrations run
 *   through the rule engine; then `n` more accepted records written straight into the store as
 *   the engine writes them (the organisation's actor state, the record's seen key, each key's
 *   history entry, the block transaction with the signed record and its event), 1,000 records a
 *   block. These bulk records are registrations of distinct organisations whose keys are the 256
 *   signers' in turn; their signatures are random bytes of the right length (the chain's start-up
 *   reads no record, and SM2 signing 1M records would take about 25 minutes on this machine).
 *   The store is then held open until LevelDB's own background compactions have settled
 *   (`leveldb-settle.ts`): written in seconds, it would otherwise carry a compaction debt that no
 *   service writing at its own pace leaves, and every start would pay part of it.
 * - The earlier Hardhat engine's journal: `n` transactions sent through that engine (the
 *   registry's deployment, the bootstrap, then one registration a transaction), as it wrote them.
 */
export interface History {
  readonly dir: string;
  readonly records: number;
  /** A registered organisation a probe reads. */
  readonly probeOrg: string;
  readonly agency: { orgId: string; privateKey: string; publicKey: string };
  /** Hardhat engine only. */
  readonly relayPrivateKey?: string;
  /** Chaincode engine only: the store's tables per level once its compactions settled. */
  readonly layout?: LevelLayout;
}

const AGENCY = "11440309PDL000001P";
const SIGNERS = 256;
const PER_BLOCK = 1000;

export const orgIdOf = (n: number): string => {
  const first17 = `9144030${String(n).padStart(10, "0")}`;
  return first17 + usccCheckCharacter(first17);
};

const nonce = () => randomBytes(16).toString("hex");
const registration = (n: number, publicKey: string) => ({
  orgId: orgIdOf(n),
  name: `Organisation ${n}`,
  role: "operator" as const,
  publicKey,
});

async function cached(dir: string, build: (building: string) => Promise<History>): Promise<History> {
  const meta = join(dir, "history.json");
  if (existsSync(meta)) return { ...(JSON.parse(await readFile(meta, "utf8")) as History), dir };
  const building = `${dir}.building`;
  await rm(building, { recursive: true, force: true });
  await mkdir(building, { recursive: true, mode: 0o700 });
  const history = await build(building);
  await writeFile(join(building, "history.json"), JSON.stringify(history));
  await rename(building, dir);
  return { ...history, dir };
}

/** The chaincode engine's store holding `n` accepted records (see above). */
export function chaincodeHistory(cache: string, n: number, log: (s: string) => void): Promise<History> {
  return cached(join(cache, `chaincode-v2-${n}`), async (building) => {
    const agency = { orgId: AGENCY, ...generateKeyPair() };
    const sign = (op: LedgerRecord["op"], body: unknown) =>
      signRecord({ v: 1, op, actor: AGENCY, nonce: nonce(), body } as LedgerRecord, agency.privateKey);
    const path = join(building, "ledger");
    const signers = Array.from({ length: SIGNERS }, () => generateKeyPair().publicKey);
    const chain = await EmbeddedLedger.open({ path });
    await chain.submit(
      sign("actor.bootstrap", { orgId: AGENCY, name: "Agency", role: "agency", publicKey: agency.publicKey }),
    );
    const seed = await chain.submitBatch(signers.map((key, i) => sign("actor.register", registration(i, key))));
    for (const o of seed) if (!o.ok) throw o.error;
    await chain.close();

    const store = new LedgerStore(path);
    await store.open(0);
    const started = Date.now();
    for (let first = SIGNERS; first < SIGNERS + n; first += PER_BLOCK) {
      const number = store.head.number + 1;
      const pending = new Map<string, string | null>();
      const history: { txId: string; writes: ReadonlyMap<string, string | null> }[] = [];
      const transactions: BlockTransaction[] = [];
      for (let i = first; i < Math.min(first + PER_BLOCK, SIGNERS + n); i++) {
        const record = {
          v: 1,
          op: "actor.register",
          actor: AGENCY,
          nonce: nonce(),
          body: registration(i, signers[i % SIGNERS]!),
        } as LedgerRecord<"actor.register">;
        const signed: SignedRecord = { record, signature: randomBytes(64).toString("hex") };
        const hash = recordHash(record);
        const state = new BlockState(store, pending);
        const ledger = new Ledger(state);
        ledger.put(K.actor, [record.body.orgId], record.body);
        ledger.put(K.seen, [hash], 1);
        await ledger.flush();
        for (const [key, value] of state.txWrites) pending.set(key, value);
        const txId = randomBytes(32).toString("hex");
        history.push({ txId, writes: state.txWrites });
        transactions.push({
          txId,
          index: transactions.length,
          event: "ActorRegistered",
          recordHash: hash,
          signed: JSON.stringify(signed),
        });
      }
      await store.appendBlock({ number, time: store.head.time + 1, transactions }, { writes: pending, history });
      if (number % 100 === 0) log(`  ${first - SIGNERS + PER_BLOCK} of ${n} records (${Date.now() - started} ms)`);
    }
    await store.close();
    const settling = Date.now();
    const layout = await settleCompactions(path);
    log(`  compactions settled in ${Date.now() - settling} ms: tables per level ${layout.files.join(" ")}`);
    return { dir: building, records: n + SIGNERS + 1, probeOrg: orgIdOf(SIGNERS + n - 1), agency, layout };
  });
}

/** The Hardhat engine's journal of `n` transactions (see above). */
export function hardhatHistory(cache: string, n: number): Promise<History> {
  return cached(join(cache, `hardhat-v1-${n}`), async (building) => {
    const agency = { orgId: AGENCY, ...generateKeyPair() };
    const relay = Wallet.createRandom();
    const sign = (op: LedgerRecord["op"], body: unknown) =>
      signRecord({ v: 1, op, actor: AGENCY, nonce: nonce(), body } as LedgerRecord, agency.privateKey);
    const { backend } = await openHardhatEmbedded(building, relay.privateKey, createLogger("silent"));
    await backend.submit(
      sign("actor.bootstrap", {
        orgId: AGENCY,
        name: "Agency",
        role: "agency",
        publicKey: agency.publicKey,
        evmAddress: relay.address.toLowerCase(),
      }),
    );
    // The deployment and the bootstrap are the first two transactions.
    for (let i = 0; i < n - 2; i++) await backend.submit(sign("actor.register", registration(i, agency.publicKey)));
    await backend.close();
    return { dir: building, records: n - 1, probeOrg: orgIdOf(n - 3), agency, relayPrivateKey: relay.privateKey };
  });
}
