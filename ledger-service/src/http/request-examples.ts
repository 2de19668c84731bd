import type { OperationName } from "../../../core/operations.ts";
import { COMPLAINT_EXAMPLE_ID, EXAMPLE_ORGS } from "../../../core/operation-examples.ts";

/**
 * Examples of what a request puts in its path, for the OpenAPI document; the bodies' examples
 * are next to their schemas (core/operation-examples.ts for records, `requestBody` of a read
 * route). The API suite fails on a path parameter without one.
 */
export const PARAMETER_EXAMPLES: Readonly<Record<string, string>> = {
  orgId: EXAMPLE_ORGS.operator,
  operator: EXAMPLE_ORGS.operator,
  resourceId: "R1",
  grantId: "G1",
  admissionId: "A1",
  productId: "P1",
  hopId: "H1",
  certificateId: "C1",
  deliveryId: "D1",
  complaintId: COMPLAINT_EXAMPLE_ID,
  objectionId: "O1",
  year: "2026",
  domain: "finance",
  chargeUnit: "per-call",
  kind: "grant",
  id: "G1",
  file: "PdlHopRunFacet.json",
  recordHash: "7c2b8e0d4f1a6b3c9e5d2a8f0b4c6e1d3a5f7b9c0e2d4a6b8c1e3f5a7b9d0c2e",
};

/**
 * The signed request around an example body: the record as it is signed, with a signature of
 * the right form (its bytes are not a signature of this record).
 */
export function signedExample(op: OperationName, actor: string, body: unknown): unknown {
  return {
    record: { v: 1, op, actor, nonce: "4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a99", body },
    signature: "5e".repeat(64),
  };
}
