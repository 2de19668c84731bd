import { ensure } from "../../../core/errors.ts";
import type { Handler } from "./tx.ts";
import { K, type ActorState } from "./state.ts";

/** actor.register: the agency admits an organisation with one role and its keys. */
export const registerActor: Handler<"actor.register"> = async ({ ledger }, body) => {
  ensure(!(await ledger.has(K.actor, body.orgId)), "DUPLICATE_ID", `organisation ${body.orgId} is already registered`, {
    id: body.orgId,
  });
  ensure(body.role !== "agency", "ACTOR_ROLE_INVALID", "there is one implementing agency, registered at bootstrap", {
    orgId: body.orgId,
  });
  if (body.evmAddress) {
    const boundTo = await ledger.get<string>(K.evmAddress, body.evmAddress);
    ensure(boundTo === undefined, "DUPLICATE_ID", `address ${body.evmAddress} is bound to ${boundTo}`, {
      id: boundTo,
    });
    ledger.put(K.evmAddress, [body.evmAddress], body.orgId);
  }
  ledger.put(K.actor, [body.orgId], body satisfies ActorState);
};
