import type * as grpc from "@grpc/grpc-js";
import {
  connect,
  StatusCode,
  type ChaincodeEvent,
  type Contract,
  type Gateway,
  type Network,
  type Status,
  type Transaction,
} from "@hyperledger/fabric-gateway";
import { common, gateway as gatewayProtos } from "@hyperledger/fabric-protos";
import { LedgerError } from "../../../../core/errors.ts";
import { fabricFunctionName } from "../../../../core/operations.ts";
import { parseSignedRecord, recordHash, type SignedRecord } from "../../../../core/record.ts";
import type { OverdueGrant, StateView, ViewKey } from "../../../../core/views.ts";
import { ChainUnavailableError, type ChainEvent, type ChainRef, type LedgerBackend, type TxRef } from "../backend.ts";
import { ChainReader, type BlockTransaction } from "../../fabric-access/blocks.ts";
import { fabricCursor, isAfter, parseFabricCursor, type ChainPosition } from "../../fabric-access/cursor.ts";
import { ChainConflictError, classify, FabricTransactionError } from "./gateway-errors.ts";
import type { ClientIdentity } from "../../fabric-access/identity.ts";
import { dialPeer, type FabricConfig } from "../../fabric-access/peer-connection.ts";

/**
 * The ledger service's backend on Hyperledger Fabric, through a peer's Gateway service
 * (@hyperledger/fabric-gateway over @grpc/grpc-js):
 *
 * - submit: endorse the record's transaction ("<contract>:<function>", argument = the signed
 *   record as JSON), submit it, wait for its commit status. A transaction invalidated by a
 *   concurrent one (MVCC_READ_CONFLICT, PHANTOM_READ_CONFLICT) is endorsed again on the new
 *   state, up to `conflictRetries` times with a growing, jittered delay; the rules then run
 *   again, so a retry can also end in a rule error (e.g. REPLAYED_RECORD). If it stays in
 *   conflict: ChainConflictError (CHAIN_CONFLICT).
 * - simulate: endorse only (the rules run on a peer, nothing is ordered).
 * - view / overdue: evaluate the chaincode's "query" contract.
 * - events: the chaincode events (ChaincodeEvents) from the block of the cursor, up to the last
 *   event below the chain height at the time of the call; each event's cursor is
 *   "<block>:<transaction index>" and its time the transaction's timestamp, both read from the
 *   block (qscc), so a restart resumes exactly after the last event it handled.
 */
export interface FabricBackendOptions {
  /** The gRPC connection to the gateway peer. */
  readonly client: grpc.Client;
  readonly identity: ClientIdentity;
  readonly channel: string;
  readonly chaincode: string;
  /** Close `client` when the backend closes (true when the backend dialled it). */
  readonly ownsClient?: boolean;
  /** Re-endorsements of a transaction invalidated by a concurrent one (default 3). */
  readonly conflictRetries?: number;
  /** Delay before the first re-endorsement, doubled each time, ±50 % jitter (default 50 ms). */
  readonly retryDelayMs?: number;
  /** Told about each conflict before it is retried (metrics, logs, tests). */
  readonly onConflict?: (conflict: { attempt: number; validationCode: string; transactionId: string }) => void;
  /** Call deadlines in milliseconds. */
  readonly timeouts?: {
    readonly evaluate?: number;
    readonly endorse?: number;
    readonly submit?: number;
    readonly commitStatus?: number;
  };
}

const RETRYABLE: ReadonlySet<number> = new Set([StatusCode.MVCC_READ_CONFLICT, StatusCode.PHANTOM_READ_CONFLICT]);
const STATUS_NAMES = new Map<number, string>(Object.entries(StatusCode).map(([name, code]) => [code as number, name]));
const statusName = (code: number) => STATUS_NAMES.get(code) ?? `validation code ${code}`;
const deadline = (ms: number) => () => ({ deadline: Date.now() + ms });

