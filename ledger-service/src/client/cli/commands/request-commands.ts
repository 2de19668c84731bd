import { writeFile } from "node:fs/promises";
import { Option, type Command } from "commander";
import { OPERATIONS, OPERATION_NAMES, isOperationName } from "../../../../../core/operations.ts";
import { LineagePostError, postLineageEvents } from "../../sdk/openlineage-post.ts";
import { CliError, client, globals, print, readJson } from "../context.ts";

/** Signed requests: one record of any rulebook operation, any signed read, lineage export. */
export function requestCommands(program: Command): void {
  program
    .command("operations")
    .description("list the rulebook operations `pdl submit` accepts, with the kind of record each writes")
    .action((_opts: unknown, command: Command) => {
      if (globals(command).json)
        print(OPERATION_NAMES.map((op) => ({ operation: op, kind: OPERATIONS[op].kind, roles: OPERATIONS[op].roles })));
      else for (const op of OPERATION_NAMES) process.stdout.write(`${op.padEnd(24)} ${OPERATIONS[op].kind}\n`);
    });

  program
    .command("submit")
    .description("sign a record of <operation> with your key and submit it; prints the accepted record and its receipt")
    .argument("<operation>", "a rulebook operation, e.g. grant.issue (see `pdl operations`)")
    .argument("<body>", "the record body as a JSON file, or - for standard input")
    .action(async (operation: string, bodyPath: string, _opts: unknown, command: Command) => {
      if (!isOperationName(operation))
        throw new CliError({
          en: `unknown operation ${operation}; \`pdl operations\` lists them`,
          zh: `未知操作 ${operation}；\`pdl operations\` 列出全部操作`,
        });
      const api = await client(globals(command));
      // A 202 (sent, outcome not known yet) is followed until the receipt or a refusal comes.
      print(await api.submit(operation, (await readJson(bodyPath)) as never));
    });

  program
    .command("get")
    .description("a signed GET of any API path, e.g. /v1/grants or /v1/records/grant/G-1/history")
    .argument("<path>", "path and query")
    .option("--public", "send unsigned (public endpoints)")
    .action(async (path: string, opts: { public?: boolean }, command: Command) => {
      if (!path.startsWith("/")) throw new CliError({ en: "the path starts with /", zh: "路径须以 / 开头" });
      const api = await client(globals(command), !opts.public);
      print(opts.public ? await api.getPublic(path) : await api.get(path));
    });

  program
    .command("lineage")
    .description(
      "export a product's lineage graph back to its resources and grant (openlineage: NDJSON, one run event a line)",
    )
    .argument("<productId>")
    .addOption(new Option("--format <format>", "output form").choices(["json", "prov", "openlineage"]).default("json"))
    .option("--out <file>", "write to a file instead of standard output")
    .option("--post <url>", "send each OpenLineage event to this endpoint, e.g. Marquez's …/api/v1/lineage")
    .action(async (productId: string, opts: { format: string; out?: string; post?: string }, command: Command) => {
      if (opts.post && opts.format !== "openlineage")
        throw new CliError({
          en: "--post sends OpenLineage events: add --format openlineage",
          zh: "--post 发送的是 OpenLineage 事件：请加上 --format openlineage",
        });
      const api = await client(globals(command));
      const path = `/v1/products/${encodeURIComponent(productId)}/lineage?format=${opts.format}`;
      if (opts.format === "openlineage") {
        const ndjson = await api.getText(path, "application/x-ndjson");
        if (opts.out) await writeFile(opts.out, ndjson);
        if (opts.post) {
          const sent = await postLineageEvents(ndjson, opts.post).catch((err: unknown) => {
            throw err instanceof LineagePostError
              ? new CliError({ en: err.message, zh: `OpenLineage 事件发送失败：${err.message}` })
              : err;
          });
          if (globals(command).json) print({ sent, endpoint: opts.post });
          else process.stderr.write(`sent ${sent} OpenLineage events to ${opts.post}\n`);
        } else if (!opts.out) process.stdout.write(ndjson);
        return;
      }
      const graph = await api.get(path);
      if (opts.out) await writeFile(opts.out, JSON.stringify(graph, null, 2) + "\n");
      else print(graph);
    });
}
