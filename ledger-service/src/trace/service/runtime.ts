import { join, resolve } from "node:path";
import { FingerprintStore } from "../fingerprint-store.ts";
import { FingerprintIntake } from "./intake.ts";
import { storageKeyFrom, TraceVault } from "./custody.ts";

/**
 * What the service's trace routes work with, opened on first use under <dataDir>/trace:
 *
 *   master.sealed   the trace master secret, SM4-sealed (custody.ts)
 *   fingerprints/   the fingerprint store (LevelDB): handles, leaf hashes, delivery metadata and
 *                   SM4-sealed delivery keys; never a record value
 *   staging/        fingerprint uploads in progress (intake.ts)
 *
 * One runtime per data directory and process, shared by every service started on it (a service
 * restarted in the same process finds the store already open: LevelDB allows one opener). Closed
 * by `closeTraceRuntimes`, which runs before the process exits.
 */
export interface TraceRuntime {
  readonly vault: TraceVault;
  readonly store: FingerprintStore;
  readonly intake: FingerprintIntake;
}

const runtimes = new Map<string, Promise<TraceRuntime>>();

async function openRuntime(dir: string, agencyPrivateKey: string): Promise<TraceRuntime> {
  const storageKey = storageKeyFrom(agencyPrivateKey);
  const vault = await TraceVault.open(dir, storageKey);
  const store = await FingerprintStore.open(join(dir, "fingerprints"), { storageKey });
  const intake = new FingerprintIntake(join(dir, "staging"), store, (org, id) => vault.deliveryKeys(org, id));
  return { vault, store, intake };
}

export function traceRuntime(dataDir: string, agencyPrivateKey: string): Promise<TraceRuntime> {
  const dir = join(resolve(dataDir), "trace");
  let runtime = runtimes.get(dir);
  if (!runtime) {
    runtime = openRuntime(dir, agencyPrivateKey);
    runtimes.set(dir, runtime);
    runtime.catch(() => runtimes.delete(dir));
  }
  return runtime;
}

/** Closes the runtime of one data directory (after its service stopped), if it was opened. */
export async function closeTraceRuntime(dataDir: string): Promise<void> {
  const dir = join(resolve(dataDir), "trace");
  const runtime = runtimes.get(dir);
  runtimes.delete(dir);
  await (await runtime?.catch(() => undefined))?.store.close();
}

export async function closeTraceRuntimes(): Promise<void> {
  const open = [...runtimes.values()];
  runtimes.clear();
  for (const r of open) await (await r.catch(() => undefined))?.store.close();
}

process.once("beforeExit", () => void closeTraceRuntimes());
