import fc from "fast-check";
import { sign } from "../../core/crypto/sm2.ts";
import { OPERATIONS, type OperationName } from "../../core/operations.ts";
import { recordBytes, type LedgerRecord } from "../../core/record.ts";
import { HEADERS, canonicalRequest } from "../../core/request-signing.ts";
import { WRITE_ROUTES } from "../../ledger-service/src/http/routes/write-routes.ts";
import {
  GRANT_SCOPE,
  R1_FIELDS,
  admissionBody,
  certificateBody,
  h,
  hopBody,
  productBody,
  resourceBody,
  revenueMaximumBody,
  revenueReportBody,
  serviceListBody,
} from "./fixtures.ts";
import { MEMBERS, actorBody, org, type ActorName } from "./world.ts";

/**
 * Requests a careless or hostile client may send, as fast-check arbitraries: signed records of
 * every operation with one field replaced, dropped or added (re-signed, so they reach the schema
 * and the rules), envelopes and signatures broken, bodies that are not JSON or not UTF-8, path
 * parameters and queries of any shape, and signature headers of any shape, on every route.
 * Shared by the fuzz test (npm test) and the bad-input benchmark (RSS over 100k requests).
 */
export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  /** What the generator did, for the failure message. */
  readonly note: string;
}

export interface FuzzWorld {
  /** The service's agency (its key signs as the agency). */
  readonly agency: { readonly orgId: string; readonly privateKey: string };
  /** Every route the service serves, "METHOD /path/:param" (e.g. from its OpenAPI document). */
  readonly routes: readonly string[];
  /** Seconds since the epoch as the service sees it. */
  readonly now: () => number;
}

type Signer = { readonly orgId: string; readonly privateKey: string };
const SIGNERS: readonly ActorName[] = ["su1", "op", "op2", "pa", "ex", "sup", "con"];

const LONE = ["\ud800", "\udfff", "x\udbffy", "\udc00\ud800"];
const STRINGS = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom(
    ...LONE,
    "",
    " ",
    "P1",
    "G1",
    "R1",
    "D1",
    "H1",
    "../../etc/passwd",
    "%00",
    "\u0000",
    "a".repeat(5000),
  ),
);
const NASTY: fc.Arbitrary<unknown> = fc.oneof(
  STRINGS,
  fc.integer(),
  fc.double(),
  fc.constantFrom(null, true, -1, 0, 2 ** 53 + 2, 1e308, -1e308, Number.MIN_VALUE, [], {}, [[[[[[[[]]]]]]]], {
    __proto__: { polluted: true },
  }),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 300 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A plausible body for each operation (from the conformance fixtures): the starting point of mutations. */
function seedBody(op: OperationName, now: number): Record<string, unknown> {
  switch (op) {
    case "actor.bootstrap":
    case "actor.register":
      return actorBody("op2");
    case "resource.review":
      return { resourceId: "R9", schemaHash: h("schema"), decision: "approved", reportHash: h("report") };
    case "resource.register":
      return resourceBody("R9", R1_FIELDS, 2, ["su1"], { holder: org("agency") });
    case "resource.version":
      return {
        resourceId: "R1",
        version: 2,
        fields: R1_FIELDS,
        grade: 2,
        gradeReason: "fuzz",
        schemaHash: h("s"),
        note: "n",
      };
    case "resource.withdraw":
      return { resourceId: "R9", reason: "fuzz" };
    case "grant.issue":
      return {
        id: "G9",
        grantee: org("op"),
        scope: GRANT_SCOPE,
        scenarios: ["fuzz"],
        validFrom: now,
        validUntil: now + 86_400,
        agreementHash: h("agreement-fuzz"),
      };
    case "grant.suspend":
    case "grant.resume":
    case "grant.revoke":
      return { grantId: "G9", reason: "fuzz" };
    case "grant.exitNotice":
      return { grantId: "G9", planHash: h("plan") };
    case "grant.exit":
      return { grantId: "G9", kind: "voluntary", reason: "fuzz" };
    case "grant.close":
      return { grantId: "G9" };
    case "partner.propose":
      return admissionBody({ time: () => now }, { id: "A9" });
    case "partner.approve":
      return { admissionId: "A9" };
    case "partner.revoke":
      return { admissionId: "A9", reason: "fuzz" };
    case "cap.set":
      return { domain: "finance", chargeUnit: "per-call", maxPriceFen: 1000 };
    case "product.register":
      return productBody({ id: "P9", grantId: "G9" });
    case "product.reprice":
      return { productId: "P9", pricing: { model: "industry", chargeUnit: "per-call", priceFen: 1 } };
    case "report.issue":
      return { reportHash: h("report"), productId: "P9", verdict: "pass" };
    case "product.list":
      return { productId: "P9", reportHash: h("report") };
    case "product.delist":
      return { productId: "P9", reason: "fuzz" };
    case "revenue.setMaximum":
      return revenueMaximumBody("op");
    case "revenue.report":
      return revenueReportBody(1_000_000);
    case "revenue.guide":
      return { operator: org("op"), year: 2026, guidance: "fuzz" };
    case "serviceList.publish":
      return serviceListBody("op", [
        { productId: "P9", fee: { charge: "charged", chargeUnit: "per-call", priceFen: 1 } },
      ]);
    case "lineage.hop":
      return hopBody("H9", { grantId: "G9", productId: "P9" });
    case "destruction.certify":
      return certificateBody("C9", "raw-data", "G9");
    case "blacklist.add":
      return { orgId: org("op2"), reason: "fuzz" };
    case "evaluation.record":
      return { grantId: "G9", year: 2026, grade: "qualified", reportHash: h("eval") };
    case "anchor.checkpoint":
      return { origin: "fuzz", treeSize: 1, rootHash: h("root"), checkpointHash: h("cp") };
    case "complaint.lodge":
      return { id: "K9", subject: { kind: "product", id: "P9" }, commitment: h("envelope") };
    case "objection.file":
      return { id: "O9", resourceId: "R1", version: 1, category: "accuracy", summary: "fuzz", evidenceHash: h("ev") };
    case "objection.answer":
      return { objectionId: "O9", decision: "explained", answerHash: h("answer") };
    case "alert.raise":
      return {
        id: "AL9",
        grantId: "G9",
        signal: "volume-exceeded",
        summary: "fuzz",
        evidence: [{ kind: "hop", id: "H9", recordHash: h("H9") }],
      };
    case "complaint.handle":
      return { complaintId: "K9", stage: "concluded", outcome: "upheld", reportHash: h("outcome") };
  }
}

/** Paths to every leaf (and every object) of a JSON value. */
function pathsOf(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

function mutate(
  value: unknown,
  path: readonly (string | number)[],
  how: "set" | "drop" | "add",
  replacement: unknown,
): unknown {
  if (path.length === 0) return how === "set" ? replacement : value;
  const copy: Record<string | number, unknown> | unknown[] = Array.isArray(value)
    ? [...value]
    : { ...(value as object) };
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const c = copy as Record<string | number, unknown>;
  if (rest.length === 0) {
    if (how === "set") c[head] = replacement;
    else if (how === "drop") delete c[head];
    else c[`${String(head)}_extra`] = replacement;
  } else c[head] = mutate(c[head], rest, how, replacement);
  return copy;
}

function signedHeaders(
  who: Signer,
  method: string,
  path: string,
  body: Buffer,
  at: number,
  nonce: string,
): Record<string, string> {
  return {
    [HEADERS.actor]: who.orgId,
    [HEADERS.timestamp]: String(at),
    [HEADERS.nonce]: nonce,
    [HEADERS.signature]: sign(
      canonicalRequest({ method, pathAndQuery: path, body, timestamp: at, nonce, actor: who.orgId }),
      who.privateKey,
    ),
  };
}

const hex = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b).toString("hex"));
const jsonHeaders = { "content-type": "application/json", accept: "application/json" };

