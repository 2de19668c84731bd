import { sm3Hex } from "../../core/crypto/sm3.ts";
import type { OverdueItem, OverdueKind } from "../../core/overdue.ts";
import type { AlertView, ComplaintView, ObjectionView, ResourceView } from "../../core/views.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import type { SeedCatalog } from "./catalog/seed-catalog.ts";
import { iso, type Actor, type Print, type StepLog } from "./steps.ts";
import { PRICES_FEN } from "./story.ts";

/**
 * The seed's oversight duties, once each, on the demo's grant before its exit: the operator's
 * product and service list (服务清单; one list refused for a wrong fee), the risk alerts the
 * service raises from the deliveries and the emergency stop from one of them (应急处置), an
 * anonymous complaint (社会监督) and a data-quality objection (异议处置); then the agency moves the
 * manual clock 92 days, and GET /v1/overdue lists what fell due (the list, the resources' updates
 * (时效性), the complaint's handling, the objection's answer) until each is done, late.
 */
export interface DutiesContext {
  readonly log: StepLog;
  readonly print: Print;
  readonly as: (key: string) => Actor;
  readonly agency: Actor;
  readonly publicClient: LedgerClient;
  readonly catalog: SeedCatalog;
  readonly grantId: string;
  readonly tag: string;
  readonly id: (base: string) => string;
  readonly keyOf: (orgId: string) => string;
  readonly chainNow: () => Promise<number>;
  readonly moveClock: (to: number, why: string) => Promise<void>;
}

export interface DutiesSummary {
  readonly serviceList: {
    readonly refusedCode: string;
    readonly entries: number;
    readonly free: number;
    readonly overdueOwedBy: readonly string[];
    readonly overdueAfterRepublishing: number;
  };
  readonly freshness: {
    readonly overdueResources: readonly string[];
    readonly updated: string;
    readonly updatedStillOverdue: boolean;
  };
  readonly alerts: {
    readonly signals: readonly string[];
    readonly suspendedFrom: string;
    readonly action: string;
    readonly grantStatusAfterResume: string;
  };
  readonly complaint: { readonly id: string; readonly overdue: boolean; readonly late: boolean };
  readonly objection: {
    readonly id: string;
    readonly overdueOwedBy: readonly string[];
    readonly late: boolean;
  };
}

/** 92 days: one past the 91 a list stays current, and past the complaint's 30 and the objection's 15. */
const CLOCK_MOVE_DAYS = 92;
/** The consumer objects to the renovation projects' first version; its source unit answers. */
const OBJECTED_RESOURCE = "LH-URBAN-RENOVATION";
/** The agency publishes the radiology statistics' next version once they are overdue. */
const UPDATED_RESOURCE = "LH-HEALTH-RADIOLOGY";

