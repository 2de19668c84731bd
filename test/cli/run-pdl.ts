import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The `pdl` command run as a user runs it: a process, its exit code and its output. */
export const PDL = fileURLToPath(new URL("../../bin/pdl.js", import.meta.url));

export interface PdlRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `env` adds to the test's environment; a variable given as undefined is left out. */
export function runPdl(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
  stdin?: string,
): Promise<PdlRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [PDL, ...args],
      { env: { ...process.env, ...env }, timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}
