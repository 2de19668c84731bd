import { ensure } from "../../../core/errors.ts";
import { complaintDeadline } from "../../../core/time.ts";
import { requireActorWithRole, requireProduct } from "./checks.ts";
import type { Handler } from "./tx.ts";
import { K, type ComplaintState } from "./state.ts";

/**
 * Social oversight (社会监督): complaints lodged through the agency's intake, whose content the
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
