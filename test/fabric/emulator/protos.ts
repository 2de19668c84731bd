import { createRequire } from "node:module";
import { common, gateway, google, ledger, msp, orderer, peer } from "@hyperledger/fabric-protos";

/**
 * The Fabric protobuf bindings the emulator speaks, plus the two well-known types
 * (Timestamp, Any) they embed. Those come from google-protobuf, which @hyperledger/fabric-protos
 * depends on but this project does not: resolve it through fabric-protos so both use the same
 * copy (jspb serialises embedded messages with the class's own writer).
 */
export { common, gateway, google, ledger, msp, orderer, peer };

export interface TimestampMessage {
  getSeconds(): number;
  getNanos(): number;
  setSeconds(value: number): void;
  setNanos(value: number): void;
}

interface AnyMessage {
  setTypeUrl(value: string): void;
  setValue(value: Uint8Array): void;
}

const fromProtos = createRequire(createRequire(import.meta.url).resolve("@hyperledger/fabric-protos"));
const { Timestamp } = fromProtos("google-protobuf/google/protobuf/timestamp_pb") as {
  Timestamp: new () => TimestampMessage;
};
const { Any } = fromProtos("google-protobuf/google/protobuf/any_pb") as { Any: new () => AnyMessage };

export function timestamp(seconds: number, nanos = 0): TimestampMessage {
  const ts = new Timestamp();
  ts.setSeconds(seconds);
  ts.setNanos(nanos);
  return ts;
}

/** A google.protobuf.Any wrapping `message` under its fully qualified type name. */
export function anyOf(typeName: string, message: { serializeBinary(): Uint8Array }): AnyMessage {
  const any = new Any();
  any.setTypeUrl(`type.googleapis.com/${typeName}`);
  any.setValue(message.serializeBinary());
  return any;
}

export const MessageType = peer.ChaincodeMessage.Type;
export type MessageTypeCode = (typeof MessageType)[keyof typeof MessageType];
export const TxValidationCode = peer.TxValidationCode;
export type TxValidationCodeValue = (typeof TxValidationCode)[keyof typeof TxValidationCode];

/** jspb returns bytes as Uint8Array or base64 string depending on the call; always bytes here. */
export const bytes = (value: Uint8Array | string): Buffer =>
  typeof value === "string"
    ? Buffer.from(value, "base64")
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
