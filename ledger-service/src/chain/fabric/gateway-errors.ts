import { GatewayError } from "@hyperledger/fabric-gateway";
import { ledgerErrorFromMessage, LedgerError } from "../../../../core/errors.ts";
import { ChainUnavailableError } from "../backend.ts";

/**
 * How Fabric failures reach the service:
 *
 * - a rule failure is a chaincode error: the gateway reports "chaincode response 500,
 *   <CODE>: <message>" in the error's details (not its message, which only says "see attached
 *   details"); it becomes the LedgerError with that rulebook code;
 * - a transport failure (peer unreachable, deadline) becomes ChainUnavailableError;
 * - a transaction that stayed invalid after the bounded retries (MVCC or phantom conflicts) is a
 *   ChainConflictError, the rulebook's CHAIN_CONFLICT; one invalid for any other reason is a
 *   FabricTransactionError naming its validation code;
 * - anything else the gateway refused (signature, access, malformed) is a FabricGatewayRefusal
 *   carrying the gateway's details.
 */
export class ChainConflictError extends LedgerError {
  constructor(
    readonly validationCode: string,
    readonly attempts: number,
    readonly transactionIds: readonly string[],
  ) {
    super(
      "CHAIN_CONFLICT",
      `${validationCode} on each of ${attempts} attempts (last transaction ${transactionIds[transactionIds.length - 1]})`,
      { validationCode, attempts },
    );
    this.name = "ChainConflictError";
  }
}

export class FabricTransactionError extends Error {
  constructor(
    readonly validationCode: string,
    readonly transactionId: string,
    readonly blockNumber: number,
  ) {
    super(`transaction ${transactionId} was committed invalid in block ${blockNumber}: ${validationCode}`);
    this.name = "FabricTransactionError";
  }
}

export class FabricGatewayRefusal extends Error {
  constructor(
    message: string,
    readonly grpcCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "FabricGatewayRefusal";
  }
}

/** gRPC status codes meaning the peer could not be reached or did not answer in time. */
const TRANSPORT = new Set([1 /* CANCELLED */, 4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */]);

const CHAINCODE_ERROR = /chaincode response \d+, ([A-Z][A-Z0-9_]*[A-Z0-9]:[\s\S]*)$/;

/** The LedgerError a chaincode error message carries (with its details), if it carries one. */
export function ledgerErrorIn(message: string): LedgerError | undefined {
  const m = CHAINCODE_ERROR.exec(message);
  return m ? ledgerErrorFromMessage(m[1]!) : undefined;
}

export function classify(err: unknown, context = "Fabric peer"): unknown {
  if (
    err instanceof LedgerError ||
    err instanceof ChainUnavailableError ||
    err instanceof FabricTransactionError ||
    err instanceof FabricGatewayRefusal
  )
    return err;
  if (err instanceof GatewayError) {
    if (TRANSPORT.has(err.code))
      return new ChainUnavailableError(`${context} unavailable: ${err.message}`, { cause: err });
    for (const text of [...err.details.map((d) => d.message), err.message]) {
      const ledgerError = ledgerErrorIn(text);
      if (ledgerError) return ledgerError;
    }
    const details = err.details.map((d) => `${d.mspId}@${d.address}: ${d.message}`).join("; ");
    return new FabricGatewayRefusal(details ? `${err.message} (${details})` : err.message, err.code, { cause: err });
  }
  if (err instanceof Error && /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|No connection established/.test(err.message)) {
    return new ChainUnavailableError(`${context} unavailable: ${err.message}`, { cause: err });
  }
  return err;
}
