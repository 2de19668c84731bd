import { spawn } from "node:child_process";
import { join } from "node:path";
import { fail, type Counts } from "./truth.ts";

/**
 * The fuzz suite (test/service/fuzz.test.ts: ≥ 5,000 bad requests over every route from a fixed
 * seed; no 5xx, no state change on a refusal, the process alive) run on its own, its statuses
 * line carried into the counts.
 */
export async function fuzzSuite(root: string, counts: Counts, say: (line: string) => void): Promise<void> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(root, "node_modules/mocha/bin/mocha.js"),
      "--no-config",
      "--timeout",
      "600000",
      "--exit",
      "test/service/fuzz.test.ts",
    ],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => (out += c.toString("utf8")));
  const code = await new Promise<number | null>((ok) => child.once("exit", ok));
  const line = /fuzz: .*$/m.exec(out)?.[0];
  if (line) say(line.trim());
  const fiveXX = Object.fromEntries(
    [...(line ?? "").matchAll(/(\d{3})×(\d+)/g)].map((m) => [m[1]!, Number(m[2])] as const),
  );
  for (const [status, n] of Object.entries(fiveXX))
    if (Number(status) >= 500) for (let i = 0; i < n; i++) fail(counts, "fiveXX", `fuzz: ${status}`);
  if (code !== 0) fail(counts, "fiveXX", `the fuzz suite failed (exit ${code}):\n${out.slice(-2000)}`);
}