export function badRequests(world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  const signers: Signer[] = [
    world.agency,
    ...SIGNERS.map((n) => ({ orgId: MEMBERS[n].orgId, privateKey: MEMBERS[n].sm2PrivateKey })),
  ];
  const signer = fc.constantFrom(...signers);
  const ops = Object.keys(OPERATIONS) as OperationName[];
  const authorOf = (op: OperationName): Signer => {
    const role = OPERATIONS[op].roles[0];
    if (!role || role === "agency") return world.agency;
    const name = SIGNERS.find((n) => MEMBERS[n].role === role) ?? "op";
    return { orgId: MEMBERS[name].orgId, privateKey: MEMBERS[name].sm2PrivateKey };
  };
  const writePaths = WRITE_ROUTES.map((r) => ({
    method: r.method.toUpperCase(),
    path: r.path,
    op: r.op,
    bind: r.bind,
  }));
  const param = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom("P1", "G1", "R1", "H1", "D1", "A1", org("op"), org("con")) },
    { weight: 2, arbitrary: STRINGS.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, "x"))) },
    { weight: 1, arbitrary: fc.constantFrom("%ED%A0%80", "%FF", "%", "%E4%B8", "a".repeat(300), "..", "%2e%2e") },
  );
  const fill = (template: string, values: string[]) => {
    let i = 0;
    return template.replace(/:[A-Za-z]+/g, () => values[i++ % values.length] ?? "x");
  };
  const query = fc.oneof(
    fc.constant(""),
    fc.constantFrom("?format=prov", "?format=xml", "?at=-1", "?at=1e400", "?from=0&to=9", "?from=1&to=1", "?a=%ZZ"),
    fc.dictionary(fc.constantFrom("format", "at", "from", "to", "x"), STRINGS, { maxKeys: 3 }).map(
      (q) =>
        "?" +
        Object.entries(q)
          .map(([k, v]) => `${k}=${encodeURIComponent(v.replace(/[\ud800-\udfff]/g, "x"))}`)
          .join("&"),
    ),
  );

  /** A record of any operation, one field changed, re-signed by its rightful author (or not). */
  const record = fc
    .record({
      op: fc.constantFrom(...ops),
      how: fc.constantFrom("set", "drop", "add", "none", "envelope", "signature") as fc.Arbitrary<
        "set" | "drop" | "add" | "none" | "envelope" | "signature"
      >,
      pick: fc.nat(),
      replacement: NASTY,
      nonce: hex(16),
      viaOwnRoute: fc.boolean(),
      wrongAuthor: fc.boolean(),
    })
    .map(({ op, how, pick, replacement, nonce, viaOwnRoute, wrongAuthor }) => {
      let body: unknown = seedBody(op, world.now());
      if (how === "set" || how === "drop" || how === "add") {
        const paths = pathsOf(body).filter((p) => p.length > 0);
        body = mutate(body, paths[pick % paths.length]!, how, replacement);
      }
      const author = wrongAuthor ? signers[pick % signers.length]! : authorOf(op);
      let envelope: Record<string, unknown> = { v: 1, op, actor: author.orgId, nonce, body };
      if (how === "envelope")
        envelope = mutate(envelope, [["v", "op", "actor", "nonce"][pick % 4]!], "set", replacement) as Record<
          string,
          unknown
        >;
      let signature: unknown;
      try {
        signature = sign(recordBytes(envelope as unknown as LedgerRecord), author.privateKey);
      } catch {
        signature = "00".repeat(64);
      }
      if (how === "signature") signature = replacement;
      const route = writePaths.filter((r) => r.op === op);
      const target = viaOwnRoute && route.length > 0 ? route[pick % route.length]! : undefined;
      // The route's path parameters from the fields they bind (whatever the mutation made of them).
      const fields = (body ?? {}) as Record<string, unknown>;
      const path = target
        ? target.path.replace(/:([A-Za-z]+)/g, (_m, name: string) =>
            encodeURIComponent(String(fields[target.bind?.[name] ?? name] ?? "x").replace(/[\ud800-\udfff]/g, "x")),
          )
        : "/v1/records";
      return {
        author,
        method: target?.method ?? "POST",
        path,
        body: Buffer.from(JSON.stringify({ record: envelope, signature }), "utf8"),
        note: `record ${op} (${how})`,
      };
    });

  /** A body that is not a signed record at all. */
  const rawBody = fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    fc.constantFrom(
      Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
      Buffer.from('{"record":{"v":1,"op":"actor.register"}, "signature":"\\ud800"}'),
      Buffer.from('{"a":1,"a":2}'),
      Buffer.from("[".repeat(20_000) + "]".repeat(20_000)),
      Buffer.from('{"__proto__":{"polluted":1},"record":{},"signature":""}'),
      Buffer.from("1e99999"),
      Buffer.from("null"),
      Buffer.from('"\\udfff"'),
    ),
    fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? "null")),
  );

  const anyRoute = fc.constantFrom(...world.routes);
  const headerFaults = fc.constantFrom("none", "missing", "skewed", "replayed-shape", "garbage", "unknown-actor");

  return fc.oneof(
    // Signed records of every operation, broken one way each.
    {
      weight: 5,
      arbitrary: fc.record({ r: record, at: fc.integer({ min: -3, max: 3 }) }).map(({ r, at }) => ({
        method: r.method,
        path: r.path,
        headers: {
          ...jsonHeaders,
          ...signedHeaders(r.author, r.method, r.path, r.body, world.now() + at, randomNonce()),
        },
        body: r.body,
        note: r.note,
      })),
    },
    // Any route, any parameters and query, any body, signed or not, headers broken or not.
    {
      weight: 4,
      arbitrary: fc
        .record({
          route: anyRoute,
          params: fc.array(param, { minLength: 1, maxLength: 3 }),
          query,
          body: fc.option(rawBody, { nil: undefined }),
          who: signer,
          fault: headerFaults,
          garbage: STRINGS,
        })
        .map(({ route, params, query: q, body, who, fault, garbage }) => {
          const [method, template] = route.split(" ") as [string, string];
          const path = fill(template, params) + q;
          const bytes = body ?? Buffer.alloc(0);
          const nonce = randomNonce();
          const now = world.now();
          let headers: Record<string, string> = signedHeaders(who, method, path, bytes, now, nonce);
          const safe = garbage.replace(/[^\x20-\x7e]/g, "?");
          if (fault === "missing") headers = {};
          else if (fault === "skewed") headers = signedHeaders(who, method, path, bytes, now - 100_000, nonce);
          else if (fault === "replayed-shape") headers = { ...headers, [HEADERS.nonce]: safe.slice(0, 32) };
          else if (fault === "garbage")
            headers = {
              [HEADERS.actor]: safe,
              [HEADERS.timestamp]: safe,
              [HEADERS.nonce]: safe,
              [HEADERS.signature]: safe,
            };
          else if (fault === "unknown-actor") headers = { ...headers, [HEADERS.actor]: "91440300MA5FUZZ00X" };
          return {
            method,
            path,
            headers: { ...jsonHeaders, ...headers },
            body: method === "GET" ? Buffer.alloc(0) : bytes,
            note: `${method} ${template} (${fault})`,
          };
        }),
    },
  );
}

function randomNonce(): string {
  let out = "";
  for (let i = 0; i < 32; i++) out += "0123456789abcdef"[Math.floor(Math.random() * 16)];
  return out;
}
