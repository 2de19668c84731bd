import { randomBytes } from "node:crypto";
import { signRecord, type LedgerRecord } from "../../core/record.ts";
import { EmbeddedLedger } from "../../ledger-service/src/chain/embedded/embedded-ledger.ts";
import { openHardhatEmbedded } from "../../ledger-service/src/chain/embedded/hardhat-embedded.ts";
import type { LedgerBackend } from "../../ledger-service/src/chain/backend.ts";
import { createLogger } from "../../ledger-service/src/logger.ts";
import { orgIdOf, type History } from "./restart-history.ts";
import { join } from "node:path";

/**
 * One restart, in a process of its own: open the embedded chain on a built history, read the
 * newest organisation's state and check a new record against the rules (a dry run, so the cached
 * history is left as it was). Prints one JSON line: the time from the start of the open to the
 * answer of the dry run, and the process's RSS before the open and after the dry run.
 *
 * argv: <chaincode|hardhat> <history.json as JSON>
 */
const [engine, raw] = process.argv.slice(2);
const history = JSON.parse(raw!) as History;
const MB = 1024 * 1024;
const probe = signRecord(
  {
    v: 1,
    op: "actor.register",
    actor: history.agency.orgId,
    nonce: randomBytes(16).toString("hex"),
    body: { orgId: orgIdOf(9_999_999), name: "Probe", role: "operator", publicKey: history.agency.publicKey },
  } as LedgerRecord,
  history.agency.privateKey,
);
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
let backend: LedgerBackend;
if (engine === "chaincode") backend = await EmbeddedLedger.open({ path: join(history.dir, "ledger") });
else backend = (await openHardhatEmbedded(history.dir, history.relayPrivateKey!, createLogger("silent"))).backend;
const actor = await backend.view({ kind: "actor", id: history.probeOrg });
if (!actor) throw new Error(`the reopened chain does not hold ${history.probeOrg}`);
await backend.simulate(probe);
const ms = performance.now() - started;
const rss = process.memoryUsage().rss;
await backend.close();
console.log(JSON.stringify({ ms, rssBeforeMB: rssBefore / MB, rssMB: rss / MB }));
