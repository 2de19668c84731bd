import * as grpc from "@grpc/grpc-js";
import type { ChannelLedger, StoredBlock } from "./channel-ledger.ts";
import { EndorsementError, type Endorser } from "./endorser.ts";
import { rpcError, type EndpointError } from "./gateway-errors.ts";
import { IdentityError, type MspRegistry } from "./msp.ts";
import type { Orderer } from "./orderer.ts";
import { bytes, gateway, peer } from "./protos.ts";
import { MalformedError, preparedTransaction, unpackEnvelope } from "./transaction.ts";

/**
 * The Fabric Gateway service (gateway.Gateway) of the emulated peer, answering the real
 * @hyperledger/fabric-gateway client as internal/pkg/gateway does:
 *
 * - Endorse: process the proposal, return the prepared transaction (unsigned envelope);
 * - Submit: check the signed envelope as the orderer would and hand it to the orderer;
 * - CommitStatus: block until the transaction is in a committed block, then give its
 *   validation code and block number;
 * - Evaluate: process the proposal and return the chaincode's response, nothing ordered;
 * - ChaincodeEvents: stream, block by block from the start position (or from the block of
 *   `after_transaction_id`, skipping events up to and including that transaction), the events
 *   of valid transactions of the requested chaincode; blocks without such events are skipped.
 *
 * Errors carry gateway.ErrorDetail entries with this peer's address and MSP id, and use the
 * gateway's status codes and messages.
 */
export interface GatewayContext {
  readonly channel: string;
  readonly mspId: string;
  readonly msps: MspRegistry;
  readonly endorser: Endorser;
  address(): string;
  ledger(): ChannelLedger;
  orderer(): Orderer;
}

type Callback<T> = grpc.sendUnaryData<T>;

