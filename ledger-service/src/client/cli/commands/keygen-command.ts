import { access } from "node:fs/promises";
import type { Command } from "commander";
import { usccProblem } from "../../../../../core/uscc.ts";
import { newSm2Key, sealKey, writeKeyFile } from "../../../../../core/keyfile.ts";
import { CliError, globals, passphrase, print } from "../context.ts";

export function keygenCommand(program: Command): void {
  program
    .command("keygen")
    .description(
      "create an SM2 key for an organisation, sealed with SM4 under a passphrase (PDL_KEY_PASSPHRASE, --passphrase-file, or asked on the terminal)",
    )
    .requiredOption("--org <orgId>", "the organisation's unified social credit code")
    .requiredOption("--out <file>", "where to write the sealed key file (owner-only permissions)")
    .option("--force", "overwrite an existing file")
    .action(async (opts: { org: string; out: string; force?: boolean }, command: Command) => {
      const problem = usccProblem(opts.org);
      if (problem)
        throw new CliError({
          en: `--org ${opts.org} is not a unified social credit code (${problem})`,
          zh: `--org ${opts.org} 不是统一社会信用代码（${problem}）`,
        });
      if (
        !opts.force &&
        (await access(opts.out).then(
          () => true,
          () => false,
        ))
      )
        throw new CliError({
          en: `${opts.out} exists (--force to overwrite)`,
          zh: `${opts.out} 已存在（--force 可覆盖）`,
        });
      const key = newSm2Key("actor", opts.org);
      await writeKeyFile(opts.out, sealKey(key, await passphrase(globals(command), "new")));
      print({ orgId: opts.org, publicKey: key.publicKey, keyFile: opts.out });
    });
}
