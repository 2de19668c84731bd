import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../../ledger-service/src/config.ts";
import { startService } from "../../ledger-service/src/service.ts";
import { hopBody } from "../scenarios/fixtures.ts";
import { clientsFor, playStory } from "../scenarios/service-story.ts";
import { settleCompactions } from "./leveldb-settle.ts";

/**
 * A service data directory for bench:service that already holds `n` accepted records: the test
 * story (actors, resources, grant G1, product P1), then `n` lineage hops of P1 signed by the
 * operator, each submitted through the service's own write path in process (chain, index and
 * SM3 log, as over HTTP but without it), many in flight so they go to the chain in groups.
 * Built once and kept in a cache directory outside the repository; the benchmark copies it.
 * Every LevelDB store in it is then held open until its own compactions settle (see
 * `leveldb-settle.ts`): what a service that ran for a while leaves, not a bulk-written store.
 */
export interface ServiceHistory {
  readonly dir: string;
  /** Records in the log when the build ended. */
  readonly logSize: number;
  readonly hops: number;
}

export const HISTORY_PASSPHRASE = "bench-service";
const IN_FLIGHT = 256;

/** Directories under `dir` that are LevelDB stores. */
async function levelStores(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const path = join(dir, entry.name);
    if (existsSync(join(path, "CURRENT"))) out.push(path);
    else out.push(...(await levelStores(path)));
  }
  return out;
}

export async function serviceHistory(
  cache: string,
  n: number,
  config: Config,
  log: (s: string) => void,
): Promise<ServiceHistory> {
  const dir = join(cache, `hops-v1-${n}`);
  const meta = join(dir, "history.json");
  if (existsSync(meta)) return { ...(JSON.parse(await readFile(meta, "utf8")) as ServiceHistory), dir };
  const building = `${dir}.building`;
  await rm(building, { recursive: true, force: true });
  await mkdir(building, { recursive: true, mode: 0o700 });
  const service = await startService(
    { ...config, dataDir: building },
    { env: { LEDGER_AGENCY_PASSPHRASE: HISTORY_PASSPHRASE } },
  );
  let logSize: number;
  try {
    const c = clientsFor(service, `http://${config.host}:${service.address().port}`);
    await playStory(service, c);
    const started = Date.now();
    let next = 0;
    let done = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < n) {
          const i = next++;
          const signed = c.op.sign("lineage.hop", hopBody(`HIST-${String(i).padStart(7, "0")}`) as never);
          await service.records.submit(signed, { orgId: signed.record.actor, role: "operator" });
          if (++done % 10_000 === 0) log(`  ${done} of ${n} hops (${Date.now() - started} ms)`);
        }
      }),
    );
    logSize = service.log.size;
  } finally {
    await service.stop();
  }
  const settling = Date.now();
  for (const store of await levelStores(building)) await settleCompactions(store);
  log(`  compactions settled in ${Date.now() - settling} ms`);
  const history: ServiceHistory = { dir: building, logSize, hops: n };
  await writeFile(join(building, "history.json"), JSON.stringify(history));
  await rename(building, dir);
  return { ...history, dir };
}
