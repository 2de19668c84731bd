import { existsSync } from "node:fs";
import { readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { SignedRecord } from "../../../../core/record.ts";
import type { Logger } from "../../logger.ts";
import type { ChainEvent } from "../backend.ts";
import { EMBEDDED_GENESIS } from "./embedded-chain.ts";
import { EmbeddedLedger } from "./embedded-ledger.ts";
import { openHardhatEmbedded } from "./hardhat-embedded.ts";

/** Where the chaincode engine's store lives in a data directory, and the Hardhat journal before it. */
export const LEDGER_DIR = "ledger";
export const JOURNAL_DIR = "chain";

/**
 * Moves a data directory written by the Hardhat embedded chain (a journal of EVM transactions
 * replayed at every start) onto the chaincode engine's durable store, once: the journal is
 * replayed one last time, and every accepted record is executed again by the rule engine in
 * its original block, at its original block time, with its original transaction hash and event
 * position, so the indexes' cursor, the receipts' transaction references and the log stay
 * valid. The store is built beside the data (`ledger.migrating`) and renamed into place only
 * when every record was accepted again; an interrupted or failing migration leaves the data
 * directory as it was, to be tried again at the next start. The journal stays (unused).
 */
export async function migrateJournalIfPresent(
  dataDir: string,
  relayPrivateKey: string,
  logger: Logger,
): Promise<boolean> {
  const target = join(dataDir, LEDGER_DIR);
  if (existsSync(target) || !existsSync(join(dataDir, JOURNAL_DIR))) return false;
  const building = join(dataDir, `${LEDGER_DIR}.migrating`);
  await rm(building, { recursive: true, force: true });
  const started = Date.now();
  const { backend: old, replayed } = await openHardhatEmbedded(dataDir, relayPrivateKey, logger);
  const genesis = Math.floor(Date.parse(EMBEDDED_GENESIS) / 1000);
  const ledger = await EmbeddedLedger.open({ path: building, wall: () => genesis });
  let records = 0;
  try {
    let block:
      { number: number; time: number; items: { signed: SignedRecord; txId: string; index: number }[] } | undefined;
    const flush = async () => {
      if (block) await ledger.importBlock(block.number, block.time, block.items);
      block = undefined;
    };
    for await (const e of old.events() as AsyncIterable<ChainEvent>) {
      if (block && block.number !== e.blockNumber) await flush();
      block ??= { number: e.blockNumber, time: e.blockTime, items: [] };
      block.items.push({ signed: e.signed, txId: e.txId, index: Number(e.cursor.split(":")[1]) });
      records += 1;
    }
    await flush();
    await ledger.store.putMeta(
      "migrated-from",
      JSON.stringify({
        from: "hardhat-journal",
        chainId: old.ref.chainId,
        registry: old.ref.contract,
        journalTransactions: replayed,
        records,
      }),
    );
  } finally {
    await ledger.close();
    await old.close();
  }
  // The data directory's chain identity was the EVM's: the next start records the new chain's
  // (removed first: a start interrupted before the rename migrates again).
  const chainFile = join(dataDir, "chain.json");
  if (existsSync(chainFile)) {
    const saved = JSON.parse(await readFile(chainFile, "utf8")) as { type?: string };
    if (saved.type === "evm") await rm(chainFile);
  }
  await rename(building, target);
  logger.info(
    { records, journalTransactions: replayed, ms: Date.now() - started },
    "migrated the embedded chain from its Hardhat journal to the chaincode engine's store",
  );
  return true;
}
