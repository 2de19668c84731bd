import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { spawn } from "node:child_process";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULTS, type Config } from "../../ledger-service/src/config.ts";
import { startService } from "../../ledger-service/src/service.ts";
import { hopBody } from "../../scripts/scenarios/fixtures.ts";
import { clientsFor, playStory } from "../../scripts/scenarios/service-story.ts";

/**
 * A data directory that already holds history: the test story, then `records` lineage hops,
 * written through the service on the default backend. Built once per version of the code that
 * decides the directory's contents (the chain backends, the contracts, the log, the indexes,
 * the lockfile) and cached outside the repository (PDL_RELIABILITY_CACHE, default
 * ~/.cache/pdl-reliability); each run works on a fresh copy.
 */
export const PASSPHRASE = "reliability suite";

export interface History {
  /** The cached directory (never written by the suite). */
  readonly dir: string;
  readonly records: number;
  readonly agency: { readonly orgId: string; readonly privateKey: string };
}

const SOURCES = [
  "ledger-service/src/chain",
  "ledger-service/src/log",
  "ledger-service/src/indexes",
  "contracts",
  "core",
  "chaincode/src",
];

function codeVersion(root: string): string {
  const hash = createHash("sha256");
  const walk = (path: string) => {
    const st = statSync(path);
    if (st.isDirectory()) for (const name of readdirSync(path).sort()) walk(join(path, name));
    else {
      hash.update(relative(root, path));
      hash.update(readFileSync(path));
    }
  };
  for (const s of SOURCES) walk(join(root, s));
  hash.update(readFileSync(join(root, "package-lock.json")));
  return hash.digest("hex").slice(0, 16);
}

export async function history(root: string, records: number, say: (line: string) => void): Promise<History> {
  const cache = process.env.PDL_RELIABILITY_CACHE ?? join(homedir(), ".cache", "pdl-reliability");
  const dir = join(cache, `history-${records}-${codeVersion(root)}`);
  const meta = join(dir, "..", `${dir.split("/").at(-1)}.json`);
  if (existsSync(dir) && existsSync(meta)) {
    say(`history: reusing ${records} records from the cache (${dir})`);
    return { dir, records, agency: JSON.parse(readFileSync(meta, "utf8")) as History["agency"] };
  }
  mkdirSync(cache, { recursive: true, mode: 0o700 });
  const building = `${dir}.building`;
  rmSync(building, { recursive: true, force: true });
  const started = Date.now();
  // Built in a process of its own: nothing of that service (timers, open stores) outlives it here.
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(import.meta.url), "--build", String(records), building, meta],
    { cwd: root, stdio: ["ignore", "inherit", "inherit"] },
  );
  const code = await new Promise<number | null>((ok) => child.once("exit", ok));
  if (code !== 0) throw new Error(`building the history failed (exit ${code})`);
  renameSync(building, dir);
  say(`history: built ${records} records in ${((Date.now() - started) / 1000).toFixed(0)} s (${dir})`);
  return { dir, records, agency: JSON.parse(readFileSync(meta, "utf8")) as History["agency"] };
}

async function build(records: number, building: string, meta: string): Promise<void> {
  const config: Config = {
    ...DEFAULTS,
    port: 0,
    dataDir: building,
    logLevel: "silent",
    http: { ...DEFAULTS.http, ratePerCaller: 1e9 },
  };
  const service = await startService(config, { env: { LEDGER_AGENCY_PASSPHRASE: PASSPHRASE } });
  const agency = { orgId: service.agencyOrgId, privateKey: service.keyring.agency.privateKey };
  try {
    const base = `http://127.0.0.1:${service.address().port}`;
    const clients = clientsFor(service, base);
    await playStory(service, clients);
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < records) {
          const i = next++;
          await clients.op.submit("lineage.hop", hopBody(`HIST-${String(i).padStart(7, "0")}`) as never);
          if (i % 2000 === 1999) console.log(`history: ${i + 1} of ${records} records`);
        }
      }),
    );
  } finally {
    await service.stop();
  }
  writeFileSync(meta, JSON.stringify(agency), { mode: 0o600 });
}

if (process.argv[2] === "--build") {
  await build(Number(process.argv[3]), process.argv[4]!, process.argv[5]!);
  process.exit(0);
}

/** A working copy of the history, owner-only like the service's own directories. */
export function copyOf(h: History, into: string): string {
  cpSync(h.dir, into, { recursive: true });
  return into;
}
