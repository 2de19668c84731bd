import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import { deliverBody, h, hopBody } from "../../scripts/scenarios/fixtures.ts";
import type { ActorName } from "../../scripts/scenarios/world.ts";

/**
 * More lineage after the service story (H1 from R1, D1 from H1): the admitted partner's hop H2
 * aggregating H1's artifact with R1's field a, its output graded 1, and a second delivery D2 to
 * `con` from H2. The lineage exports' tests read it.
 */
export async function playPartnerHops(c: Record<ActorName, LedgerClient>): Promise<void> {
  await c.pa.submit("lineage.hop", {
    ...hopBody("H2", { operation: "aggregate", outputGrade: 1 }),
    inputs: [
      { kind: "artifact", hopId: "H1", hash: h("H1-out") },
      { kind: "resource", resourceId: "R1", version: 1, fields: ["a"], hash: h("R1-v1") },
    ],
  } as never);
  await c.op.submit(
    "lineage.hop",
    deliverBody("D2", { inputs: [{ kind: "artifact", hopId: "H2", hash: h("H2-out") }] }) as never,
  );
}
