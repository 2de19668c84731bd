import { spawnSync } from "node:child_process";

/**
 * Tools written by others that some tests check our output with (promtool, the W3C `prov`
 * library, OpenSSL, jq). `.ci/run` installs them and sets PDL_REQUIRE_TOOLS=1, so there a missing
 * tool fails the test; elsewhere the test is skipped, loudly.
 */
export interface ExternalTool {
  readonly name: string;
  /** The command to run, e.g. ["promtool"] or ["/usr/bin/python3"]. */
  readonly command: readonly string[];
  /** Arguments that succeed only when the tool is usable. */
  readonly probe: readonly string[];
  /** How to install it, for the skip message. */
  readonly install: string;
}

export const PROMTOOL: ExternalTool = {
  name: "promtool",
  command: ["promtool"],
  probe: ["--version"],
  install: "apt-get install prometheus",
};

/** Debian's python3-prov is installed for the system Python, whatever `python3` on PATH is. */
export const PYTHON_PROV: ExternalTool = {
  name: "python3-prov",
  command: ["/usr/bin/python3"],
  probe: ["-c", "import prov"],
  install: "apt-get install python3-prov",
};

export const OPENSSL: ExternalTool = {
  name: "openssl 3",
  command: ["openssl"],
  probe: ["version"],
  install: "apt-get install openssl",
};

/** The docs' shell recipes read JSON with jq. */
export const JQ: ExternalTool = {
  name: "jq",
  command: ["jq"],
  probe: ["--version"],
  install: "apt-get install jq",
};

export function available(tool: ExternalTool): boolean {
  const [cmd, ...args] = tool.command;
  const r = spawnSync(cmd!, [...args, ...tool.probe], { stdio: "ignore" });
  return r.status === 0;
}

export function required(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.PDL_REQUIRE_TOOLS === "1" || env.PDL_REQUIRE_PROV === "1";
}

/** In a mocha `before`: skips the suite when the tool is missing (fails instead where it is required). */
export function needTool(ctx: Mocha.Context, tool: ExternalTool): void {
  if (available(tool)) return;
  const message = `${tool.name} is not installed (${tool.install})`;
  if (required()) throw new Error(`${message}, and PDL_REQUIRE_TOOLS is set`);
  console.warn(`\n  SKIPPED: ${message}; these checks did not run\n`);
  ctx.skip();
}

export function run(
  tool: ExternalTool,
  args: readonly string[],
  input?: string | Buffer,
): { status: number | null; stdout: string; stderr: string } {
  const [cmd, ...pre] = tool.command;
  const r = spawnSync(cmd!, [...pre, ...args], { input, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
