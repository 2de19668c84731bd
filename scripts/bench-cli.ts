import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { percentile, report, type Row } from "./bench/report.ts";
import { buildCliPackage, installCliPackage, ROOT } from "./cli/package.ts";

/**
 * bench:cli — how fast `pdl` starts as users install it: the packed tarball installed with
 * `npm i -g --prefix`, each command run as a fresh process from outside the repository, against
 * `node -e 0` (the floor: Node's own start) and the repository's `bin/pdl.js` (TypeScript through
 * tsx). Target (issue 17): `pdl --version` under 0.5 s.
 */
const RUNS = 21;
const scratch = mkdtempSync(join(tmpdir(), "pdl-bench-cli-"));
const loadBefore = loadavg();
try {
  const { tarball } = await buildCliPackage(join(scratch, "dist"));
  const prefix = join(scratch, "prefix");
  installCliPackage(tarball, prefix, scratch);
  const env = { PATH: `${join(prefix, "bin")}:${dirname(process.execPath)}:/usr/bin:/bin`, HOME: scratch };

  /** Median and 90th percentile wall time of `RUNS` fresh processes (after one warm-up run). */
  const wall = (command: string, args: string[]) => {
    const once = () => {
      const start = process.hrtime.bigint();
      const r = spawnSync(command, args, { cwd: scratch, env, stdio: ["ignore", "ignore", "pipe"] });
      if (r.status !== 0) throw new Error(`${command} ${args.join(" ")}: exit ${r.status}: ${r.stderr}`);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    once();
    const times = Array.from({ length: RUNS }, once).sort((a, b) => a - b);
    return { median: percentile(times, 50), p90: percentile(times, 90) };
  };

  const rows: Row[] = [];
  const add = (subject: string, command: string, args: string[], target?: string) => {
    const t = wall(command, args);
    const base = subject === "node -e 0" ? {} : { baseline: "node -e 0" };
    rows.push({
      subject,
      metric: "start, median",
      value: t.median,
      unit: "ms",
      ...base,
      ...(target ? { target } : {}),
    });
    rows.push({ subject, metric: "start, p90", value: t.p90, unit: "ms", ...base });
  };
  add("node -e 0", process.execPath, ["-e", "0"]);
  add("pdl --version (installed)", "pdl", ["--version"], "≤ 500");
  add("pdl template grant.issue (installed)", "pdl", ["template", "grant.issue"]);
  add("pdl completion bash (installed)", "pdl", ["completion", "bash"]);
  add("bin/pdl.js --version (repository, tsx)", process.execPath, [join(ROOT, "bin/pdl.js"), "--version"]);
  report("cli", `bench:cli — pdl start-up as installed from the tarball (${RUNS} runs each)`, rows, {
    loadBefore,
    loadAfter: loadavg(),
  });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
