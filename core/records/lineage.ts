import { z } from "zod";
import { FieldName, Hash, Id, OrgId, Reference, uniqueList } from "./common.ts";
import { Grade } from "./resource.ts";

/**
 * Lineage hop (数据血缘): one processing step of one product under one grant, by the operator or
 * an admitted partner. Inputs are registered resources (by version and the fields used) or
 * artifacts produced by earlier hops of the same grant, each by SM3 hash. A `deliver` hop is a
 * delivery: it names the recipient, the consent and cross-border references, and commits to the
 * delivered records (Merkle root of keyed fingerprints) and to the delivery's watermark key.
 */
export const HOP_OPERATIONS = ["collect", "clean", "de-identify", "fuse", "train", "aggregate", "deliver"] as const;
export const Operation = z.enum(HOP_OPERATIONS);
export type Operation = z.infer<typeof Operation>;

/** Operations that may lower the grade of what they output. */
export const GRADE_LOWERING_OPERATIONS: readonly Operation[] = ["de-identify", "aggregate"];

export const ENVIRONMENTS = ["plain", "sandbox", "tee", "mpc", "federated"] as const;
export const Environment = z.enum(ENVIRONMENTS);
export type Environment = z.infer<typeof Environment>;

/** Environments where grade 3+ data may be processed (原始数据不出域，数据可用不可见). */
export const PRIVACY_ENVIRONMENTS: readonly Environment[] = ["tee", "mpc", "federated"];

export const ResourceInput = z.strictObject({
  kind: z.literal("resource"),
  resourceId: Id,
  version: z.number().int().min(1).max(1_000_000),
  fields: uniqueList(FieldName, 1, 255, "fields"),
  hash: Hash,
});
export type ResourceInput = z.infer<typeof ResourceInput>;

export const ArtifactInput = z.strictObject({
  kind: z.literal("artifact"),
  hopId: Id,
  hash: Hash,
});
export type ArtifactInput = z.infer<typeof ArtifactInput>;

export const HopInput = z.discriminatedUnion("kind", [ResourceInput, ArtifactInput]);
export type HopInput = z.infer<typeof HopInput>;

/**
 * The fewest cells a delivery's watermark must be readable in (docs/RULEBOOK.md, lineage.hop
 * step 8): with fewer, even a whole leaked copy matching every bit stays above the
 * false-attribution bound of 10⁻⁹ (2⁻³⁰ ≈ 9.3·10⁻¹⁰ is the first below it), so the delivery is
 * in effect unwatermarked.
 */
export const MIN_MARKED_CELLS = 30;

export const Delivery = z.strictObject({
  recipient: OrgId,
  consentRef: Reference.optional(),
  crossBorder: z.boolean(),
  assessmentRef: Reference.optional(),
  fingerprintRoot: Hash,
  watermarkCommitment: Hash,
  /**
   * Cells of the delivered records that carry a watermark bit (marked and readable), as `pdl deliver`
   * counts them. Optional in the record's shape only so that deliveries recorded before the count
   * existed still read back from a year-old chain; both chains refuse a new delivery without it
   * (DELIVERY_UNMARKED, counted as 0), and the listing report fails one that has none.
   */
  markedCells: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});
export type Delivery = z.infer<typeof Delivery>;

export const LineageHop = z.strictObject({
  id: Id,
  grantId: Id,
  productId: Id,
  operation: Operation,
  inputs: z
    .array(HopInput)
    .min(1, "must name at least one input")
    .max(32, "must name at most 32 inputs")
    .refine(
      (inputs) =>
        new Set(inputs.map((i) => (i.kind === "resource" ? `r:${i.resourceId}` : `a:${i.hopId}`))).size ===
        inputs.length,
      "must name each input once",
    ),
  outputHash: Hash,
  outputGrade: Grade.optional(),
  environment: Environment,
  recordCount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  delivery: Delivery.optional(),
});
export type LineageHop = z.infer<typeof LineageHop>;
