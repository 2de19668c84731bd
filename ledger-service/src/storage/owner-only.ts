import { chmod, lstat, mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { isMainThread } from "node:worker_threads";

/**
 * Owner-only data: every directory under the data directory 700, every file 600. The process
 * umask becomes 077 first, so files created later (LevelDB's logs and tables, which it opens with
 * mode 644, the trace store, key files) are owner-only from birth; then what an earlier version
 * left readable by others is tightened. Symbolic links are not followed.
 *
 * Worker threads cannot set the umask (it is the process's): there only the tightening runs.
 */
export async function ownerOnly(dataDir: string): Promise<void> {
  if (isMainThread) process.umask(0o077);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await tighten(dataDir);
}

async function tighten(path: string): Promise<void> {
  const stat = await lstat(path);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    if ((stat.mode & 0o777) !== 0o700) await chmod(path, 0o700);
    for (const name of await readdir(path)) await tighten(join(path, name));
  } else if (stat.isFile() && (stat.mode & 0o777) !== 0o600) {
    await chmod(path, 0o600);
  }
}
