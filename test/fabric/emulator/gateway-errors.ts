import * as grpc from "@grpc/grpc-js";
import { anyOf, gateway, google } from "./protos.ts";

/**
 * Gateway errors in the form fabric-gateway clients parse: a gRPC status whose
 * `grpc-status-details-bin` trailer is a google.rpc.Status carrying one gateway.ErrorDetail
 * {address, msp_id, message} per endpoint that failed (internal/pkg/gateway newRpcError).
 */
export interface EndpointError {
  readonly address: string;
  readonly mspId: string;
  readonly message: string;
}

export function rpcError(
  code: grpc.status,
  message: string,
  details: readonly EndpointError[] = [],
): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  if (details.length > 0) {
    const status = new google.rpc.Status();
    status.setCode(code);
    status.setMessage(message);
    status.setDetailsList(
      details.map((d) => {
        const detail = new gateway.ErrorDetail();
        detail.setAddress(d.address);
        detail.setMspId(d.mspId);
        detail.setMessage(d.message);
        return anyOf("gateway.ErrorDetail", detail);
      }),
    );
    metadata.set("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return { code, details: message, metadata };
}
