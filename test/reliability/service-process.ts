import { spawn, type ChildProcess } from "node:child_process";
import { openSync } from "node:fs";
import { createServer } from "node:net";

/**
 * The service as `npm start` runs it (ledger-service/src/main.ts on the configured default
 * backend), in a process of its own that the suite can kill -9.
 */
export interface ServiceProcess {
  readonly base: string;
  readonly child: ChildProcess;
  /** Milliseconds from spawn to /readyz answering 200. */
  readonly startMs: number;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as { port: number };
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

export async function startServiceProcess(
  root: string,
  env: Record<string, string>,
  logFile: string,
  timeoutMs = 180_000,
): Promise<ServiceProcess> {
  const port = await freePort();
  const out = openSync(logFile, "a");
  const started = Date.now();
  const child = spawn(process.execPath, ["--import", "tsx", "ledger-service/src/main.ts"], {
    cwd: root,
    env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), ...env },
    stdio: ["ignore", out, out],
  });
  const base = `http://127.0.0.1:${port}`;
  let exited: number | null | undefined;
  child.once("exit", (code) => (exited = code));
  while (Date.now() - started < timeoutMs) {
    if (exited !== undefined) throw new Error(`the service exited with ${exited} before it was ready (see ${logFile})`);
    const status = await fetch(`${base}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return { base, child, startMs: Date.now() - started };
    await new Promise((ok) => setTimeout(ok, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`the service was not ready within ${timeoutMs} ms (see ${logFile})`);
}

export async function kill9(p: ServiceProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const gone = new Promise<void>((ok) => p.child.once("exit", () => ok()));
  p.child.kill("SIGKILL");
  await gone;
}

export async function stopGracefully(p: ServiceProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const gone = new Promise<void>((ok) => p.child.once("exit", () => ok()));
  p.child.kill("SIGTERM");
  const timer = setTimeout(() => p.child.kill("SIGKILL"), 30_000);
  await gone;
  clearTimeout(timer);
}
