import { join } from "node:path";
import { DEFAULTS, type Config } from "../../ledger-service/src/config.ts";
import { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { rebuildIndexes } from "../../ledger-service/src/reindex.ts";
import { startService } from "../../ledger-service/src/service.ts";
import { MEMBERS, org } from "../../scripts/scenarios/world.ts";
import { PASSPHRASE, type History } from "./history.ts";
import { kill9, startServiceProcess, stopGracefully, type ServiceProcess } from "./service-process.ts";
import { startLoad } from "./load.ts";
import { CheckpointWatch, fail, judge, type Counts, type Sent } from "./truth.ts";

/**
 * kill -9 of the service under load, `rounds` times, on a copy of a directory that already
 * holds history. Each round: start (`npm start`'s entry point), `writers` clients writing
 * distinct lineage hops as fast as they are answered, checkpoints followed, then SIGKILL at a
 * random moment. After each restart every write acknowledged so far (201, or 202 followed to
 * its receipt) must be in the index and have a receipt that verifies; no write may be half
 * there (indexed without a receipt or the other way round); every checkpoint must extend the
 * last one seen. At the end the indexes are rebuilt from the chain alone and every acknowledged
 * write must be there too (on chain).
 */
export interface Kill9Options {
  readonly root: string;
  readonly dir: string;
  readonly history: History;
  readonly rounds: number;
  readonly writers: number;
  /** The load runs for a random time in [min, max) ms before the kill. */
  readonly loadMs: readonly [number, number];
  readonly say: (line: string) => void;
}

const env = (dir: string): Record<string, string> => ({
  LEDGER_DATA_DIR: dir,
  LEDGER_AGENCY_PASSPHRASE: PASSPHRASE,
  LOG_LEVEL: "warn",
  LEDGER_RATE_PER_CALLER: "100000000",
  LEDGER_CHECKPOINT_EVERY_MS: "200",
  LEDGER_ANCHOR_EVERY_SECONDS: "1",
});

export async function killUnderLoad(o: Kill9Options, counts: Counts): Promise<void> {
  const watch = new CheckpointWatch(counts);
  const all: Sent[] = [];
  const logFile = join(o.dir, "..", "service.log");
  const client = (base: string) =>
    new LedgerClient({ baseUrl: base, identity: { orgId: org("op"), privateKey: MEMBERS.op.sm2PrivateKey } });
  let p: ServiceProcess | undefined;
  const starts: number[] = [];
  try {
    for (let round = 0; round <= o.rounds; round++) {
      p = await startServiceProcess(o.root, env(o.dir), logFile);
      starts.push(p.startMs);
      const op = client(p.base);
      await watch.observe(p.base);
      await judge(op, all, watch.logKey, counts, round === o.rounds);
      if (round === o.rounds) break;

      const load = startLoad({
        op,
        base: p.base,
        prefix: `K9-${round}`,
        writers: o.writers,
        all,
        counts,
        watch,
        watchEveryMs: 150,
        onConnectionError: "stop",
      });
      const [lo, hi] = o.loadMs;
      await new Promise((ok) => setTimeout(ok, lo + Math.random() * (hi - lo)));
      await kill9(p);
      await load.stop();
      const answered = all.filter((s) => s.answer.kind === "accepted").length;
      o.say(
        `kill -9 ${round + 1}/${o.rounds}: started in ${p.startMs} ms, ${all.length} writes sent, ${answered} acknowledged so far`,
      );
    }
  } finally {
    if (p) await stopGracefully(p);
  }

  // On chain: the indexes rebuilt from the chain alone hold every acknowledged write.
  const config: Config = { ...DEFAULTS, port: 0, dataDir: o.dir, logLevel: "silent" };
  const env0 = { LEDGER_AGENCY_PASSPHRASE: PASSPHRASE };
  // The admin command reads the passphrase from the environment, as `npm run reindex` does.
  process.env.LEDGER_AGENCY_PASSPHRASE = PASSPHRASE;
  const rebuilt = await rebuildIndexes(config);
  const service = await startService(config, { env: env0 });
  try {
    for (const s of all) {
      const onChain = (await service.store.entryByHash(s.hash)) !== undefined;
      if (s.answer.kind === "accepted" && !onChain) fail(counts, "lost", `${s.id}: acknowledged, not on chain`);
      if (s.answer.kind === "not-sent" && onChain)
        fail(counts, "untruthful", `${s.id}: answered 503 (nothing written), on chain`);
    }
  } finally {
    await service.stop();
  }
  o.say(
    `kill -9: ${o.rounds} kills; starts ${Math.min(...starts)}–${Math.max(...starts)} ms; ` +
      `indexes rebuilt from the chain: ${rebuilt.events} events, log ${rebuilt.logSize} entries`,
  );
}
