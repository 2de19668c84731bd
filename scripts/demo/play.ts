import { loadSeedCatalog, type CatalogOrganisation } from "./catalog/seed-catalog.ts";
import { sm3Hex } from "../../core/crypto/sm3.ts";
import type { LineageHop } from "../../core/records/lineage.ts";
import type { AssetClass } from "../../core/records/destruction.ts";
import type { OverdueItem } from "../../core/overdue.ts";
import { addCalendarYears, destructionDeadline, earliestVoluntaryExit } from "../../core/time.ts";
import type { GrantAudit } from "../../core/grant-audit.ts";
import { verifyReceiptOffline } from "../../ledger-service/src/log/receipt.ts";
import { LedgerApiError, LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { playDuties, type DutiesSummary } from "./duties.ts";
import { playRevenue, type RevenueSummary } from "./revenue.ts";
import { verifyForListing } from "./exchange.ts";
import { agencyIdentity, demoKey, keyPassphrase } from "./demo-keys.ts";
import { exists, iso, StepLog, yuan, type Actor, type Print, type StepRow } from "./steps.ts";
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
 * out-of-scope hop, the oversight duties (the product and service list, risk alerts and the
 * emergency stop from one, an anonymous complaint, a data-quality objection, and what falls
 * overdue when the clock moves 92 days: duties.ts), two years of permitted revenue at the 10 %
 * boundary (revenue.ts), and the exit with its destruction certificates. It prints each step as it
 * happens and a summary with every receipt's final state, and returns the summary's facts.
 *
 * The service must run the embedded chain on its manual clock (LEDGER_CLOCK=manual): the agency
 * moves the chain's time to show the rules that are dated (an exit after exactly 3 months'
 * notice, a destruction certificate on day 31 that was overdue until it came). The exchange and
 * the agency ask for anchors when the story needs them (POST /v1/anchors) instead of waiting for
 * the service's anchor timer.
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
  /** The oversight duties: service list, risk alerts, complaint, objection, what fell overdue. */
  readonly duties: DutiesSummary;
  /** Permitted revenue: two years, exactly 10 % and 10 % and one fen above the maximum. */
  readonly revenue: RevenueSummary;
  /** The dated part of the exit, in the chain's time (Unix seconds). */
  readonly exit: {
    readonly noticeAt: number;
    /** The earliest voluntary exit the EXIT_NOTICE_TOO_SHORT refusal named. */
    readonly earliestExit: number;
    readonly exitedAt: number;
    /** The last second on which destruction certificates were on time. */
    readonly deadline: number;
    /** Holders owing certificates on day 31 (GET /v1/overdue), and at the deadline's last second. */
    readonly overdueOwedBy: readonly string[];
    readonly overdueAtDeadline: number;
    /** Certificates marked late, and overdue items of the grant once they came. */
    readonly lateCertificates: number;
    readonly overdueAfter: number;
  };
}

