import { ensure } from "../../../core/errors.ts";
import { complaintDeadline, objectionDeadline } from "../../../core/time.ts";
import { requireActorWithRole, requireGrant, requireProduct, requireResource } from "./checks.ts";
import type { Handler } from "./tx.ts";
import type { Ledger } from "../ledger/ledger.ts";
import { K, type AlertState, type ComplaintState, type ObjectionState } from "./state.ts";

/**
 * Social oversight (社会监督) and objections (异议处置): complaints lodged through the agency's intake, whose content the
 * chain never sees (only the commitment to the sealed envelope), handled by the supervisors.
 */

/** complaint.lodge: the subject must exist (a registered product, or an organisation registered as operator). */
export const lodgeComplaint: Handler<"complaint.lodge"> = async ({ ledger, now }, body) => {
  ensure(!(await ledger.has(K.complaint, body.id)), "DUPLICATE_ID", `complaint ${body.id}`, { id: body.id });
  if (body.subject.kind === "product") await requireProduct(ledger, body.subject.id);
  else await requireActorWithRole(ledger, body.subject.id, "operator");
  ledger.put(K.complaint, [body.id], {
    id: body.id,
    subjectKind: body.subject.kind,
    subjectId: body.subject.id,
    commitment: body.commitment,
    lodgedAt: now,
    status: "lodged",
    outcome: "",
    concludedAt: 0,
    late: false,
  } satisfies ComplaintState);
};

/**
 * complaint.handle: a supervisor records that it took the case up (any number of times) or its
 * outcome, which closes the case. An outcome after the 30-day deadline is accepted and marked late.
 */
export const handleComplaint: Handler<"complaint.handle"> = async ({ ledger, now }, body) => {
  const complaint = await ledger.get<ComplaintState>(K.complaint, body.complaintId);
  ensure(complaint, "NOT_FOUND", `complaint ${body.complaintId}`, { id: body.complaintId });
  ensure(complaint.status !== "concluded", "CASE_CLOSED", `complaint ${complaint.id} is concluded`, {
    id: complaint.id,
  });
  const concluded = body.stage === "concluded";
  ledger.put(K.complaint, [complaint.id], {
    ...complaint,
    status: concluded ? "concluded" : "handling",
    outcome: concluded ? (body.outcome ?? "") : "",
    concludedAt: concluded ? now : 0,
    late: concluded && now > complaintDeadline(complaint.lodgedAt),
  } satisfies ComplaintState);
};

/**
 * Data-quality objections (异议处置): filed against a version of a resource by a consumer, the
 * operator or a partner, answered by one of the resource's source units.
 */

/** objection.file: the resource and the version must exist (a withdrawn resource's versions too). */
export const fileObjection: Handler<"objection.file"> = async ({ ledger, now, author }, body) => {
  ensure(!(await ledger.has(K.objection, body.id)), "DUPLICATE_ID", `objection ${body.id}`, { id: body.id });
  const resource = await requireResource(ledger, body.resourceId);
  ensure(
    resource.versions.some((v) => v.version === body.version),
    "NOT_FOUND",
    `version ${body.version} of ${resource.id}`,
    { id: resource.id },
  );
  ledger.put(K.objection, [body.id], {
    id: body.id,
    resourceId: resource.id,
    version: body.version,
    filer: author.orgId,
    category: body.category,
    filedAt: now,
    status: "open",
    decision: "",
    answeredAt: 0,
    late: false,
  } satisfies ObjectionState);
};

/** objection.answer: once, by a source unit of the resource; after the 15-day deadline it is marked late. */
export const answerObjection: Handler<"objection.answer"> = async ({ ledger, now, author }, body) => {
  const objection = await ledger.get<ObjectionState>(K.objection, body.objectionId);
  ensure(objection, "NOT_FOUND", `objection ${body.objectionId}`, { id: body.objectionId });
  const resource = await requireResource(ledger, objection.resourceId);
  ensure(
    resource.sourceUnits.includes(author.orgId),
    "NOT_AUTHORIZED",
    `${author.orgId} is not a source unit of ${resource.id}`,
    { orgId: author.orgId },
  );
  ensure(objection.status === "open", "CASE_CLOSED", `objection ${objection.id} is answered`, { id: objection.id });
  ledger.put(K.objection, [objection.id], {
    ...objection,
    status: "answered",
    decision: body.decision,
    answeredAt: now,
    late: now > objectionDeadline(objection.filedAt),
  } satisfies ObjectionState);
};

/** alert.raise (the service, as the agency): a risk alert about an existing grant. */
export const raiseAlert: Handler<"alert.raise"> = async ({ ledger, now }, body) => {
  ensure(!(await ledger.has(K.alert, body.id)), "DUPLICATE_ID", `alert ${body.id}`, { id: body.id });
  const grant = await requireGrant(ledger, body.grantId);
  ledger.put(K.alert, [body.id], {
    id: body.id,
    grantId: grant.id,
    signal: body.signal,
    raisedAt: now,
    action: "",
    actedAt: 0,
  } satisfies AlertState);
};

/** A suspension from alert `alertId`: the alert must concern the grant and not have been acted on. */
export async function actOnAlert(ledger: Ledger, alertId: string, grantId: string, now: number): Promise<void> {
  const alert = await ledger.get<AlertState>(K.alert, alertId);
  ensure(alert, "NOT_FOUND", `alert ${alertId}`, { id: alertId });
  ensure(alert.grantId === grantId, "ALERT_GRANT_MISMATCH", `alert ${alertId} concerns ${alert.grantId}`, {
    id: alertId,
    grantId: alert.grantId,
  });
  ensure(alert.action === "", "CASE_CLOSED", `alert ${alertId} was acted on`, { id: alertId });
  ledger.put(K.alert, [alertId], { ...alert, action: "grant-suspended", actedAt: now } satisfies AlertState);
}
