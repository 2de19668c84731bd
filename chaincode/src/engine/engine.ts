import { sm3Hex } from "../../../core/crypto/sm3.ts";
import { ensure, LedgerError } from "../../../core/errors.ts";
import { OPERATIONS, type OperationName } from "../../../core/operations.ts";
import {
  parseSignedRecord,
  recordHash as hashOf,
  recordId,
  verifyRecord,
  type SignedRecord,
} from "../../../core/record.ts";
import { registerActor } from "./actors.ts";
import { certifyDestruction } from "./destruction.ts";
import { anchorCheckpoint, blacklistOrganisation, recordEvaluation } from "./governance.ts";
import { closeGrant, fileExitNotice, issueGrant, resumeGrant, revokeGrant, startExit, suspendGrant } from "./grants.ts";
import { recordHop } from "./lineage.ts";
import { answerObjection, fileObjection, handleComplaint, lodgeComplaint, raiseAlert } from "./oversight.ts";
import { approvePartner, proposePartner, revokePartner } from "./partners.ts";
import { delistProduct, listProduct, registerProduct, repriceProduct, setPriceCap } from "./products.ts";
import { issueReport } from "./reports.ts";
import { publishVersion, registerResource, reviewResource, withdrawResource } from "./resources.ts";
import { recordRevenueGuidance, reportRevenue, setRevenueMaximum } from "./revenue.ts";
import { publishServiceList } from "./service-list.ts";
import { K, type ActorState } from "./state.ts";
import { isRelay, ORG_ATTRIBUTE, type Handler, type Submitter, type Tx, type TxContext } from "./tx.ts";

const HANDLERS: { [O in Exclude<OperationName, "actor.bootstrap">]: Handler<O> } = {
  "actor.register": registerActor,
  "resource.review": reviewResource,
  "resource.register": registerResource,
  "resource.version": publishVersion,
  "resource.withdraw": withdrawResource,
  "grant.issue": issueGrant,
  "grant.suspend": suspendGrant,
  "grant.resume": resumeGrant,
  "grant.revoke": revokeGrant,
  "grant.exitNotice": fileExitNotice,
  "grant.exit": startExit,
  "grant.close": closeGrant,
  "partner.propose": proposePartner,
  "partner.approve": approvePartner,
  "partner.revoke": revokePartner,
  "cap.set": setPriceCap,
  "product.register": registerProduct,
  "product.reprice": repriceProduct,
  "report.issue": issueReport,
  "product.list": listProduct,
  "product.delist": delistProduct,
  "revenue.setMaximum": setRevenueMaximum,
  "revenue.report": reportRevenue,
  "revenue.guide": recordRevenueGuidance,
  "serviceList.publish": publishServiceList,
  "lineage.hop": recordHop,
  "destruction.certify": certifyDestruction,
  "blacklist.add": blacklistOrganisation,
  "evaluation.record": recordEvaluation,
  "anchor.checkpoint": anchorCheckpoint,
  "complaint.lodge": lodgeComplaint,
  "complaint.handle": handleComplaint,
  "objection.file": fileObjection,
  "objection.answer": answerObjection,
  "alert.raise": raiseAlert,
};

/**
 * Operations checked for replays by record hash: those that do not create a record (creations
 * are unique by id) except anchors, whose strictly growing tree size already makes each one
 * unique (a replayed anchor fails ANCHOR_NOT_MONOTONIC), which keeps anchoring cheap on the EVM.
 */
function isReplayable(op: OperationName): boolean {
  return !OPERATIONS[op].creates && op !== "anchor.checkpoint";
}

/** The one chaincode event of an accepted transaction. */
export interface LedgerEvent {
  readonly name: string;
  readonly payload: { kind: string; id: string; recordHash: string; signed: SignedRecord };
}

/**
 * Executes one signed record against world state: the rulebook's preamble (schema, author,
 * signature, submitter binding, replay, role), then the operation's rules. Throws LedgerError
 * on the first failing check, having written nothing; otherwise flushes the writes and returns
 * the event to emit.
 */