export function gatewayService(ctx: GatewayContext): grpc.UntypedServiceImplementation {
  const detail = (message: string): EndpointError[] => [{ address: ctx.address(), mspId: ctx.mspId, message }];

  async function endorse(
    call: grpc.ServerUnaryCall<gateway.EndorseRequest, gateway.EndorseResponse>,
    callback: Callback<gateway.EndorseResponse>,
  ) {
    try {
      const endorsed = await ctx.endorser.process(call.request.getProposedTransaction(), { forCommit: true });
      const response = new gateway.EndorseResponse();
      response.setPreparedTransaction(
        preparedTransaction(endorsed.proposal, endorsed.proposalResponsePayload, [endorsed.endorsement]),
      );
      callback(null, response);
    } catch (err) {
      if (err instanceof MalformedError) return callback(rpcError(grpc.status.INVALID_ARGUMENT, err.message));
      callback(
        rpcError(
          grpc.status.ABORTED,
          "failed to endorse transaction, see attached details for more info",
          detail(messageOf(err)),
        ),
      );
    }
  }

  async function evaluate(
    call: grpc.ServerUnaryCall<gateway.EvaluateRequest, gateway.EvaluateResponse>,
    callback: Callback<gateway.EvaluateResponse>,
  ) {
    try {
      const endorsed = await ctx.endorser.process(call.request.getProposedTransaction(), { forCommit: false });
      const result = new peer.Response();
      result.setStatus(endorsed.result.status);
      result.setMessage(endorsed.result.message);
      result.setPayload(endorsed.result.payload);
      const response = new gateway.EvaluateResponse();
      response.setResult(result);
      callback(null, response);
    } catch (err) {
      if (err instanceof MalformedError)
        return callback(
          rpcError(grpc.status.INVALID_ARGUMENT, `failed to unpack transaction proposal: ${err.message}`),
        );
      const message = messageOf(err);
      if (err instanceof EndorsementError && err.kind === "chaincode")
        return callback(
          rpcError(grpc.status.UNKNOWN, `evaluate call to endorser returned error: ${message}`, detail(message)),
        );
      if (err instanceof EndorsementError && err.kind === "client")
        return callback(
          rpcError(
            grpc.status.FAILED_PRECONDITION,
            `evaluate call to endorser returned error: ${message}`,
            detail(message),
          ),
        );
      callback(
        rpcError(
          grpc.status.ABORTED,
          "failed to evaluate transaction, see attached details for more info",
          detail(message),
        ),
      );
    }
  }

  function submit(
    call: grpc.ServerUnaryCall<gateway.SubmitRequest, gateway.SubmitResponse>,
    callback: Callback<gateway.SubmitResponse>,
  ) {
    const envelope = call.request.getPreparedTransaction();
    if (!envelope) return callback(rpcError(grpc.status.INVALID_ARGUMENT, "a prepared transaction is required"));
    if (bytes(envelope.getSignature()).length === 0)
      return callback(rpcError(grpc.status.INVALID_ARGUMENT, "prepared transaction must be signed"));
    const refuse = (status: string, info: string) =>
      callback(
        rpcError(grpc.status.ABORTED, `received unsuccessful response from orderer: status=${status}, info=${info}`),
      );
    let unpacked;
    try {
      unpacked = unpackEnvelope(envelope);
    } catch (err) {
      return refuse("BAD_REQUEST", messageOf(err));
    }
    if (unpacked.channel !== ctx.channel)
      return callback(rpcError(grpc.status.FAILED_PRECONDITION, `channel ${unpacked.channel} not found`));
    try {
      ctx.msps.verify(unpacked.creator, unpacked.payloadBytes, unpacked.signature);
    } catch (err) {
      if (err instanceof IdentityError) return refuse("FORBIDDEN", `implicit policy evaluation failed: ${err.message}`);
      throw err;
    }
    ctx.orderer().broadcast(envelope.serializeBinary());
    callback(null, new gateway.SubmitResponse());
  }

  function commitStatus(
    call: grpc.ServerUnaryCall<gateway.SignedCommitStatusRequest, gateway.CommitStatusResponse>,
    callback: Callback<gateway.CommitStatusResponse>,
  ) {
    let request;
    try {
      request = gateway.CommitStatusRequest.deserializeBinary(call.request.getRequest_asU8());
      ctx.msps.verify(request.getIdentity_asU8(), call.request.getRequest_asU8(), call.request.getSignature_asU8());
    } catch (err) {
      if (err instanceof IdentityError)
        return callback(rpcError(grpc.status.PERMISSION_DENIED, `access denied: ${err.message}`));
      return callback(rpcError(grpc.status.INVALID_ARGUMENT, `invalid status request: ${messageOf(err)}`));
    }
    if (request.getChannelId() !== ctx.channel)
      return callback(rpcError(grpc.status.FAILED_PRECONDITION, `channel ${request.getChannelId()} not found`));
    const txId = request.getTransactionId();
    const ledger = ctx.ledger();
    let settled = false;
    const answer = (): boolean => {
      if (settled) return true;
      if (call.cancelled) return (settled = true);
      if (ledger.closed) {
        settled = true;
        callback(closedError(ledger, "while waiting for the transaction"));
        return true;
      }
      const tx = ledger.transaction(txId);
      if (!tx) return false;
      settled = true;
      const response = new gateway.CommitStatusResponse();
      response.setResult(tx.code);
      response.setBlockNumber(tx.blockNumber);
      callback(null, response);
      return true;
    };
    if (answer()) return;
    const stop = ledger.onBlock(() => {
      if (answer()) stop();
    });
    call.on("cancelled", () => {
      settled = true;
      stop();
    });
  }

  function chaincodeEvents(
    call: grpc.ServerWritableStream<gateway.SignedChaincodeEventsRequest, gateway.ChaincodeEventsResponse>,
  ) {
    const fail = (status: Partial<grpc.StatusObject>) => call.emit("error", status);
    let request;
    try {
      request = gateway.ChaincodeEventsRequest.deserializeBinary(call.request.getRequest_asU8());
      ctx.msps.verify(request.getIdentity_asU8(), call.request.getRequest_asU8(), call.request.getSignature_asU8());
    } catch (err) {
      if (err instanceof IdentityError)
        return fail(rpcError(grpc.status.PERMISSION_DENIED, `access denied: ${err.message}`));
      return fail(rpcError(grpc.status.INVALID_ARGUMENT, `invalid chaincode events request: ${messageOf(err)}`));
    }
    if (request.getChannelId() !== ctx.channel)
      return fail(rpcError(grpc.status.NOT_FOUND, `channel ${request.getChannelId()} not found`));
    const ledger = ctx.ledger();
    const chaincodeId = request.getChaincodeId();
    const after = request.getAfterTransactionId();
    let next: number;
    const afterTx = after ? ledger.transaction(after) : undefined;
    const position = request.getStartPosition();
    if (afterTx) next = afterTx.blockNumber;
    else if (position?.hasSpecified()) next = position.getSpecified()!.getNumber();
    else if (!position || position.hasNextCommit() || position.getTypeCase() === 0) next = ledger.height;
    else return fail(rpcError(grpc.status.INVALID_ARGUMENT, "invalid start position type"));

    // Fabric's matcher: with after_transaction_id, skip events until that transaction's.
    let passedAfter = !after;
    const matches = (event: { chaincodeId: string; txId: string }) => {
      if (!passedAfter) {
        if (event.txId === after) passedAfter = true;
        return false;
      }
      return event.chaincodeId === chaincodeId;
    };
    const send = (block: StoredBlock) => {
      const events = block.transactions.flatMap((t) => (t.event && matches(t.event) ? [t.event] : []));
      if (events.length === 0) return;
      const response = new gateway.ChaincodeEventsResponse();
      response.setBlockNumber(block.number);
      response.setEventsList(
        events.map((e) => {
          const pb = new peer.ChaincodeEvent();
          pb.setChaincodeId(e.chaincodeId);
          pb.setTxId(e.txId);
          pb.setEventName(e.eventName);
          pb.setPayload(e.payload);
          return pb;
        }),
      );
      call.write(response);
    };
    const pump = () => {
      if (call.cancelled) return;
      if (ledger.closed) {
        stop();
        return fail(closedError(ledger, "during the events stream"));
      }
      for (let block = ledger.block(next); block; block = ledger.block(next)) {
        send(block);
        next++;
      }
    };
    const stop = ledger.onBlock(pump);
    call.on("cancelled", stop);
    pump();
  }

  return { endorse, evaluate, submit, commitStatus, chaincodeEvents } as unknown as grpc.UntypedServiceImplementation;
}

/**
 * What a waiting call gets when its ledger closes: a reset (a test hook) aborts it; a stopping
 * peer drops it as a real peer going down would, with UNAVAILABLE, so clients see an outage.
 */
function closedError(ledger: ChannelLedger, when: string): Partial<grpc.StatusObject> {
  return ledger.closedBy === "stop"
    ? rpcError(grpc.status.UNAVAILABLE, `the peer is shutting down (${when})`)
    : rpcError(grpc.status.ABORTED, `the emulated ledger was reset ${when}`);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