/** The channel-header timestamp of a prepared transaction: the transaction's time on chain. */
function transactionTime(tx: Transaction): number {
  const prepared = gatewayProtos.PreparedTransaction.deserializeBinary(tx.getBytes());
  const payload = common.Payload.deserializeBinary(prepared.getEnvelope()?.getPayload_asU8() ?? new Uint8Array());
  const header = common.ChannelHeader.deserializeBinary(
    payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
  );
  return header.getTimestamp()?.getSeconds() ?? 0;
}

export class FabricBackend implements LedgerBackend {
  readonly ref: ChainRef;
  private readonly gateway: Gateway;
  private readonly network: Network;
  private readonly contract: Contract;
  private readonly reader: ChainReader;

  private constructor(private readonly options: FabricBackendOptions) {
    const t = options.timeouts ?? {};
    this.gateway = connect({
      client: options.client,
      identity: options.identity.identity,
      signer: options.identity.signer,
      hash: options.identity.hash,
      evaluateOptions: deadline(t.evaluate ?? 10_000),
      endorseOptions: deadline(t.endorse ?? 30_000),
      submitOptions: deadline(t.submit ?? 10_000),
      commitStatusOptions: deadline(t.commitStatus ?? 60_000),
    });
    this.network = this.gateway.getNetwork(options.channel);
    this.contract = this.network.getContract(options.chaincode);
    this.reader = new ChainReader(this.network.getContract("qscc"), options.channel, options.chaincode);
    this.ref = { type: "fabric", chainId: options.channel, contract: options.chaincode };
  }

  /** A backend over an existing connection and identity (any signer, e.g. SM2 on a GM fork). */
  static connect(options: FabricBackendOptions): FabricBackend {
    return new FabricBackend(options);
  }

  async simulate(signed: SignedRecord): Promise<void> {
    try {
      await this.contract
        .newProposal(fabricFunctionName(signed.record.op), { arguments: [JSON.stringify(signed)] })
        .endorse();
    } catch (err) {
      throw classify(err);
    }
  }

  async submit(signed: SignedRecord): Promise<TxRef> {
    const fn = fabricFunctionName(signed.record.op);
    const argument = JSON.stringify(signed);
    const retries = this.options.conflictRetries ?? 3;
    const attempted: string[] = [];
    for (let attempt = 0; ; attempt++) {
      const { tx, status } = await this.endorseAndCommit(fn, argument);
      attempted.push(status.transactionId);
      if (status.successful)
        return { txId: status.transactionId, blockNumber: Number(status.blockNumber), blockTime: transactionTime(tx) };
      if (!RETRYABLE.has(status.code))
        throw new FabricTransactionError(statusName(status.code), status.transactionId, Number(status.blockNumber));
      if (attempt >= retries) throw new ChainConflictError(statusName(status.code), attempt + 1, attempted);
      this.options.onConflict?.({
        attempt: attempt + 1,
        validationCode: statusName(status.code),
        transactionId: status.transactionId,
      });
      const base = (this.options.retryDelayMs ?? 50) * 2 ** attempt;
      await new Promise((resolve) => setTimeout(resolve, base * (0.5 + Math.random())));
    }
  }

  private async endorseAndCommit(fn: string, argument: string): Promise<{ tx: Transaction; status: Status }> {
    let tx: Transaction;
    try {
      tx = await this.contract.newProposal(fn, { arguments: [argument] }).endorse();
    } catch (err) {
      throw classify(err);
    }
    try {
      const submitted = await tx.submit();
      return { tx, status: await submitted.getStatus() };
    } catch (err) {
      const e = classify(err, `Fabric peer (transaction ${tx.getTransactionId()} may or may not commit)`);
      throw e;
    }
  }

  async view(key: ViewKey): Promise<StateView | undefined> {
    try {
      return JSON.parse(
        Buffer.from(await this.contract.evaluateTransaction("query:get", key.kind, key.id)).toString("utf8"),
      ) as StateView;
    } catch (err) {
      const e = classify(err);
      if (e instanceof LedgerError && e.code === "NOT_FOUND") return undefined;
      throw e;
    }
  }

