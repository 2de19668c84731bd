import { ensure } from "../../../core/errors.ts";
import {
  GRADE_LOWERING_OPERATIONS,
  MIN_MARKED_CELLS,
  PRIVACY_ENVIRONMENTS,
  type HopInput,
} from "../../../core/records/lineage.ts";
import type { Ledger } from "../ledger/ledger.ts";
import {
  ensureGrantUsable,
  ensureNotBlacklisted,
  requireActor,
  requireGrant,
  requireProduct,
  scopeEntry,
  withinScope,
} from "./checks.ts";
import { deriveFrom, derivationOf, recordDerivation } from "./derivation.ts";
import type { Handler } from "./tx.ts";
import {
  K,
  type GrantState,
  type HopState,
  type PartnerState,
  type ProductState,
  type ResourceState,
} from "./state.ts";

/**
 * lineage.hop: one processing step of a product under its grant, by the grantee or an admitted
 * partner; a `deliver` hop is a delivery to a recipient. Steps are numbered as in the rulebook.
 */
export const recordHop: Handler<"lineage.hop"> = async ({ ledger, now, author }, body) => {
  // 1–2
  ensure(!(await ledger.has(K.hop, body.id)), "DUPLICATE_ID", `hop ${body.id}`, { id: body.id });
  ensure(
    (body.operation === "deliver") === (body.delivery !== undefined),
    "DELIVERY_DETAILS_REQUIRED",
    body.delivery === undefined
      ? "a deliver hop without delivery details"
      : `a ${body.operation} hop with delivery details`,
    { hopId: body.id },
  );
  // 3
  const grant = await requireGrant(ledger, body.grantId);
  ensureGrantUsable(grant, now);
  // 4
  const admission = author.orgId === grant.grantee ? undefined : await liveAdmission(ledger, grant, author.orgId, now);
  // 5
  const product = await requireProduct(ledger, body.productId);
  ensure(
    product.grantId === grant.id,
    "PRODUCT_GRANT_MISMATCH",
    `product ${product.id} is under grant ${product.grantId}`,
    { productId: product.id, grantId: product.grantId },
  );
  if (admission && admission.products.length > 0) {
    ensure(admission.products.includes(product.id), "PARTNER_OUT_OF_SCOPE", `product ${product.id}`, {
      admissionId: admission.id,
      id: product.id,
    });
  }
  // 6
  let highest = 0;
  for (const input of body.inputs) highest = Math.max(highest, await inputGrade(ledger, grant, admission, input));
  // 7
  ensure(
    !(highest >= 3 && !PRIVACY_ENVIRONMENTS.includes(body.environment)),
    "PRIVACY_ENV_REQUIRED",
    `grade ${highest} input in a ${body.environment} environment`,
    { grade: highest },
  );
  // 8
  if (body.delivery) {
    const delivery = body.delivery;
    ensure(highest < 3, "RAW_EXPORT_FORBIDDEN", `grade ${highest} data cannot leave the domain`, { grade: highest });
    ensure(
      !((product.personalInfo || product.tradeSecret) && delivery.consentRef === undefined),
      "CONSENT_REQUIRED",
      `product ${product.id} carries personal information or trade secrets; the delivery has no consentRef`,
      { hopId: body.id, productId: product.id },
    );
    ensure(
      !(delivery.crossBorder && delivery.assessmentRef === undefined),
      "CROSS_BORDER_ASSESSMENT_REQUIRED",
      "the cross-border delivery has no assessmentRef",
      { hopId: body.id },
    );
    const markedCells = delivery.markedCells ?? 0;
    ensure(
      markedCells >= MIN_MARKED_CELLS,
      "DELIVERY_UNMARKED",
      `the watermark is readable in ${markedCells} cells, fewer than ${MIN_MARKED_CELLS}`,
      { markedCells, minimum: MIN_MARKED_CELLS },
    );
    await requireActor(ledger, delivery.recipient);
    await ensureNotBlacklisted(ledger, delivery.recipient, now);
  }
  // 9
  if (body.outputGrade !== undefined && body.outputGrade < highest) {
    ensure(
      GRADE_LOWERING_OPERATIONS.includes(body.operation),
      "GRADE_DOWNGRADE_FORBIDDEN",
      `${body.operation} cannot lower grade ${highest}`,
      { grade: highest, outputGrade: body.outputGrade },
    );
  }
  ledger.put(K.hop, [body.id], {
    id: body.id,
    grantId: grant.id,
    productId: product.id,
    actor: author.orgId,
    outputHash: body.outputHash,
    outputGrade: body.outputGrade ?? highest,
  } satisfies HopState);
  recordDerivation(ledger, body.id, await deriveFrom(ledger, body.inputs));
  ledger.put(K.hopOfProduct, [product.id, body.id], 1);
  ledger.put(K.hopOfGrant, [grant.id, body.id], 1);
  ledger.put(K.product, [product.id], { ...product, hopCount: product.hopCount + 1 } satisfies ProductState);
};