export async function playDuties(ctx: DutiesContext): Promise<DutiesSummary> {
  const { log, print, as, agency, grantId, tag, id, keyOf } = ctx;
  const operator = as("operator");
  const supervisor = as("cac");
  const overdue = async (kind: OverdueKind) =>
    (await agency.client.get<{ items: OverdueItem[] }>("/v1/overdue")).items.filter((i) => i.kind === kind);

  // Duty 2: the product and service list --------------------------------------------------------
  log.chapter(
    "11. Service list",
    "服务清单: the operator publishes its products and services with content, response time and fees; each fee must be the registered one, public-welfare entries free",
  );
  const entries = ctx.catalog.products.map((p) => ({
    productId: id(p.id),
    content: `${p.name}: ${p.scenario}`.slice(0, 512),
    responseTime: p.serviceForm === "api" ? "online, within 1 second" : "within 3 working days",
    fee:
      p.model === "public-welfare"
        ? { charge: "free" as const, chargeUnit: p.chargeUnit, priceFen: 0 }
        : { charge: "charged" as const, chargeUnit: p.chargeUnit, priceFen: PRICES_FEN[p.id]! },
  }));
  const wrong = entries.findIndex((e) => e.fee.charge === "charged");
  const misquoted = entries.map((e, i) =>
    i === wrong ? { ...e, fee: { ...e.fee, priceFen: e.fee.priceFen + 100 } } : e,
  );
  await log.write(
    operator,
    "serviceList.publish",
    { operator: operator.orgId, entries: misquoted },
    { expect: "SERVICE_LIST_FEE_MISMATCH", note: `entry ${wrong} quotes 1 yuan above the registered price` },
  );
  const refusedCode = log.rows.at(-1)!.error?.code ?? "?";
  await log.write(
    operator,
    "serviceList.publish",
    { operator: operator.orgId, entries },
    { note: `${entries.length} entries, ${entries.filter((e) => e.fee.charge === "free").length} free` },
  );

  // Duty 4: risk alerts --------------------------------------------------------------------------
  log.chapter(
    "12. Risk alerts",
    "数据风险评估: the service scans the deliveries and raises signed alerts with their evidence; the agency suspends the grant from one (应急处置) and resumes it after the investigation",
  );
  const { raised } = await agency.client.request<{ raised: string[] }>("POST", "/v1/alerts/scan", {});
  const mine = (
    await supervisor.client.get<{
      alerts: { view: AlertView; created: { summary: string; evidence: { kind: string; id: string }[] } }[];
    }>("/v1/alerts")
  ).alerts.filter((a) => a.view.grantId === grantId);
  print(
    `       POST /v1/alerts/scan raised ${raised.length}; GET /v1/alerts (the supervisor) shows ${mine.length} about ${grantId}:`,
  );
  for (const a of mine)
    print(
      `       ${a.view.id} ${a.view.signal}: ${a.created.summary} [evidence: ${a.created.evidence.map((e) => `${e.kind} ${e.id}`).join(", ")}]`,
    );
  const stopFrom = mine.find((a) => a.view.signal === "volume-exceeded") ?? mine[0];
  if (!stopFrom) throw new Error(`the scan raised no alert about ${grantId}`);
  await log.write(
    agency,
    "grant.suspend",
    { grantId, reason: `emergency stop from alert ${stopFrom.view.id}`, alertId: stopFrom.view.id },
    { note: `from alert ${stopFrom.view.id} (${stopFrom.view.signal})` },
  );
  const acted = (await supervisor.client.get<{ alerts: { view: AlertView }[] }>("/v1/alerts")).alerts.find(
    (a) => a.view.id === stopFrom.view.id,
  )!.view;
  print(`       the alert records ${acted.action} at ${iso(acted.actedAt)}`);
  await log.write(
    agency,
    "grant.resume",
    { grantId, reason: "investigated: the operator re-declared the product's volume with the agency" },
    { note: "the grant is active again" },
  );
  const grantStatusAfterResume = (
    await agency.client.get<{ view: { status: string } }>(`/v1/grants/${encodeURIComponent(grantId)}`)
  ).view.status;

  // Duty 5: a complaint and an objection -----------------------------------------------------------
  log.chapter(
    "13. Complaint and objection",
    "社会监督: anyone complains without an account, sealed for the supervisors, only a commitment on chain; 异议处置: a consumer objects to a resource version",
  );
  const productId = id("LH-P06");
  const lodged = await ctx.publicClient.raw(
    "POST",
    "/v1/public/complaints",
    {
      subject: { kind: "product", id: productId },
      text: `${productId} delivered last year's renovation list as this year's (${tag})`,
    },
    { public: true },
  );
  if (lodged.status !== 200) throw new Error(`the complaint was not taken: ${lodged.status} ${lodged.text}`);
  const complaint = lodged.json as { complaintId: string; commitment: string };
  print(
    `       POST /v1/public/complaints (no account, no signature): complaint ${complaint.complaintId}, on chain only its commitment ${complaint.commitment.slice(0, 16)}…, signed by the agency's intake`,
  );
  const resource = ctx.catalog.resources.find((r) => r.id === OBJECTED_RESOURCE)!;
  const objectionId = id("LH-OBJ-01");
  await log.write(
    as("bank"),
    "objection.file",
    {
      id: objectionId,
      resourceId: resource.id,
      version: 1,
      category: "timeliness",
      summary: "projects completed in 2025 are still listed as under way",
      evidenceHash: sm3Hex(`${tag}:objection-evidence`),
    },
    { note: `against ${resource.id} v1` },
  );

  // Overdue on the manual clock ------------------------------------------------------------------
  log.chapter(
    "14. Overdue",
    `the agency moves the manual clock ${CLOCK_MOVE_DAYS} days: the list (due within 91 days), the resources' updates (时效性), the complaint's handling (30 days) and the objection's answer (15 days) fall due; GET /v1/overdue lists each until it is done`,
  );
  await ctx.moveClock((await ctx.chainNow()) + CLOCK_MOVE_DAYS * 86_400, `${CLOCK_MOVE_DAYS} days on`);
  const listItems = (await overdue("service-list")).filter((i) => i.subject.id === operator.orgId);
  const resourceItems = await overdue("resource-update");
  const complaintItems = (await overdue("complaint-handling")).filter((i) => i.subject.id === complaint.complaintId);
  const objectionItems = (await overdue("objection-answer")).filter((i) => i.subject.id === objectionId);
  const show = (what: string, items: readonly OverdueItem[]) =>
    print(
      `       ${what}: ${
        items
          .map(
            (i) =>
              `${i.subject.id} (deadline ${iso(i.deadline)}, owed by ${i.owedBy.map(keyOf).join(", ") || "the supervisors"})`,
          )
          .join("; ") || "none"
      }`,
    );
  show("service-list", listItems);
  show("resource-update", resourceItems);
  show("complaint-handling", complaintItems);
  show("objection-answer", objectionItems);

  await log.write(
    operator,
    "serviceList.publish",
    { operator: operator.orgId, entries },
    { note: "late: accepted and counted late" },
  );
  const updated = ctx.catalog.resources.find((r) => r.id === UPDATED_RESOURCE)!;
  const current = (await agency.client.get<{ view: ResourceView }>(`/v1/resources/${updated.id}`)).view;
  await log.write(
    agency,
    "resource.version",
    {
      resourceId: updated.id,
      version: current.version + 1,
      fields: updated.fields,
      grade: updated.grade,
      gradeReason: updated.gradeReason,
      schemaHash: updated.schemaHash,
      note: "this month's statistics",
    },
    { note: `version ${current.version + 1}, late` },
  );
  await log.write(
    supervisor,
    "complaint.handle",
    {
      complaintId: complaint.complaintId,
      stage: "concluded",
      outcome: "upheld",
      reportHash: sm3Hex(`${tag}:complaint-decision`),
    },
    { note: "upheld, after the 30 days: marked late" },
  );
  const answerer = as(keyOf(resource.sourceUnits[0]!));
  await log.write(
    answerer,
    "objection.answer",
    { objectionId, decision: "corrected", answerHash: sm3Hex(`${tag}:objection-answer`) },
    { note: "corrected, after the 15 days: marked late" },
  );
  const listAfter = (await overdue("service-list")).filter((i) => i.subject.id === operator.orgId).length;
  const updatedStillOverdue = (await overdue("resource-update")).some((i) => i.subject.id === updated.id);
  const complaintView = (
    await supervisor.client.get<{ view: ComplaintView }>(`/v1/complaints/${complaint.complaintId}`)
  ).view;
  const objectionView = (await agency.client.get<{ view: ObjectionView }>(`/v1/objections/${objectionId}`)).view;
  print(
    `       done: the operator's list is overdue no more (${listAfter} items), ${updated.id} is current, complaint ${complaintView.status} (late: ${complaintView.late}), objection ${objectionView.status} (late: ${objectionView.late})`,
  );

  return {
    serviceList: {
      refusedCode,
      entries: entries.length,
      free: entries.filter((e) => e.fee.charge === "free").length,
      overdueOwedBy: listItems.flatMap((i) => i.owedBy).map(keyOf),
      overdueAfterRepublishing: listAfter,
    },
    freshness: {
      overdueResources: resourceItems.map((i) => i.subject.id),
      updated: updated.id,
      updatedStillOverdue,
    },
    alerts: {
      signals: [...new Set(mine.map((a) => a.view.signal))].sort(),
      suspendedFrom: stopFrom.view.id,
      action: acted.action,
      grantStatusAfterResume,
    },
    complaint: { id: complaint.complaintId, overdue: complaintItems.length === 1, late: complaintView.late },
    objection: {
      id: objectionId,
      overdueOwedBy: objectionItems.flatMap((i) => i.owedBy).map(keyOf),
      late: objectionView.late,
    },
  };
}