export async function playDemo(options: DemoOptions): Promise<DemoSummary> {
  const { baseUrl, dataDir } = options;
  const print: Print = options.print ?? ((l) => console.log(l));
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

  const clock = await agency.client.get<{ mode: string; time: number }>("/v1/clock");
  if (clock.mode !== "manual")
    throw new Error(
      `the service at ${baseUrl} runs on the ${clock.mode} clock, and the demo moves the chain's time (3 months' notice of exit, 30 days to certify destruction): start it with LEDGER_CLOCK=manual (the embedded chain), or stop it and let npm run demo start its own`,
    );
  /** The chain's time: what every rule is dated with. */
  const chainNow = async () => (await agency.client.get<{ time: number }>("/v1/clock")).time;
  const moveClock = async (to: number, why: string) => {
    const moved = await agency.client.request<{ previous: number; time: number }>("POST", "/v1/clock", { to });
    print(`       (the agency moves the chain's manual clock ${iso(moved.previous)} → ${iso(moved.time)}: ${why})`);
  };

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
  const validFrom = (await chainNow()) - 60;
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
        ...(p.declaredVolume !== undefined ? { declaredVolume: p.declaredVolume } : {}),
      },
      {
        note: `${p.model === "public-welfare" ? "free (public welfare)" : `${yuan(priceFen)} ${p.chargeUnit}`}${p.declaredVolume !== undefined ? `, at most ${p.declaredVolume} records a delivery` : ""}: ${p.name}`,
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
    "Shenzhen Data Exchange has the service issue each product's signed verification report (its hash recorded on chain), then lists it with that report's hash",
  );
  const exchange = as("exchange");
  // The report's evidence check wants every record under a checkpoint anchored on chain.
  const lineageAnchor = await anchorFor(exchange, lastLeafOf(log), "the listing reports' evidence check");
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
        // The demo registers its deliveries without files: as if two columns of each record were marked.
        markedCells: d.recordCount * 2,
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

  // 11–14. The oversight duties: service list, risk alerts, complaint and objection, overdue ------
  const duties = await playDuties({
    log,
    print,
    as,
    agency,
    publicClient,
    catalog,
    grantId,
    tag,
    id,
    keyOf: (orgId) => byOrgId.get(orgId)?.key ?? orgId,
    chainNow,
    moveClock,
  });

  // 15. Permitted revenue and the 10 % rule ------------------------------------------------------
  const revenue = await playRevenue({
    log,
    print,
    operator: as("operator"),
    agency,
    productId: id("LH-P01"),
    chainNow,
    moveClock,
  });

  // 16. Exit ------------------------------------------------------------------------------------
  log.chapter(
    "16. Exit",
    "the operator files its exit plan; a voluntary exit needs 3 months' notice, so the chain's manual clock moves there; every holder then has 30 days to certify destruction: the partner is late, its duty overdue on day 31 until it files; the grant closes",
  );
  const notice = await log.write(
    as("operator"),
    "grant.exitNotice",
    { grantId, planHash: sm3Hex(`${tag}:exit-plan`) },
    { note: "退出方案 filed" },
  );
  const noticeAt = notice!.tx.blockTime;
  const exitBody = { grantId, kind: "voluntary" as const, reason: "Operator's exit plan accepted" };
  await log.write(agency, "grant.exit", exitBody, { expect: "EXIT_NOTICE_TOO_SHORT" });
  const named = log.rows.at(-1)!.error?.details?.earliestExit;
  const earliestExit = typeof named === "number" ? named : earliestVoluntaryExit(noticeAt);
  print(`       (the refusal names the earliest exit: ${iso(earliestExit)}, the notice + 3 calendar months)`);
  await moveClock(earliestExit, "exactly 3 months after the exit notice");
  const exited = await log.write(agency, "grant.exit", exitBody, {
    note: "exactly 3 months' notice: accepted, the grant ends now",
  });
  const exitedAt = exited!.tx.blockTime;
  const deadline = destructionDeadline(exitedAt);
  const certify = async (holder: "operator" | "partner", note: string) => {
    const destroyedAt = await chainNow();
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
        { note: `${assetClass}: ${assets.length} asset(s), ${note}` },
      );
    }
  };
  await certify("operator", "on time");
  const overdueOf = async (at?: number) =>
    (
      await agency.client.get<{ items: OverdueItem[] }>(`/v1/overdue${at === undefined ? "" : `?at=${at}`}`)
    ).items.filter((i) => i.kind === "destruction-certificate" && i.subject.id === grantId);
  await moveClock(deadline + 1, "day 31 after the exit, the 30 days to certify destruction are over");
  const overdueAtDeadline = (await overdueOf(deadline)).length;
  const overdue = await overdueOf();
  const owedBy = overdue.flatMap((i) => i.owedBy).map((orgId) => byOrgId.get(orgId)?.key ?? orgId);
  print(
    `       GET /v1/overdue: ${grantId} is overdue (deadline ${iso(deadline)}), owed by ${owedBy.join(", ") || "nobody"}; at the deadline's last second it was not (${overdueAtDeadline} items)`,
  );
  await certify("partner", "late (day 31): accepted and marked late");
  const lateCertificates = (
    await Promise.all(
      ["RAW", "MODELS", "PRODUCTS"].map((short) =>
        agency.client.get<{ view?: { late?: boolean } }>(`/v1/certificates/${id(`LH-CERT-PA-${short}`)}`),
      ),
    )
  ).filter((c) => c.view?.late === true).length;
  const overdueAfter = (await overdueOf()).length;
  print(`       ${lateCertificates} certificates marked late; the grant is overdue no more (${overdueAfter} items)`);
  await log.write(agency, "grant.close", { grantId }, { note: "every holder certified every asset class" });

  // 17. Anchoring and receipts ------------------------------------------------------------------
  print("\n== 17. Anchoring — receipts become anchored once a signed checkpoint covering them is on chain");
  const accepted = log.rows.filter((r) => r.outcome === "accepted" && r.recordHash);
  const anchor = await anchorFor(agency, lastLeafOf(log), "the receipts");
  const cp = await publicCheckpoint();
  let verified = 0;
  for (const row of accepted) {
    const got = await agency.client.get<Record<string, unknown>>(`/v1/receipts/${row.recordHash}`);
    const receipt = (got as { receipt?: unknown }).receipt ?? got;
    const check = verifyReceiptOffline(receipt, cp.logPublicKey);
    row.final = check.state ?? "?";
    if (check.ok) verified += 1;
  }
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
    anchor,
    audit: {
      status: audit.exit.status,
      products: audit.products.length,
      hops: audit.hops.length,
      deliveries: audit.deliveries.length,
      certificates: audit.certificates.length,
      overdue: audit.exit.overdue.length,
    },
    publicListed: listed.products.length,
    duties,
    revenue,
    exit: {
      noticeAt,
      earliestExit,
      exitedAt,
      deadline,
      overdueOwedBy: owedBy,
      overdueAtDeadline,
      lateCertificates,
      overdueAfter,
    },
  };

  /** An on-chain anchor covering `leaf`: the latest one, or one `actor` asks for now (POST /v1/anchors). */
  async function anchorFor(actor: Actor, leaf: number, forWhat: string): Promise<AnchorInfo> {
    const current = (await publicCheckpoint()).anchor;
    if (current && current.treeSize > leaf) return current;
    const { anchor } = await actor.client.anchorNow(`pdl demo: ${forWhat}`);
    print(
      `       (${actor.key} asks the service to anchor the log now for ${forWhat}, POST /v1/anchors: tree size ${anchor.treeSize} in block ${anchor.blockNumber})`,
    );
    if (anchor.treeSize <= leaf)
      throw new Error(`the anchor on request covers ${anchor.treeSize} entries, not entry ${leaf}`);
    return anchor;
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
