import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

/**
 * Checks OpenLineage events as a consumer that follows the spec would: each event against the
 * official 2-0-2 schema, and each facet against the schema its `_schemaURL` names — the standard
 * facets from the official files kept in fixtures/openlineage, a custom facet from its URL,
 * fetched over HTTP as Marquez or any reader would. A custom facet must be named
 * `{prefix}_{name}`. Every check is counted, so a test can say how many ran.
 */
const FIXTURES = fileURLToPath(new URL("./fixtures/openlineage/", import.meta.url));
const RUN_EVENT = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";

interface Facets {
  readonly [key: string]: { _producer?: unknown; _schemaURL?: unknown } & Record<string, unknown>;
}
interface Event {
  readonly run?: { facets?: Facets };
  readonly job?: { facets?: Facets };
  readonly inputs?: readonly { facets?: Facets }[];
  readonly outputs?: readonly { facets?: Facets }[];
}

export class OpenLineageValidator {
  checks = 0;
  readonly failures: string[] = [];
  /** The standard facet keys: the `properties` of the official facet files. */
  private readonly standardKeys = new Set<string>();
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly loaded = new Set<string>();

  constructor() {
    addFormats.default(this.ajv);
    for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith(".json"))) {
      const schema = JSON.parse(readFileSync(FIXTURES + file, "utf8")) as {
        $id: string;
        properties?: Record<string, unknown>;
      };
      this.ajv.addSchema(schema);
      this.loaded.add(schema.$id);
      if (file !== "OpenLineage.json")
        for (const key of Object.keys(schema.properties ?? {})) this.standardKeys.add(key);
    }
  }

  /** Validates one event and its facets; returns the failures it found (also kept in `failures`). */
  async validate(event: unknown, label = "event"): Promise<string[]> {
    const found: string[] = [];
    const fail = (what: string) => void found.push(`${label}: ${what}`);
    this.check(RUN_EVENT, event, "the RunEvent schema", fail);
    const e = event as Event;
    const facetSets: [string, Facets | undefined][] = [
      ["run", e.run?.facets],
      ["job", e.job?.facets],
      ...(e.inputs ?? []).map((d, i): [string, Facets | undefined] => [`inputs[${i}]`, d.facets]),
      ...(e.outputs ?? []).map((d, i): [string, Facets | undefined] => [`outputs[${i}]`, d.facets]),
    ];
    for (const [where, facets] of facetSets)
      for (const [key, facet] of Object.entries(facets ?? {})) {
        const url = facet._schemaURL;
        if (typeof url !== "string" || !url.includes("#")) {
          fail(`${where}.${key} has no _schemaURL with a #/$defs pointer`);
          continue;
        }
        if (!this.standardKeys.has(key)) {
          this.checks++;
          if (!/^[a-z][a-z0-9]*_[a-zA-Z][a-zA-Z0-9]*$/.test(key))
            fail(`${where}.${key} is a custom facet not named {prefix}_{name}`);
          const loaded = await this.load(url.split("#")[0]!);
          if (!loaded) fail(`${where}.${key}: its _schemaURL ${url} does not resolve to a JSON Schema`);
          if (!loaded) continue;
        }
        this.check(url, facet, `${where}.${key} against ${url}`, fail);
      }
    this.failures.push(...found);
    return found;
  }

  private check(ref: string, value: unknown, what: string, fail: (what: string) => void): void {
    this.checks++;
    const validate = this.ajv.getSchema(ref);
    if (!validate) return fail(`no schema ${ref}`);
    if (!validate(value)) fail(`${what}: ${this.ajv.errorsText(validate.errors)}`);
  }

  /** Fetches a custom facet's schema document once; false when it is not there or not a schema. */
  private async load(documentUrl: string): Promise<boolean> {
    if (this.loaded.has(documentUrl)) return true;
    const response = await fetch(documentUrl).catch(() => undefined);
    if (!response?.ok) return false;
    const schema = (await response.json()) as { $id?: string };
    if (schema.$id !== documentUrl) return false;
    this.ajv.addSchema(schema);
    this.loaded.add(documentUrl);
    return true;
  }
}
