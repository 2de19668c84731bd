import type { Scenario, WriteStep } from "../../../scripts/scenarios/scenario.ts";
import { admissionBody, h, hopBody, withLineage, withPartner } from "../../../scripts/scenarios/fixtures.ts";

/** A partner's scope follows derived data: an artifact carries every resource and field behind it. */

const artifact = (hopId: string) => ({ kind: "artifact", hopId, hash: h(`${hopId}-out`) });
const r1 = (fields: string[]) => ({ kind: "resource", resourceId: "R1", version: 1, fields, hash: h("R1-v1") });
const r2 = (fields: string[]) => ({ kind: "resource", resourceId: "R2", version: 1, fields, hash: h("R2-v1") });

/** The operator fuses R2.amount with H1 (R1.a,b) into H2, then cleans H2 into H3: H3 derives from R1 and R2 two hops back. */
const fusedTwoHops: WriteStep[] = [
  {
    as: "op",
    op: "lineage.hop",
    body: hopBody("H2", { operation: "fuse", inputs: [r2(["amount"]), artifact("H1")], environment: "tee" }),
  },
  { as: "op", op: "lineage.hop", body: hopBody("H3", { inputs: [artifact("H2")], environment: "tee" }) },
];

export const derivationScenarios: Scenario[] = [
  {
    name: "a partner admitted for one resource cannot work on an artifact derived from another",
    rule: "lineage.hop step 6 (derived data)",
    steps: [
      ...withPartner,
      ...fusedTwoHops,
      // H3 takes R2 in through H2, two hops back: the partner was admitted for R1 only.
      {
        as: "pa",
        op: "lineage.hop",
        body: hopBody("H4", { inputs: [artifact("H3")], environment: "tee" }),
        expect: "PARTNER_OUT_OF_SCOPE",
      },
      {
        as: "pa",
        op: "lineage.hop",
        body: hopBody("H4", { inputs: [artifact("H2")], environment: "tee" }),
        expect: "PARTNER_OUT_OF_SCOPE",
      },
      // H1 derives from R1.a,b only, exactly the admission.
      { as: "pa", op: "lineage.hop", body: hopBody("H4", { inputs: [artifact("H1")] }) },
      { view: { kind: "hop", id: "H4" }, expect: { outputGrade: 2 } },
    ],
  },
  {
    name: "a partner admitted for both resources works on their fused artifact, at its grade",
    rule: "lineage.hop steps 6–7 (derived data)",
    steps: [
      ...withLineage,
      {
        as: "op",
        op: "partner.propose",
        body: (c) =>
          admissionBody(c, {
            scope: [
              { resourceId: "R1", fields: ["a", "b"] },
              { resourceId: "R2", fields: ["amount"] },
            ],
          }),
      },
      { as: "agency", op: "partner.approve", body: { admissionId: "A1" } },
      ...fusedTwoHops,
      // The artifact's grade is R2's, two hops back: a privacy environment is still needed.
      {
        as: "pa",
        op: "lineage.hop",
        body: hopBody("H4", { inputs: [artifact("H3")], environment: "plain" }),
        expect: "PRIVACY_ENV_REQUIRED",
      },
      { as: "pa", op: "lineage.hop", body: hopBody("H4", { inputs: [artifact("H3")], environment: "mpc" }) },
      // The partner's own artifact carries the same derivation to the next hop.
      { as: "pa", op: "lineage.hop", body: hopBody("H5", { inputs: [artifact("H4")], environment: "tee" }) },
      { view: { kind: "hop", id: "H5" }, expect: { outputGrade: 3 } },
    ],
  },
  {
    name: "one field beyond the admission behind an artifact is out of scope, even de-identified",
    rule: "lineage.hop step 6 (derived data, boundary)",
    steps: [
      ...withPartner,
      // R1.c is granted to the operator, not admitted to the partner (R1.a,b).
      { as: "op", op: "lineage.hop", body: hopBody("H2", { inputs: [r1(["a", "b", "c"])] }) },
      {
        as: "pa",
        op: "lineage.hop",
        body: hopBody("H3", { inputs: [artifact("H2")] }),
        expect: "PARTNER_OUT_OF_SCOPE",
      },
      // Lowering the grade does not change what the data derives from.
      {
        as: "op",
        op: "lineage.hop",
        body: hopBody("H3", {
          operation: "de-identify",
          inputs: [r2(["name"]), artifact("H1")],
          outputGrade: 1,
          environment: "tee",
        }),
      },
      {
        as: "pa",
        op: "lineage.hop",
        body: hopBody("H4", { inputs: [artifact("H3")] }),
        expect: "PARTNER_OUT_OF_SCOPE",
      },
      // The grantee itself works on both, within its grant.
      { as: "op", op: "lineage.hop", body: hopBody("H4", { inputs: [artifact("H2"), artifact("H3")] }) },
      { as: "pa", op: "lineage.hop", body: hopBody("H5", { inputs: [artifact("H1"), r1(["b"])] }) },
    ],
  },
];