async function liveAdmission(ledger: Ledger, grant: GrantState, orgId: string, now: number): Promise<PartnerState> {
  const admissionId = await ledger.get<string>(K.liveAdmission, grant.id, orgId);
  const admission = admissionId === undefined ? undefined : await ledger.get<PartnerState>(K.partner, admissionId);
  ensure(
    admission && admission.status === "approved" && now < admission.validUntil,
    "PARTNER_NOT_ADMITTED",
    `${orgId} on grant ${grant.id}`,
    { orgId },
  );
  return admission;
}

async function inputGrade(
  ledger: Ledger,
  grant: GrantState,
  admission: PartnerState | undefined,
  input: HopInput,
): Promise<number> {
  if (input.kind === "artifact") {
    const hop = await ledger.get<HopState>(K.hop, input.hopId);
    ensure(hop && hop.grantId === grant.id, "ARTIFACT_UNKNOWN", `hop ${input.hopId} of grant ${grant.id}`, {
      hopId: input.hopId,
    });
    ensure(hop.outputHash === input.hash, "ARTIFACT_HASH_MISMATCH", `hop ${hop.id} output`, { hopId: hop.id });
    // A partner reaches through an artifact only what its admission would let it take directly.
    if (admission) {
      for (const entry of await derivationOf(ledger, hop.id))
        ensure(
          withinScope(admission.scope, entry),
          "PARTNER_OUT_OF_SCOPE",
          `hop ${hop.id} derives from resource ${entry.resourceId}`,
          { admissionId: admission.id, id: hop.id },
        );
    }
    return hop.outputGrade;
  }
  const granted = scopeEntry(grant.scope, input.resourceId);
  ensure(granted, "RESOURCE_NOT_GRANTED", `resource ${input.resourceId}`, { resourceId: input.resourceId });
  const resource = await ledger.get<ResourceState>(K.resource, input.resourceId);
  ensure(resource, "NOT_FOUND", `resource ${input.resourceId}`, { id: input.resourceId });
  ensure(resource.status === "active", "RESOURCE_NOT_ACTIVE", `resource ${resource.id} is withdrawn`, {
    resourceId: resource.id,
  });
  const version = resource.versions.find((v) => v.version === input.version);
  ensure(version, "NOT_FOUND", `version ${input.version} of ${resource.id}`, { id: resource.id });
  for (const field of input.fields)
    ensure(granted.fields.includes(field), "FIELD_NOT_GRANTED", `${resource.id}.${field}`, {
      resourceId: resource.id,
      field,
    });
  if (admission) {
    ensure(
      withinScope(admission.scope, { resourceId: input.resourceId, fields: input.fields }),
      "PARTNER_OUT_OF_SCOPE",
      `resource ${input.resourceId}`,
      { admissionId: admission.id, id: input.resourceId },
    );
  }
  return version.grade;
}
