import { fork } from "node:child_process";
import { Agent, request } from "node:http";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { badRequests, type FuzzRequest } from "../scenarios/bad-requests.ts";

/**
 * Sends `total` bad requests (scripts/scenarios/bad-requests.ts, from a fixed seed, fresh
 * nonces) to the service from its own process, so that generating and signing them costs the
 * service neither CPU nor memory. After every `every` answers it reports the statuses so far
 * and waits for the parent's go-ahead, so the parent can sample the service's memory between
 * rounds with nothing in flight.
 */
export interface SendJob {
  readonly host: string;
  readonly port: number;
  readonly total: number;
  readonly every: number;
  readonly concurrency: number;
  readonly seed: number;
  readonly agency: { readonly orgId: string; readonly privateKey: string };
  readonly routes: readonly string[];
}

export interface SendProgress {
  readonly sent: number;
  readonly statuses: Record<string, number>;
  /** The first few 5xx answers (there should be none). */
  readonly serverErrors: string[];
}

async function run(job: SendJob, report: (p: SendProgress) => Promise<void>): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const arbitrary = badRequests({ agency: job.agency, routes: job.routes, now: () => Math.floor(Date.now() / 1000) });
  const statuses: Record<string, number> = {};
  const serverErrors: string[] = [];
  let sent = 0;
  const one = (r: FuzzRequest) =>
    new Promise<void>((ok) => {
      const req = request(
        {
          host: job.host,
          port: job.port,
          method: r.method,
          path: r.path,
          agent,
          headers: { ...r.headers, "content-length": String(r.body.length) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const status = String(res.statusCode ?? 0);
            statuses[status] = (statuses[status] ?? 0) + 1;
            if ((res.statusCode ?? 0) >= 500 && serverErrors.length < 5)
              serverErrors.push(`${status} ${r.note}: ${Buffer.concat(chunks).toString("utf8").slice(0, 200)}`);
            ok();
          });
          res.on("error", () => ok());
        },
      );
      // A request the service cut (e.g. a body over the limit) counts as answered by a reset.
      req.on("error", () => {
        statuses.reset = (statuses.reset ?? 0) + 1;
        ok();
      });
      req.end(r.body);
    });
  let round = 0;
  while (sent < job.total) {
    const n = Math.min(job.every, job.total - sent);
    // One sample per round from its own seed: the same requests every run (up to fresh nonces).
    const batch = fc.sample(arbitrary, { seed: job.seed + round++, numRuns: n });
    let next = 0;
    await Promise.all(
      Array.from({ length: job.concurrency }, async () => {
        while (next < batch.length) await one(batch[next++]!);
      }),
    );
    sent += n;
    await report({ sent, statuses: { ...statuses }, serverErrors: [...serverErrors] });
  }
  agent.destroy();
}

/** Runs the sender in a child process; `onProgress` is awaited before the next round starts. */
export function sendInChild(job: SendJob, onProgress: (p: SendProgress) => Promise<void>): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ["--child"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise<void>((ok, fail) => {
    child.on("message", (m: { progress?: SendProgress; done?: true; error?: string }) => {
      if (m.progress)
        onProgress(m.progress).then(
          () => child.send("go"),
          (err: unknown) => {
            child.kill();
            fail(err as Error);
          },
        );
      else if (m.done) {
        child.disconnect();
        ok();
      } else if (m.error) fail(new Error(`bad-request sender: ${m.error}`));
    });
    child.once("error", fail);
    child.once("exit", (code) => {
      if (code !== 0 && code !== null) fail(new Error(`bad-request sender exited with ${code}`));
    });
    child.send(job);
  });
}

if (process.argv.includes("--child") && process.send) {
  process.once("message", (job: SendJob) => {
    const report = (progress: SendProgress) =>
      new Promise<void>((ok) => {
        process.once("message", () => ok());
        process.send!({ progress });
      });
    run(job, report).then(
      () => process.send!({ done: true }),
      (err: unknown) => process.send!({ error: err instanceof Error ? err.stack : String(err) }),
    );
  });
}
