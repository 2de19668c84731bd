import { loadSeedCatalog, type CatalogOrganisation } from "./catalog/seed-catalog.ts";
import { sm3Hex } from "../../core/crypto/sm3.ts";
import type { LineageHop } from "../../core/records/lineage.ts";
import type { AssetClass } from "../../core/records/destruction.ts";
import { addCalendarYears } from "../../core/time.ts";
import type { GrantAudit } from "../../ledger-service/src/domain/verification-report.ts";
import { verifyReceiptOffline } from "../../ledger-service/src/log/receipt.ts";
import { LedgerApiError, LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { verifyForListing } from "./exchange.ts";
import { agencyIdentity, demoKey, keyPassphrase } from "./demo-keys.ts";
import { StepLog, type Actor, type Print, type StepRow } from "./steps.ts";
import {
  ADMISSION_ID,
  DELIVERIES,
  GRANT_ID,
  GRANT_SCENARIOS,
  GRANT_YEARS,
  HOPS,
  OUT_OF_SCOPE_HOP,
  PARTNER_PRODUCTS,
  PARTNER_SCOPE,
  PRICES_FEN,
  PRICE_CAPS,
  WITHHELD_FIELDS,
  type HopPlan,
} from "./story.ts";

/**
 * The Longhua seed story, end to end, against a ledger service at `baseUrl`: organisations, the
 * 10 catalog resources, price caps, the grant to the operator, the 11 products, the partner, the
 * lineage of every product, the exchange's verification and listing, deliveries, a refused
 * out-of-scope hop, and the exit with its destruction certificates. It prints each step as it
 * happens and a summary with every receipt's final state, and returns the summary's facts.
 *
 * Run it again on the same ledger and it detects what exists: organisations and resources already
 * registered are skipped and reused; the grant and everything under it (admission, products,
 * hops, deliveries, certificates) get fresh ids with a run suffix (-r2, -r3, …), because the
 * previous run's grant is closed.
 */
export interface DemoOptions {
  readonly baseUrl: string;
  /** The service's data directory: the agency's bootstrap key and the demo's keys live there. */
  readonly dataDir: string;
  /** LEDGER_AGENCY_PASSPHRASE comes from here (default: process.env). */
  readonly env?: Record<string, string | undefined>;
  /** Anchors now, when the service runs in this process; otherwise the demo waits for the service's anchor timer. */
  readonly anchorNow?: () => Promise<void>;
  /** How long to wait for the service's next anchor (default 120 s). */
  readonly anchorTimeoutSeconds?: number;
  readonly print?: Print;
}

export interface AnchorInfo {
  readonly treeSize: number;
  readonly rootHash: string;
  readonly txId: string;
  readonly blockNumber: number;
  readonly blockTime: number;
}

export interface DemoSummary {
  /** 1 on a fresh ledger, 2, 3, … on later runs (ids under the grant carry "-r<run>"). */
  readonly run: number;
  readonly grantId: string;
  readonly rows: readonly StepRow[];
  /** Records of each kind the story ended with: written now or found from an earlier run. */
  readonly counts: {
    readonly organisations: number;
    readonly resources: number;
    readonly priceCaps: number;
    readonly products: number;
    readonly partners: number;
    readonly hops: number;
    readonly deliveries: number;
    readonly listings: number;
    readonly certificates: number;
  };
  readonly accepted: number;
  /** Writes the service refused as the story expects. */
  readonly refused: readonly {
    readonly op: string;
    readonly id: string;
    readonly code: string;
    readonly message: string;
  }[];
  /** The Chinese refusal of the out-of-scope hop (Accept-Language: zh-CN). */
  readonly refusedZh: { readonly status: number; readonly code?: string; readonly message?: string };
  /** Final receipt states of the accepted writes. */
  readonly receipts: Readonly<Record<"anchored" | "checkpointed" | "pending", number>>;
  /** Receipts that verify offline against the log key. */
  readonly verified: number;
  readonly anchor?: AnchorInfo;
  readonly audit: {
    readonly status: string;
    readonly products: number;
    readonly hops: number;
    readonly deliveries: number;
    readonly certificates: number;
    readonly overdue: number;
  };
  /** Products in the published list, whatever their status today (the demo closes its grant at the end). */
  readonly publicListed: number;
}

export async function playDemo(options: DemoOptions): Promise<DemoSummary> {
  const { baseUrl, dataDir } = options;
  const print: Print = options.print ?? ((l) => console.log(l));
  const anchorTimeoutSeconds = options.anchorTimeoutSeconds ?? 120;
  const publicClient = new LedgerClient({ baseUrl });
  const publicCheckpoint = () =>
    publicClient.getPublic<{ logPublicKey: string; checkpoint: { size: number } | null; anchor: AnchorInfo | null }>(
      "/v1/public/checkpoint",
    );

  const catalog = loadSeedCatalog();
  const passphrase = await keyPassphrase(dataDir, options.env);
  const agencyKey = await agencyIdentity(dataDir, passphrase);
  const client = (identity: { orgId: string; privateKey: string }) =>
    new LedgerClient({ baseUrl, identity, language: "en" });
  const agencyOrg = catalog.organisations.find((o) => o.role === "agency")!;
  if (agencyKey.orgId !== agencyOrg.orgId)
    throw new Error(
      `${agencyKey.path} is the key of ${agencyKey.orgId}, not of the catalog's agency ${agencyOrg.orgId}`,
    );
  const agency: Actor = { key: "agency", orgId: agencyOrg.orgId, client: client(agencyKey) };
  try {
    await agency.client.get(`/v1/actors/${agency.orgId}`);
  } catch (err) {
    if (err instanceof LedgerApiError && err.status === 401) {
      throw new Error(
        `the service at ${baseUrl} does not accept the agency key in ${agencyKey.path} (${err.code}): run the demo with the service's LEDGER_DATA_DIR`,
        { cause: err },
      );
    }
    throw err;
  }

  const actors = new Map<string, Actor>([["agency", agency]]);
  const keys = new Map<string, string>();
  let generated = 0;
  for (const org of catalog.organisations) {
    if (org.role === "agency") continue;
    const k = await demoKey(dataDir, passphrase, org.key, org.orgId);
    if (k.created) generated += 1;
    keys.set(org.key, k.publicKey);
    actors.set(org.key, { key: org.key, orgId: org.orgId, client: client(k) });
  }
  const as = (key: string): Actor => {
    const a = actors.get(key);
    if (!a) throw new Error(`no organisation "${key}" in the catalog`);
    return a;
  };
  const byOrgId = new Map(catalog.organisations.map((o) => [o.orgId, o] as const));
  print(
    `Agency key: ${agencyKey.path}; demo keys for ${actors.size - 1} organisations in ${dataDir}/demo-keys (${generated} generated now, ${actors.size - 1 - generated} reused)`,
  );

  // Which run is this? The first run uses the catalog's ids; later runs suffix everything
  // under the grant, because run 1's grant has ended and its products cannot be re-registered.
  let run = 1;
  while (await exists(agency.client, `/v1/grants/${GRANT_ID}${suffixOf(run)}`)) run += 1;
  const sfx = suffixOf(run);
  const id = (base: string) => `${base}${sfx}`;
  const tag = `pdl-demo:${id(GRANT_ID)}`;
  print(
    run === 1
      ? "Run 1 on this ledger: everything is created with the catalog's ids."
      : `Run ${run} on this ledger (grant ${GRANT_ID}${suffixOf(run - 1)} exists): organisations and resources already registered are skipped and reused (DUPLICATE_ID or found by a read); the grant, admission, products, hops, deliveries and certificates get the suffix "${sfx}".`,
  );

  const log = new StepLog(print);
  const now = () => Math.floor(Date.now() / 1000);

  // 1. Organisations ---------------------------------------------------------------------------
  log.chapter("1. Organisations", "the agency registers every organisation of the plan with its role and SM2 key");
  for (const org of catalog.organisations) {
    if (org.role === "agency") continue;
    const res = await log.write(
      agency,
      "actor.register",
      { orgId: org.orgId, name: org.name, role: org.role, publicKey: keys.get(org.key)! },
      { existsOk: true, note: `${org.role}: ${org.nameEn}` },
    );
    if (!res) await assertSameKey(agency.client, org, keys.get(org.key)!);
  }

  // 2. Resources --------------------------------------------------------------------------------
  log.chapter(
    "2. Resources",
    "each source unit approves the schema, then the agency registers the 10 resources of Table 1",
  );
  for (const resource of catalog.resources) {
    if (await exists(agency.client, `/v1/resources/${resource.id}`)) {
      log.skipped(agency, "resource.register", resource.id, `grade ${resource.grade}`);
      continue;
    }
    for (const unit of resource.sourceUnits) {
      const reviewer = as(byOrgId.get(unit)!.key);
      await log.write(reviewer, "resource.review", {
        resourceId: resource.id,
        schemaHash: resource.schemaHash,
        decision: "approved",
        reportHash: sm3Hex(`pdl-demo:review:${resource.id}:${unit}:${resource.schemaHash}`),
      });
    }
    await log.write(agency, "resource.register", resource, {
      note: `grade ${resource.grade}, ${resource.fields.length} fields: ${resource.name}`,
    });
  }

  // 3. Price caps -------------------------------------------------------------------------------
  log.chapter(
    "3. Price caps",
    "上限收费标准 for every domain and charging unit an industry product uses (re-set each run: a later cap replaces the earlier)",
  );
  for (const cap of PRICE_CAPS) {
    await log.write(agency, "cap.set", cap, { note: `≤ ${yuan(cap.maxPriceFen)}` });
  }

  // 4. The grant --------------------------------------------------------------------------------
  const validFrom = now() - 60;
  const validUntil = addCalendarYears(validFrom, GRANT_YEARS);
  const grantId = id(GRANT_ID);
  const scope = catalog.resources.map((r) => ({
    resourceId: r.id,
    fields: r.fields.map((f) => f.name).filter((f) => !(WITHHELD_FIELDS[r.id] ?? []).includes(f)),
  }));
  log.chapter(
    "4. Grant",
    `整体授权: the 10 resources to the operator for ${GRANT_YEARS} years, without the talents' ID card and phone numbers`,
  );
  await log.write(
    agency,
    "grant.issue",
    {
      id: grantId,
      grantee: as("operator").orgId,
      scope,
      scenarios: GRANT_SCENARIOS,
      validFrom,
      validUntil,
      agreementHash: sm3Hex(`${tag}:agreement`),
    },
    { note: `${iso(validFrom)} → ${iso(validUntil)}` },
  );

  // 5. Products ---------------------------------------------------------------------------------
  log.chapter("5. Products", "the operator registers the 11 products of Table 2 (数据产品经营权)");
  for (const p of catalog.products) {
    const priceFen = p.model === "public-welfare" ? 0 : PRICES_FEN[p.id]!;
    await log.write(
      as("operator"),
      "product.register",
      {
        id: id(p.id),
        name: p.name,
        domain: p.domain,
        scenario: p.scenario,
        serviceForm: p.serviceForm,
        grantId,
        sources: p.sources,
        pricing: { model: p.model, chargeUnit: p.chargeUnit, priceFen },
        personalInfo: p.personalInfo,
        tradeSecret: p.tradeSecret,
      },
      {
        note: `${p.model === "public-welfare" ? "free (public welfare)" : `${yuan(priceFen)} ${p.chargeUnit}`}: ${p.name}`,
      },
    );
  }

  // 6. Partner ----------------------------------------------------------------------------------
  log.chapter(
    "6. Partner",
    "the operator proposes its trusted-computing partner for the health products; the agency approves",
  );
  const admissionId = id(ADMISSION_ID);
  const partnerScope = PARTNER_SCOPE.map((e) => ({
    resourceId: e.resourceId,
    fields: [...(e.fields ?? catalog.resources.find((r) => r.id === e.resourceId)!.fields.map((f) => f.name))],
  }));
  await log.write(
    as("operator"),
    "partner.propose",
    {
      id: admissionId,
      grantId,
      partner: as("partner").orgId,
      scope: partnerScope,
      products: PARTNER_PRODUCTS.map(id),
      validUntil,
      jointLiabilityHash: sm3Hex(`${tag}:joint-liability`),
    },
    { note: `health resources, products ${PARTNER_PRODUCTS.join(", ")}` },
  );
  await log.write(agency, "partner.approve", { admissionId });

  // 7. Lineage ----------------------------------------------------------------------------------
  log.chapter(
    "7. Lineage",
    "every processing step of every product; grade 3 data only in TEE / MPC / federated environments",
  );
  const outputs: Outputs = new Map();
  const hopBody = (plan: HopPlan, hopId: string): LineageHop => ({
    id: hopId,
    grantId,
    productId: id(plan.product),
    operation: plan.operation,
    inputs: plan.inputs.map((input) => {
      if ("resource" in input)
        return {
          kind: "resource" as const,
          resourceId: input.resource,
          version: 1,
          fields: [...input.fields],
          hash: sm3Hex(`${tag}:extract:${input.resource}:${input.fields.join(",")}`),
        };
      const from = outputs.get(input.hop);
      if (!from) throw new Error(`hop ${plan.product}/${plan.step} uses ${input.hop} before it exists`);
      return { kind: "artifact" as const, hopId: from.hopId, hash: from.hash };
    }),
    outputHash: sm3Hex(`${tag}:output:${hopId}`),
    ...(plan.outputGrade !== undefined ? { outputGrade: plan.outputGrade } : {}),
    environment: plan.environment,
    recordCount: plan.recordCount,
  });
  for (const plan of HOPS) {
    const hopId = id(`${plan.product}-${plan.step}`);
    const body = hopBody(plan, hopId);
    await log.write(as(plan.by), "lineage.hop", body, {
      note: `${plan.operation} in ${plan.environment}: ${plan.what}`,
    });
    outputs.set(`${plan.product}/${plan.step}`, {
      hopId,
      hash: body.outputHash,
      by: plan.by,
      inputs: body.inputs,
      deliver: false,
    });
  }

  // 8. Verification and listing ---------------------------------------------------------------
  log.chapter(
    "8. Exchange",
    "Shenzhen Data Exchange asks the service for each product's signed verification report, then lists it with the report's hash",
  );
  const exchange = as("exchange");
  // The report's evidence check wants every record under a checkpoint anchored on chain.
  const lineageAnchor = await awaitAnchor(lastLeafOf(log), "the listing reports' evidence check");
  if (!lineageAnchor) {
    throw new Error(
      `no anchor covering the lineage arrived within ${anchorTimeoutSeconds} s, and the listing reports need one: start the service with a shorter LEDGER_ANCHOR_EVERY_SECONDS or raise PDL_DEMO_ANCHOR_TIMEOUT`,
    );
  }
  print(
    `       (anchored: tree size ${lineageAnchor.treeSize} in block ${lineageAnchor.blockNumber}; every receipt so far is anchored)`,
  );
  for (const p of catalog.products) {
    const v = await verifyForListing(exchange.client, id(p.id));
    if (v.verdict !== "pass") throw new Error(`the verification report of ${id(p.id)} fails: ${v.failures.join("; ")}`);
    await log.write(
      exchange,
      "product.list",
      { productId: id(p.id), reportHash: v.reportHash },
      { note: `report ${v.verdict} (${v.tally}), reportHash ${v.reportHash.slice(0, 12)}…` },
    );
  }

  // 9. Deliveries -------------------------------------------------------------------------------
  log.chapter(
    "9. Deliveries",
    "listed products delivered to consumers, with consent where personal information or trade secrets are involved",
  );
  for (const d of DELIVERIES) {
    const hopId = id(`${d.product}-${d.step}`);
    const from = outputs.get(d.input)!;
    const recipient = as(d.to);
    const body: LineageHop = {
      id: hopId,
      grantId,
      productId: id(d.product),
      operation: "deliver",
      inputs: [{ kind: "artifact", hopId: from.hopId, hash: from.hash }],
      outputHash: sm3Hex(`${tag}:output:${hopId}`),
      environment: d.environment,
      recordCount: d.recordCount,
      delivery: {
        recipient: recipient.orgId,
        ...(d.consentRef ? { consentRef: d.consentRef } : {}),
        crossBorder: false,
        fingerprintRoot: sm3Hex(`${tag}:fingerprints:${hopId}`),
        watermarkCommitment: sm3Hex(`${tag}:watermark-key:${hopId}`),
      },
    };
    await log.write(as(d.by), "lineage.hop", body, {
      note: `to ${d.to}${d.consentRef ? ` with consent ${d.consentRef}` : ""}`,
    });
    outputs.set(`${d.product}/${d.step}`, {
      hopId,
      hash: body.outputHash,
      by: d.by,
      inputs: body.inputs,
      deliver: true,
    });
  }

  // 10. A refused hop ---------------------------------------------------------------------------
  log.chapter(
    "10. Out of scope",
    "the partner, admitted for the health products only, tries to process talent subsidies for LH-P02",
  );
  const bad = hopBody(OUT_OF_SCOPE_HOP, id(`${OUT_OF_SCOPE_HOP.product}-${OUT_OF_SCOPE_HOP.step}`));
  await log.write(as("partner"), "lineage.hop", bad, { expect: "PARTNER_OUT_OF_SCOPE" });
  const zh = await as("partner").client.raw("POST", "/v1/records", as("partner").client.sign("lineage.hop", bad), {
    headers: { "accept-language": "zh-CN" },
  });
  const zhError = (zh.json as { error?: { code?: string; message?: string } } | undefined)?.error;
  print(`       HTTP ${zh.status}, in Chinese (Accept-Language: zh-CN): ${zhError?.code}: ${zhError?.message}`);
  print("       Nothing was written: no transaction, no log entry, no index key.");

  // 11. Exit ------------------------------------------------------------------------------------
  log.chapter(
    "11. Exit",
    "the operator files its exit plan; a voluntary exit needs 3 months' notice, so the agency ends the grant early by revocation; every holder certifies destruction; the grant closes",
  );
  await log.write(
    as("operator"),
    "grant.exitNotice",
    { grantId, planHash: sm3Hex(`${tag}:exit-plan`) },
    { note: "退出方案 filed" },
  );
  await log.write(
    agency,
    "grant.exit",
    { grantId, kind: "voluntary", reason: "Operator's exit plan accepted; exit requested now" },
    { expect: "EXIT_NOTICE_TOO_SHORT" },
  );
  await log.write(
    agency,
    "grant.revoke",
    {
      grantId,
      reason:
        "Early termination agreed with the operator after its exit notice; the 30-day destruction period starts now",
    },
    { note: "grant ends now" },
  );
  const destroyedAt = now();
  for (const holder of ["operator", "partner"] as const) {
    const certs: [AssetClass, string][] = [
      ["raw-data", "RAW"],
      ["derived-models", "MODELS"],
      ["traded-products", "PRODUCTS"],
    ];
    for (const [assetClass, short] of certs) {
      const assets = assetsOf(outputs, holder, assetClass);
      await log.write(
        as(holder),
        "destruction.certify",
        {
          id: id(`LH-CERT-${holder === "operator" ? "OP" : "PA"}-${short}`),
          grantId,
          assetClass,
          assets,
          method: "crypto-shredding: SM4 keys destroyed, media wiped (GB/T 35273)",
          destroyedAt,
          witness: "龙华公证处 (Longhua notary office)",
        },
        { note: `${assetClass}: ${assets.length} asset(s)` },
      );
    }
  }
  await log.write(agency, "grant.close", { grantId }, { note: "every holder certified every asset class" });

  // 12. Anchoring and receipts ------------------------------------------------------------------
  print("\n== 12. Anchoring — receipts become anchored once a signed checkpoint covering them is on chain");
  const accepted = log.rows.filter((r) => r.outcome === "accepted" && r.recordHash);
  const anchor = await awaitAnchor(lastLeafOf(log), "the receipts");
  const cp = await publicCheckpoint();
  let verified = 0;
  for (const row of accepted) {
    const got = await agency.client.get<Record<string, unknown>>(`/v1/receipts/${row.recordHash}`);
    const receipt = (got as { receipt?: unknown }).receipt ?? got;
    const check = verifyReceiptOffline(receipt, cp.logPublicKey);
    row.final = check.state ?? "?";
    if (check.ok) verified += 1;
  }
  if (anchor)
    print(
      `  anchor: tree size ${anchor.treeSize}, root ${anchor.rootHash.slice(0, 16)}…, tx ${anchor.txId.slice(0, 18)}… in block ${anchor.blockNumber} at ${iso(anchor.blockTime)}`,
    );

  print("\n== Summary: every step, its record id, block, and its receipt when submitted and now");
  log.printSummary();
  const count = (f: (r: (typeof log.rows)[number]) => boolean) => log.rows.filter(f).length;
  const states = ["anchored", "checkpointed", "pending"]
    .map((s) => `${count((r) => r.outcome === "accepted" && r.final === s)} ${s}`)
    .join(", ");
  print(
    `\n  ${accepted.length} writes accepted (${states}; ${verified} receipts verified offline against the log key ${cp.logPublicKey.slice(0, 12)}…)`,
  );
  print(
    `  ${count((r) => r.outcome === "exists")} skipped because they already existed; ${count((r) => r.outcome === "rejected")} refused as the rules require`,
  );
  const audit = await as("cac").client.get<GrantAudit>(`/v1/grants/${encodeURIComponent(grantId)}/audit`);
  print(
    `  supervisor's grant audit of ${grantId} (${baseUrl}/v1/grants/${grantId}/audit): status ${audit.exit.status}, ${audit.products.length} products, ${audit.hops.length} hops incl. ${audit.deliveries.length} deliveries, ${audit.certificates.length} destruction certificates, ${audit.exit.overdue.length} overdue`,
  );
  const listed = await publicClient.getPublic<{ products: unknown[] }>("/v1/public/products?limit=500");
  print(
    `  public product list: ${listed.products.length} products on offer (${baseUrl}/v1/public/products, each with its status); log checkpoint: ${baseUrl}/v1/public/checkpoint`,
  );
  if (!anchor)
    print(
      `  the anchor did not arrive within ${anchorTimeoutSeconds} s (PDL_DEMO_ANCHOR_TIMEOUT): receipts are shown as they are now`,
    );

  const ended = (op: string, chapter?: string) =>
    count((r) => r.op === op && r.outcome !== "rejected" && (chapter === undefined || r.chapter.startsWith(chapter)));
  const finalState = (s: string) => count((r) => r.outcome === "accepted" && r.final === s);
  return {
    run,
    grantId,
    rows: log.rows,
    counts: {
      organisations: ended("actor.register"),
      resources: ended("resource.register"),
      priceCaps: ended("cap.set"),
      products: ended("product.register"),
      partners: ended("partner.approve"),
      hops: ended("lineage.hop", "7."),
      deliveries: ended("lineage.hop", "9."),
      listings: ended("product.list"),
      certificates: ended("destruction.certify"),
    },
    accepted: accepted.length,
    refused: log.rows
      .filter((r) => r.outcome === "rejected")
      .map((r) => ({ op: r.op, id: r.id, code: r.error?.code ?? "?", message: r.error?.message ?? "" })),
    refusedZh: {
      status: zh.status,
      ...(zhError?.code ? { code: zhError.code } : {}),
      ...(zhError?.message ? { message: zhError.message } : {}),
    },
    receipts: {
      anchored: finalState("anchored"),
      checkpointed: finalState("checkpointed"),
      pending: finalState("pending"),
    },
    verified,
    ...(anchor ? { anchor } : {}),
    audit: {
      status: audit.exit.status,
      products: audit.products.length,
      hops: audit.hops.length,
      deliveries: audit.deliveries.length,
      certificates: audit.certificates.length,
      overdue: audit.exit.overdue.length,
    },
    publicListed: listed.products.length,
  };

  /** Waits until an on-chain anchor covers `leaf` (anchoring now when the service runs in this process). */
  async function awaitAnchor(leaf: number, forWhat: string): Promise<AnchorInfo | undefined> {
    if (leaf < 0) return undefined;
    const current = (await publicCheckpoint()).anchor;
    if (current && current.treeSize > leaf) return current;
    if (options.anchorNow) {
      print(`       (the service runs in this process: anchoring the log now for ${forWhat})`);
      await options.anchorNow();
    } else {
      print(
        `       (waiting for the service's next anchor covering entry ${leaf}, for ${forWhat}: it anchors every LEDGER_ANCHOR_EVERY_SECONDS, default 30 s; timeout ${anchorTimeoutSeconds} s)`,
      );
    }
    const started = Date.now();
    const deadline = started + anchorTimeoutSeconds * 1000;
    for (;;) {
      const { anchor } = await publicCheckpoint();
      if (anchor && anchor.treeSize > leaf) {
        if (!options.anchorNow) print(`       (anchor arrived after ${((Date.now() - started) / 1000).toFixed(1)} s)`);
        return anchor;
      }
      if (Date.now() > deadline) return undefined;
      await new Promise((ok) => setTimeout(ok, 1000));
    }
  }
}

/** True when a signed GET of `path` finds something, false on 404. */
async function exists(client: LedgerClient, path: string): Promise<boolean> {
  try {
    await client.get(path);
    return true;
  } catch (err) {
    if (err instanceof LedgerApiError && err.status === 404) return false;
    throw err;
  }
}

/** An organisation already registered must carry the demo's key, or the demo cannot sign for it. */
async function assertSameKey(agency: LedgerClient, org: CatalogOrganisation, publicKey: string): Promise<void> {
  const doc = await agency.get<{ view?: { publicKey?: string } }>(`/v1/actors/${org.orgId}`);
  if (doc.view?.publicKey !== publicKey) {
    throw new Error(
      `${org.key} (${org.orgId}) is registered with another SM2 key than the demo's (demo-keys/${org.key}.key.json): use a fresh LEDGER_DATA_DIR`,
    );
  }
}

function lastLeafOf(log: StepLog): number {
  return Math.max(-1, ...log.rows.map((r) => r.leafIndex ?? -1));
}

function suffixOf(run: number): string {
  return run === 1 ? "" : `-r${run}`;
}

type Outputs = Map<string, { hopId: string; hash: string; by: string; inputs: LineageHop["inputs"]; deliver: boolean }>;

/** What a holder destroys per asset class: the extracts it took, the artifacts it made, the products it delivered. */
function assetsOf(outputs: Outputs, holder: string, assetClass: AssetClass): { hash: string; description: string }[] {
  const mine = [...outputs.values()].filter((o) => o.by === holder);
  const seen = new Set<string>();
  const out: { hash: string; description: string }[] = [];
  const add = (hash: string, description: string) => {
    if (seen.has(hash)) return;
    seen.add(hash);
    out.push({ hash, description });
  };
  for (const o of mine) {
    if (assetClass === "raw-data")
      for (const i of o.inputs) if (i.kind === "resource") add(i.hash, `extract of ${i.resourceId} v${i.version}`);
    if (assetClass === "derived-models" && !o.deliver) add(o.hash, `output of hop ${o.hopId}`);
    if (assetClass === "traded-products" && o.deliver) add(o.hash, `delivered copy, hop ${o.hopId}`);
  }
  return out;
}

function yuan(fen: number): string {
  return `¥${(fen / 100).toLocaleString("en-US", { minimumFractionDigits: 2 })}`;
}

function iso(ts: number): string {
  return new Date(ts * 1000).toISOString().replace(/\.000Z$/, "Z");
}
