import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { ValidateFunction } from "ajv";

interface Operation {
  requestBody?: unknown;
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: unknown;
}

/** One documented operation: `GET /v1/grants/{grantId}`. */
export type OperationKey = string;

/**
 * Validates every answer the service gives during a suite against /openapi.json: while installed,
 * each fetch to the service is matched to its documented operation and status, and the JSON body
 * checked with ajv (JSON Schema 2020-12, as OpenAPI 3.1 embeds it), each line of an NDJSON body
 * against the schema documented for it. An answer whose route, status
 * or content type is not documented is a failure too.
 */
export class ResponseCheck {
  readonly failures: string[] = [];
  /** Operations answered 2xx and valid, with the statuses seen. */
  readonly answered = new Map<OperationKey, Set<number>>();
  private readonly ajv = new Ajv2020({ strict: false, allErrors: false });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: { key: string; path: string; pattern: RegExp; params: number }[];
  private readonly original = globalThis.fetch;

  private constructor(
    private readonly base: string,
    private readonly doc: Document,
  ) {
    addFormats.default(this.ajv);
    this.ajv.addSchema({ $id: "openapi", components: doc.components });
    this.templates = Object.keys(doc.paths)
      .map((path) => ({
        key: path,
        path,
        pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, "[^/]+")}$`),
        params: (path.match(/\{/g) ?? []).length,
      }))
      .sort((a, b) => a.params - b.params);
  }

  static async install(base: string): Promise<ResponseCheck> {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as Document;
    const check = new ResponseCheck(base, doc);
    globalThis.fetch = check.fetch;
    return check;
  }

  restore(): void {
    globalThis.fetch = this.original;
  }

  private readonly fetch: typeof fetch = async (input, init) => {
    const response = await this.original(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!`${url.origin}`.startsWith(this.base)) return response;
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toLowerCase();
    await this.validate(method, url.pathname, response.status, response.clone());
    return response;
  };

  private async validate(method: string, pathname: string, status: number, response: Response): Promise<void> {
    const template = this.templates.find((t) => t.pattern.test(pathname) && this.doc.paths[t.path]![method]);
    const where = `${method.toUpperCase()} ${pathname} ${status}`;
    if (!template) {
      // An unknown route is answered 404 by the service and documented nowhere: that is expected.
      if (status !== 404 && status !== 405) this.failures.push(`${where}: no documented operation`);
      return;
    }
    const op = `${method.toUpperCase()} ${template.path}`;
    const responses = this.doc.paths[template.path]![method]!.responses ?? {};
    const documented = String(status) in responses ? String(status) : `${String(status)[0]}XX`;
    const spec = responses[documented];
    if (!spec) return void this.failures.push(`${where}: status not documented for ${op}`);
    const type = (response.headers.get("content-type") ?? "").split(";")[0]!.trim();
    const content = spec.content?.[type];
    if (!content) return void this.failures.push(`${where}: content type ${type} not documented for ${op}`);
    if (type === "application/json") {
      const body: unknown = await response.json();
      const validate = this.validatorFor(`${op} ${documented}`, content.schema);
      if (!validate(body)) {
        const errors = this.ajv.errorsText(validate.errors, { dataVar: "body" });
        return void this.failures.push(`${where}: ${errors} in ${JSON.stringify(body).slice(0, 400)}`);
      }
    }
    if (type === "application/x-ndjson") {
      const validate = this.validatorFor(`${op} ${documented} ndjson`, content.schema);
      const lines = (await response.text()).split("\n").filter((line) => line.length > 0);
      for (const [i, line] of lines.entries()) {
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          return void this.failures.push(`${where}: line ${i + 1} is not JSON`);
        }
        if (!validate(value))
          return void this.failures.push(
            `${where}: line ${i + 1}: ${this.ajv.errorsText(validate.errors, { dataVar: "line" })}`,
          );
      }
    }
    if (status < 300) (this.answered.get(op) ?? this.answered.set(op, new Set()).get(op)!).add(status);
  }

  private validatorFor(key: string, schema: unknown): ValidateFunction {
    let v = this.validators.get(key);
    if (!v) {
      const resolved = JSON.parse(JSON.stringify(schema ?? {}).replaceAll('"#/components/', '"openapi#/components/'));
      v = this.ajv.compile(resolved as object);
      this.validators.set(key, v);
    }
    return v;
  }

  /** Documented operations (`METHOD /path`) that match `filter`. */
  operations(filter: (op: OperationKey, spec: Operation) => boolean = () => true): OperationKey[] {
    const out: OperationKey[] = [];
    for (const [path, methods] of Object.entries(this.doc.paths))
      for (const [method, spec] of Object.entries(methods)) {
        const key = `${method.toUpperCase()} ${path}`;
        if (filter(key, spec)) out.push(key);
      }
    return out;
  }
}
