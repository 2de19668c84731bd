import type { OperationBody, OperationName } from "../../core/operations.ts";
import { addCalendarYears } from "../../core/time.ts";
import { LedgerClient, type SubmitResponse } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import type { RunningService } from "../../ledger-service/src/service.ts";
import {
  GRANT_SCOPE,
  R1_FIELDS,
  R2_FIELDS,
  admissionBody,
  deliverBody,
  h,
  hopBody,
  productBody,
  resourceBody,
} from "./fixtures.ts";
import { MEMBERS, actorBody, org, type ActorName } from "./world.ts";

/**
 * A small, complete story played over HTTP against a running service, with the conformance
 * cast (its keys and bodies) and the service's own agency: actors, two reviewed resources, a
 * price cap, grant G1 to `op`, product P1 with hop H1 and delivery D1 to `con`, partner `pa`
 * admitted. Times are the chain's own (wall clock on the embedded chain).
 */
export type Cast = Exclude<ActorName, "agency">;
export const STORY_CAST: readonly Cast[] = ["su1", "su2", "op", "op2", "pa", "ex", "sup", "con"];

export function clientsFor(service: RunningService, baseUrl: string): Record<ActorName, LedgerClient> {
  const out = {
    agency: new LedgerClient({
      baseUrl,
      identity: { orgId: service.agencyOrgId, privateKey: service.keyring.agency.privateKey },
    }),
  } as Record<ActorName, LedgerClient>;
  for (const name of STORY_CAST)
    out[name] = new LedgerClient({ baseUrl, identity: { orgId: org(name), privateKey: MEMBERS[name].sm2PrivateKey } });
  return out;
}

export async function playStory(
  service: RunningService,
  c: Record<ActorName, LedgerClient>,
): Promise<Record<string, SubmitResponse>> {
  const done: Record<string, SubmitResponse> = {};
  const submit = async <O extends OperationName>(label: string, who: ActorName, op: O, body: unknown) => {
    done[label] = await c[who].submit(op, body as OperationBody<O>);
  };
  for (const name of STORY_CAST) await submit(`actor:${name}`, "agency", "actor.register", actorBody(name));
  const holder = { holder: service.agencyOrgId };
  await submit("review:R1", "su1", "resource.review", {
    resourceId: "R1",
    schemaHash: resourceBody("R1", R1_FIELDS, 2).schemaHash,
    decision: "approved",
    reportHash: h("review-R1"),
  });
  await submit("review:R2", "su2", "resource.review", {
    resourceId: "R2",
    schemaHash: resourceBody("R2", R2_FIELDS, 3).schemaHash,
    decision: "approved",
    reportHash: h("review-R2"),
  });
  await submit("resource:R1", "agency", "resource.register", resourceBody("R1", R1_FIELDS, 2, ["su1"], holder));
  await submit("resource:R2", "agency", "resource.register", resourceBody("R2", R2_FIELDS, 3, ["su2"], holder));
  await submit("cap", "agency", "cap.set", { domain: "finance", chargeUnit: "per-call", maxPriceFen: 1000 });
  const now = await service.backend.now();
  await submit("grant", "agency", "grant.issue", {
    id: "G1",
    grantee: org("op"),
    scope: GRANT_SCOPE,
    scenarios: ["credit assessment"],
    validFrom: now,
    validUntil: addCalendarYears(now, 2),
    agreementHash: h("agreement"),
  });
  await submit("product", "op", "product.register", productBody());
  await submit("hop:H1", "op", "lineage.hop", hopBody("H1"));
  await submit("delivery:D1", "op", "lineage.hop", deliverBody("D1"));
  await submit("partner:propose", "op", "partner.propose", admissionBody({ time: () => now }));
  await submit("partner:approve", "agency", "partner.approve", { admissionId: "A1" });
  return done;
}

/**
 * Moves this process's wall clock (`Date.now`) forward by `seconds` until the returned function
 * is called. For a service started in this process on the embedded chain, that is the chain's
 * clock: each block is stamped with the wall clock (never earlier than the block before), and
 * the service and its clients stamp and check request times with the same clock. Dry runs are
 * evaluated by the EVM against its own pending block, whose time only follows once a block has
 * been mined at the new time: submit one accepted record before relying on the later time in a
 * rule check. Restoring the clock does not turn the chain back; its blocks keep the later time
 * until the wall clock catches up.
 */
export function advanceWallClock(seconds: number): () => void {
  const real = Date.now;
  const shift = seconds * 1000;
  Date.now = () => real() + shift;
  return () => {
    Date.now = real;
  };
}
