import type { Command } from "commander";
import {
  DELIVERY_EXAMPLE,
  HASH_FIELDS,
  OPERATION_EXAMPLES,
  type CallerOperation,
} from "../../../../../core/operation-examples.ts";
import { OPERATIONS } from "../../../../../core/operations.ts";
import { CliError, globals, print } from "../context.ts";

const SM3_HEX = /^[0-9a-f]{64}$/;

/** Every SM3 digest in a body (a 64-hex string), by its path, with what it is the digest of. */
export function hashFields(value: unknown, path = ""): { path: string; meaning: string }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => hashFields(v, `${path}[${i}]`));
  if (!value || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, v]) => {
    const at = path ? `${path}.${key}` : key;
    if (typeof v === "string" && SM3_HEX.test(v))
      return [{ path: at, meaning: HASH_FIELDS[key] ?? "an SM3 digest (64 lowercase hex)" }];
    return hashFields(v, at);
  });
}

function isCallerOperation(op: string): op is CallerOperation {
  return Object.hasOwn(OPERATION_EXAMPLES, op);
}

/**
 * `pdl template <operation>`: an example body that passes the operation's schema, to edit and
 * `pdl submit`. The body goes to standard output (redirect it to a file); what each hash field
 * is the digest of goes to standard error, or with --json everything as one object.
 */
export function templateCommand(program: Command): void {
  program
    .command("template")
    .description(
      "print an example body of <operation> that passes its schema (to edit and `pdl submit`), and explain its hash fields",
    )
    .argument("<operation>", "a rulebook operation a caller submits, e.g. grant.issue (see `pdl operations`)")
    .option("--delivery", "for lineage.hop: a delivery hop (POST /v1/deliveries; `pdl deliver` writes these)")
    .action((operation: string, opts: { delivery?: boolean }, command: Command) => {
      if (!isCallerOperation(operation))
        throw new CliError({
          en: `no template for ${operation}: \`pdl operations\` lists the operations (the service writes actor.bootstrap and anchor.checkpoint itself)`,
          zh: `没有 ${operation} 的模板：\`pdl operations\` 列出全部操作（actor.bootstrap 和 anchor.checkpoint 由服务自行写入）`,
        });
      if (opts.delivery && operation !== "lineage.hop")
        throw new CliError({ en: "--delivery is for lineage.hop only", zh: "--delivery 只用于 lineage.hop" });
      const body = opts.delivery ? DELIVERY_EXAMPLE : OPERATION_EXAMPLES[operation];
      const spec = OPERATIONS[operation];
      const fields = hashFields(body);
      if (globals(command).json) {
        print({ operation, kind: spec.kind, roles: spec.roles, body, hashFields: fields });
        return;
      }
      print(body);
      const lines = [
        `${operation}: a ${spec.kind} record, written by ${spec.roles.join(" or ")}; ids, codes and times are examples.`,
        ...(fields.length > 0
          ? [
              "Hash fields (SM3, 64 lowercase hex; the values here are stand-ins: put the digest of your document, e.g. `openssl dgst -sm3 <file>`):",
              ...fields.map((f) => `  ${f.path}: ${f.meaning}`),
            ]
          : []),
      ];
      process.stderr.write(lines.join("\n") + "\n");
    });
}
