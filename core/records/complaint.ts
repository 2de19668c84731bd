import { z } from "zod";
import { Hash, Id, OrgId } from "./common.ts";

/**
 * Complaints (社会监督): anyone may complain about a product or an operator without an account.
 * The ledger service takes the complaint, seals its content for the supervisors (SM4, the key
 * SM2-encrypted to each supervisor) and records on chain only the commitment to that envelope,
 * signed by the agency's intake; nothing on chain or at rest names the complainant
 * (为举报人保密). Supervisors record the handling and the outcome.
 */
export const COMPLAINT_SUBJECTS = ["product", "operator"] as const;
export const ComplaintSubject = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("product"), id: Id }),
  z.strictObject({ kind: z.literal("operator"), id: OrgId }),
]);
export type ComplaintSubject = z.infer<typeof ComplaintSubject>;

export const Complaint = z.strictObject({
  id: Id,
  subject: ComplaintSubject,
  /** SM3 over the canonical sealed envelope (core/complaint-envelope.ts). */
  commitment: Hash,
});
export type Complaint = z.infer<typeof Complaint>;

/** Where a complaint stands: lodged, taken up by a supervisor, or concluded with an outcome. */
export const COMPLAINT_STATUSES = ["lodged", "handling", "concluded"] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

/** `handling`: a supervisor took the case up; `concluded`: the outcome, which closes it. */
export const COMPLAINT_STAGES = ["handling", "concluded"] as const;
export const COMPLAINT_OUTCOMES = ["upheld", "partly-upheld", "not-upheld", "referred"] as const;
export const ComplaintStage = z.enum(COMPLAINT_STAGES);
export const ComplaintOutcome = z.enum(COMPLAINT_OUTCOMES);
export type ComplaintOutcome = z.infer<typeof ComplaintOutcome>;

export const ComplaintHandling = z
  .strictObject({
    complaintId: Id,
    stage: ComplaintStage,
    /** Required with `concluded`, absent with `handling`. */
    outcome: ComplaintOutcome.optional(),
    /** SM3 of the supervisor's handling note or decision, kept off chain. */
    reportHash: Hash,
  })
  .refine((b) => (b.stage === "concluded") === (b.outcome !== undefined), {
    message: "a concluded stage carries an outcome, and only a concluded stage does",
    path: ["outcome"],
  });
export type ComplaintHandling = z.infer<typeof ComplaintHandling>;
