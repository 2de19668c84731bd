import { fork } from "node:child_process";
import { Agent, request } from "node:http";
import { fileURLToPath } from "node:url";

/**
 * A closed-loop HTTP load generator for the service benchmark, run in its own process so that
 * it neither shares the service's event loop nor counts in its CPU time: `concurrency` workers
 * each send the next prepared request as soon as their previous one has answered, over
 * keep-alive connections on loopback. Requests are prepared (signed) beforehand by the caller,
 * so the generator only does HTTP.
 */
export interface PreparedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface LoadJob {
  readonly host: string;
  readonly port: number;
  readonly concurrency: number;
  readonly requests: readonly PreparedRequest[];
}

export interface LoadResult {
  /** Per-request latency, ms, in completion order. */
  readonly latenciesMs: number[];
  readonly wallMs: number;
  /** Count per HTTP status. */
  readonly statuses: Record<string, number>;
  /** The first few non-2xx answers. */
  readonly errors: string[];
  /** CPU the generator itself used during the run (user + system), ms: its share of the machine. */
  readonly cpuMs: number;
}

async function run(job: LoadJob): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const latenciesMs: number[] = [];
  const statuses: Record<string, number> = {};
  const errors: string[] = [];
  let next = 0;
  const cpu = process.cpuUsage();
  const one = (r: PreparedRequest) =>
    new Promise<void>((ok, fail) => {
      const body = Buffer.from(r.body, "utf8");
      const started = process.hrtime.bigint();
      const req = request(
        {
          host: job.host,
          port: job.port,
          method: r.method,
          path: r.path,
          agent,
          headers: { ...r.headers, "content-length": String(body.length) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            latenciesMs.push(Number(process.hrtime.bigint() - started) / 1e6);
            const status = res.statusCode ?? 0;
            statuses[status] = (statuses[status] ?? 0) + 1;
            if ((status < 200 || status >= 300) && errors.length < 5)
              errors.push(`${status} ${Buffer.concat(chunks).toString("utf8").slice(0, 300)}`);
            ok();
          });
          res.on("error", fail);
        },
      );
      req.on("error", fail);
      req.end(body);
    });
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: Math.min(job.concurrency, job.requests.length) }, async () => {
      while (next < job.requests.length) await one(job.requests[next++]!);
    }),
  );
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  agent.destroy();
  const used = process.cpuUsage(cpu);
  return { latenciesMs, wallMs, statuses, errors, cpuMs: (used.user + used.system) / 1000 };
}

/** Runs `job` in a child process and resolves with its result. */
export function runInChild(job: LoadJob): Promise<LoadResult> {
  const child = fork(fileURLToPath(import.meta.url), ["--child"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise<LoadResult>((ok, fail) => {
    child.once("message", (m: { result?: LoadResult; error?: string }) => {
      child.disconnect();
      if (m.result) ok(m.result);
      else fail(new Error(`load generator: ${m.error}`));
    });
    child.once("error", fail);
    child.once("exit", (code) => {
      if (code !== 0) fail(new Error(`load generator exited with ${code}`));
    });
    child.send(job);
  });
}

if (process.argv.includes("--child") && process.send) {
  process.once("message", (job: LoadJob) => {
    run(job).then(
      (result) => process.send!({ result }),
      (err: unknown) => process.send!({ error: err instanceof Error ? err.message : String(err) }),
    );
  });
}
