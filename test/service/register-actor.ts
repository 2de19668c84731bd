import type { OperationBody } from "../../core/operations.ts";
import { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";
import type { RunningService } from "../../ledger-service/src/service.ts";

/** The agency of a running test service registers an organisation and its key (actor.register). */
export async function registerActor(service: RunningService, actor: OperationBody<"actor.register">): Promise<void> {
  const agency = new LedgerClient({
    baseUrl: `http://127.0.0.1:${service.address().port}`,
    identity: { orgId: service.agencyOrgId, privateKey: service.keyring.agency.privateKey },
  });
  await agency.submit("actor.register", actor);
}
