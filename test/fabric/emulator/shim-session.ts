import * as grpc from "@grpc/grpc-js";
import { bytes, MessageType, peer, type MessageTypeCode } from "./protos.ts";

/**
 * The peer's end of the chaincode-as-a-service stream (Chaincode.Connect, where the peer dials
 * the chaincode server):
 *
 * - handshake: the chaincode speaks first with REGISTER (ChaincodeID = its --chaincode-id); the
 *   peer answers REGISTERED, then READY;
 * - each invocation is a TRANSACTION carrying ChaincodeInput and the SignedProposal; the
 *   chaincode then sends state requests tagged (channel id, tx id), which are routed to that
 *   transaction's handler and answered with RESPONSE or ERROR, and finishes with COMPLETED
 *   (payload: Response, plus the chaincode event) or ERROR;
 * - several transactions interleave on the one stream, hence the routing by channel + tx id;
 * - the peer never sends KEEPALIVE: fabric-shim ≤ 2.5.8 exits on any message it does not know
 *   in the ready state, KEEPALIVE included.
 */
export interface StateRequestHandler {
  handle(type: MessageTypeCode, payload: Uint8Array): Promise<{ type: MessageTypeCode; payload: Uint8Array }>;
}

export interface Completion {
  readonly status: number;
  readonly message: string;
  readonly payload: Uint8Array;
  readonly event: peer.ChaincodeEvent | undefined;
}

interface Running {
  readonly handler: StateRequestHandler;
  readonly resolve: (c: Completion) => void;
  readonly reject: (e: Error) => void;
}

/** What the real peer reports when the chaincode's stream goes away mid-transaction. */
export const STREAM_TERMINATED = "chaincode stream terminated";

export class ShimSession {
  private readonly running = new Map<string, Running>();
  private closed: Error | undefined;

  private constructor(
    private readonly client: grpc.Client,
    private readonly stream: grpc.ClientDuplexStream<peer.ChaincodeMessage, peer.ChaincodeMessage>,
    readonly chaincodeId: string,
  ) {
    stream.on("data", (msg: peer.ChaincodeMessage) => this.onMessage(msg));
    const end = (err?: Error) => this.terminate(new Error(`${STREAM_TERMINATED}${err ? `: ${err.message}` : ""}`));
    stream.on("error", end);
    stream.on("end", () => end());
  }

  /**
   * Dials the chaincode server at `address` and completes the handshake. Rejects if the
   * chaincode does not register within `timeoutMs`, or registers under another id than
   * `expectedId` (when given).
   */
  static async connect(
    address: string,
    options: { expectedId?: string; timeoutMs?: number } = {},
  ): Promise<ShimSession> {
    const client = new peer.ChaincodeClient(address, grpc.credentials.createInsecure());
    const stream = client.connect();
    const registered = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => fail(new Error(`the chaincode at ${address} did not register within ${options.timeoutMs ?? 10_000} ms`)),
        options.timeoutMs ?? 10_000,
      );
      const fail = (err: Error) => {
        clearTimeout(timer);
        stream.removeAllListeners();
        stream.cancel();
        client.close();
        reject(err);
      };
      stream.once("error", (err: Error) =>
        fail(new Error(`cannot connect to the chaincode at ${address}: ${err.message}`)),
      );
      stream.once("data", (msg: peer.ChaincodeMessage) => {
        if (msg.getType() !== MessageType.REGISTER)
          return fail(new Error(`the chaincode sent message type ${msg.getType()} before REGISTER`));
        const id = peer.ChaincodeID.deserializeBinary(bytes(msg.getPayload())).getName();
        if (options.expectedId !== undefined && id !== options.expectedId)
          return fail(new Error(`the chaincode registered as ${id}, expected ${options.expectedId}`));
        clearTimeout(timer);
        stream.removeAllListeners();
        resolve(id);
      });
    });
    stream.write(message(MessageType.REGISTERED, new Uint8Array()));
    stream.write(message(MessageType.READY, new Uint8Array()));
    return new ShimSession(client, stream, registered);
  }

  get alive(): boolean {
    return this.closed === undefined;
  }

  /** Runs one invocation to completion; state requests go to `handler`. */
  execute(
    channel: string,
    txId: string,
    input: peer.ChaincodeInput,
    proposal: peer.SignedProposal,
    handler: StateRequestHandler,
    timeoutMs = 30_000,
  ): Promise<Completion> {
    if (this.closed) return Promise.reject(this.closed);
    const key = routeKey(channel, txId);
    if (this.running.has(key))
      return Promise.reject(new Error(`transaction ${txId} is already executing on channel ${channel}`));
    return new Promise<Completion>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.running.delete(key);
        reject(new Error(`timeout expired while executing transaction ${txId}`));
      }, timeoutMs);
      this.running.set(key, {
        handler,
        resolve: (c) => {
          clearTimeout(timer);
          resolve(c);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      const msg = message(MessageType.TRANSACTION, input.serializeBinary(), channel, txId);
      msg.setProposal(proposal);
      this.stream.write(msg);
    });
  }

  close(): void {
    this.terminate(new Error(`${STREAM_TERMINATED}: the peer closed the connection`));
    this.stream.cancel();
    this.client.close();
  }

  private terminate(err: Error): void {
    if (this.closed) return;
    this.closed = err;
    for (const run of this.running.values()) run.reject(err);
    this.running.clear();
  }

  private onMessage(msg: peer.ChaincodeMessage): void {
    const key = routeKey(msg.getChannelId(), msg.getTxid());
    const run = this.running.get(key);
    const type = msg.getType();
    if (type === MessageType.COMPLETED || type === MessageType.ERROR) {
      if (!run) return;
      this.running.delete(key);
      if (type === MessageType.ERROR) {
        run.reject(new Error(Buffer.from(bytes(msg.getPayload())).toString("utf8")));
        return;
      }
      const response = peer.Response.deserializeBinary(bytes(msg.getPayload()));
      const event = msg.getChaincodeEvent();
      run.resolve({
        status: response.getStatus(),
        message: response.getMessage(),
        payload: bytes(response.getPayload()),
        event: event && event.getEventName() ? event : undefined,
      });
      return;
    }
    if (!run) {
      this.reply(
        msg,
        MessageType.ERROR,
        Buffer.from(`no transaction ${msg.getTxid()} is executing on channel ${msg.getChannelId()}`),
      );
      return;
    }
    void run.handler.handle(type, bytes(msg.getPayload())).then(
      (reply) => this.reply(msg, reply.type, reply.payload),
      (err: unknown) =>
        this.reply(msg, MessageType.ERROR, Buffer.from(err instanceof Error ? err.message : String(err))),
    );
  }

  private reply(to: peer.ChaincodeMessage, type: MessageTypeCode, payload: Uint8Array): void {
    if (this.closed) return;
    this.stream.write(message(type, payload, to.getChannelId(), to.getTxid()));
  }
}

function routeKey(channel: string, txId: string): string {
  return `${channel}\u0000${txId}`;
}

function message(type: MessageTypeCode, payload: Uint8Array, channel = "", txId = ""): peer.ChaincodeMessage {
  const msg = new peer.ChaincodeMessage();
  msg.setType(type);
  msg.setPayload(payload);
  msg.setChannelId(channel);
  msg.setTxid(txId);
  return msg;
}