export async function execute(ctx: TxContext, expectedOp: OperationName, input: unknown): Promise<LedgerEvent> {
  const signed = parseSignedRecord(typeof input === "string" ? parseJson(input) : input);
  const { record } = signed;
  ensure(record.op === expectedOp, "INVALID_RECORD", `the record is a ${record.op}, submitted as ${expectedOp}`);
  const recordHash = hashOf(record);
  const spec = OPERATIONS[record.op];

  if (record.op === "actor.bootstrap") {
    await bootstrap(ctx, signed as SignedRecord<"actor.bootstrap">);
  } else {
    const author = await ctx.ledger.get<ActorState>(K.actor, record.actor);
    ensure(author, "NOT_AUTHORIZED", `${record.actor} is not a registered actor`, { orgId: record.actor });
    ensure(
      ctx.signatures?.has(recordHash, signed.signature, author.publicKey) === true ||
        verifyRecord(signed, author.publicKey),
      "BAD_SIGNATURE",
      `the record does not verify against ${author.orgId}'s key`,
      {
        orgId: author.orgId,
      },
    );
    ensure(
      isBound(ctx.submitter, author),
      "NOT_AUTHORIZED",
      `the submitter (${ctx.submitter.mspId}) is not bound to ${author.orgId}`,
      { orgId: author.orgId },
    );
    if (isReplayable(record.op))
      ensure(
        !(await ctx.ledger.has(K.seen, recordHash)),
        "REPLAYED_RECORD",
        `record ${recordHash} was accepted before`,
        {
          recordHash,
        },
      );
    if (!(spec.roles as readonly string[]).includes(author.role)) {
      if (record.op === "grant.issue" && (author.role === "operator" || author.role === "partner"))
        throw new LedgerError("REGRANT_FORBIDDEN", `${author.orgId} is a ${author.role}`, { orgId: author.orgId });
      throw new LedgerError("NOT_AUTHORIZED", `a ${author.role} may not ${record.op}`, { orgId: author.orgId });
    }
    const tx: Tx = { ...ctx, signed, record, recordHash, author };
    await (HANDLERS[record.op as Exclude<OperationName, "actor.bootstrap">] as Handler<OperationName>)(tx, record.body);
  }
  ctx.ledger.put(K.seen, [recordHash], 1);
  await ctx.ledger.flush();
  return { name: spec.event, payload: { kind: spec.kind, id: recordId(record), recordHash, signed } };
}

async function bootstrap(ctx: TxContext, signed: SignedRecord<"actor.bootstrap">): Promise<void> {
  const body = signed.record.body;
  const agency = await ctx.ledger.get<string>(K.meta, "agency");
  ensure(agency === undefined, "ALREADY_BOOTSTRAPPED", `the agency is ${agency}`, { orgId: agency });
  ensure(body.role === "agency", "ACTOR_ROLE_INVALID", "the bootstrap actor is the implementing agency", {
    orgId: body.orgId,
  });
  ensure(
    signed.record.actor === body.orgId,
    "INVALID_RECORD",
    "the bootstrap record must be authored by the agency itself",
  );
  ensure(verifyRecord(signed, body.publicKey), "BAD_SIGNATURE", "the record does not verify against its own key", {
    orgId: body.orgId,
  });
  ensure(isRelay(ctx.submitter), "NOT_AUTHORIZED", "only an identity with pdl.role=agency may bootstrap", {
    orgId: body.orgId,
  });
  ctx.ledger.put(K.meta, ["agency"], body.orgId);
  ctx.ledger.put(K.actor, [body.orgId], body satisfies ActorState);
  if (body.evmAddress) ctx.ledger.put(K.evmAddress, [body.evmAddress], body.orgId);
}

/**
 * The submitter may act for the author when it is the author's bound Fabric identity (same MSP,
 * and the pinned certificate or the pdl.org attribute), or the platform's relay.
 */
export function isBound(submitter: Submitter, author: ActorState): boolean {
  if (isRelay(submitter)) return true;
  const fabric = author.fabric;
  if (!fabric || fabric.mspId !== submitter.mspId) return false;
  if (fabric.certSm3 !== undefined) return sm3Hex(submitter.certificateDer) === fabric.certSm3;
  return submitter.attributes[ORG_ATTRIBUTE] === author.orgId;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new LedgerError("INVALID_RECORD", "the argument is not JSON");
  }
}