  async overdue(at: number): Promise<OverdueGrant[]> {
    try {
      return JSON.parse(
        Buffer.from(await this.contract.evaluateTransaction("query:overdue", String(at))).toString("utf8"),
      ) as OverdueGrant[];
    } catch (err) {
      throw classify(err);
    }
  }

  async *events(after?: string): AsyncIterable<ChainEvent> {
    const from: ChainPosition = after === undefined ? { block: 0, index: -1 } : parseFabricCursor(after);
    let last: ChainPosition | undefined;
    try {
      const height = await this.reader.height();
      if (from.block >= height) return;
      last = await this.reader.lastEventAfter(from, height - 1);
    } catch (err) {
      throw classify(err);
    }
    if (!last) return;
    let stream;
    try {
      stream = await this.network.getChaincodeEvents(this.options.chaincode, { startBlock: BigInt(from.block) });
    } catch (err) {
      throw classify(err);
    }
    try {
      const iterator = stream[Symbol.asyncIterator]();
      for (;;) {
        let next: IteratorResult<ChaincodeEvent>;
        let tx: BlockTransaction;
        try {
          next = await iterator.next();
          if (next.done) throw new ChainUnavailableError("the Fabric peer ended the chaincode events stream");
          tx = await this.transactionOf(next.value);
        } catch (err) {
          throw classify(err);
        }
        const position = { block: Number(next.value.blockNumber), index: tx.index };
        if (!isAfter(position, from)) continue;
        if (isAfter(position, last)) break;
        const event = toChainEvent(next.value, position, tx.timestamp);
        if (event) yield event;
        if (position.block === last.block && position.index === last.index) break;
      }
    } finally {
      stream.close();
    }
  }

  /** The valid transaction of the block that emitted `event`. */
  private async transactionOf(event: ChaincodeEvent): Promise<BlockTransaction> {
    const block = await this.reader.block(Number(event.blockNumber));
    const tx = block.transactions.find((t) => t.valid && t.txId === event.transactionId);
    if (!tx)
      throw new Error(`transaction ${event.transactionId} is not a valid transaction of block ${event.blockNumber}`);
    return tx;
  }

  /** Fabric has no chain clock: the wall clock, once the peer has answered (a liveness check). */
  async now(): Promise<number> {
    try {
      await this.reader.height();
    } catch (err) {
      throw classify(err);
    }
    return Math.floor(Date.now() / 1000);
  }

  async close(): Promise<void> {
    this.gateway.close();
    if (this.options.ownsClient) this.options.client.close();
  }
}

/** The record in a chaincode event, or undefined for an event that carries none. */
function toChainEvent(event: ChaincodeEvent, position: ChainPosition, blockTime: number): ChainEvent | undefined {
  try {
    const payload = JSON.parse(Buffer.from(event.payload).toString("utf8")) as {
      recordHash?: string;
      signed?: unknown;
    };
    const signed = parseSignedRecord(payload.signed);
    const hash = recordHash(signed.record);
    if (payload.recordHash !== hash) return undefined;
    return {
      event: event.eventName,
      signed,
      recordHash: hash,
      txId: event.transactionId,
      blockNumber: position.block,
      blockTime,
      cursor: fabricCursor(position.block, position.index),
    };
  } catch {
    return undefined;
  }
}

/**
 * Opens the backend from the service configuration: TLS when `tlsCertPath` names the peer's
 * TLS CA certificate (`hostAlias` overriding the name checked against the peer's
 * certificate), the client identity from `certPath` (PEM certificate) and `keyPath` (PEM
 * private key, ECDSA P-256).
 */
export async function openFabricBackend(
  config: FabricConfig,
  options: Omit<FabricBackendOptions, "client" | "identity" | "channel" | "chaincode" | "ownsClient"> = {},
): Promise<FabricBackend> {
  const { client, identity } = await dialPeer(config);
  return FabricBackend.connect({
    ...options,
    client,
    identity,
    channel: config.channel,
    chaincode: config.chaincode,
    ownsClient: true,
  });
}
