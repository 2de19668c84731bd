import { isError, toBigInt, type Provider, type Signer, type TransactionRequest } from "ethers";
import { LedgerError } from "../../../../core/errors.ts";
import { recordHash, type SignedRecord } from "../../../../core/record.ts";
import type { OverdueGrant, StateView, ViewKey } from "../../../../core/views.ts";
import {
  ChainMismatchError,
  ChainUnavailableError,
  OutcomeUnknownError,
  type BatchOutcome,
  type ChainIdentity,
  type ChainEvent,
  type ChainRef,
  type LedgerBackend,
  type PendingTransaction,
  type TxRef,
} from "../backend.ts";
import { BATCH_BASE_GAS, batchCallGas, RegistryClient } from "./registry-client.ts";
import { relayedOutcome, signerRelay, type RelaySender } from "./relay.ts";

export interface EvmBackendOptions {
  /** Fee and gas settings of every transaction, e.g. zero fees on a private chain. */
  readonly overrides?: TransactionRequest;
  /** Blocks per eth_getLogs request when streaming events (default 5,000). */
  readonly logPage?: number;
  /** Called by close(), e.g. to stop an in-process chain. */
  readonly onClose?: () => Promise<void>;
  /** Largest gas limit of one batch transaction (default 15M, half a common 30M block). */
  readonly maxBatchGas?: bigint;
  /** How batch transactions are sent (default: through `signer` with `overrides`). */
  readonly relay?: RelaySender;
  /** How long the default relay waits for a sent transaction's receipt (default 30 s). */
  readonly receiptTimeoutMs?: number;
}

const DEFAULT_MAX_BATCH_GAS = 15_000_000n;

/** Consecutive runs of dry-run calls whose batch gas limit fits `maxGas` (a call too big alone gets its own). */
function chunksByGas<C extends { data: Uint8Array; gas: bigint }>(
  calls: readonly C[],
  maxGas: bigint,
): { calls: C[]; gasLimit: bigint }[] {
  const chunks: { calls: C[]; gasLimit: bigint }[] = [];
  for (const call of calls) {
    const cost = batchCallGas(call.data, call.gas);
    const last = chunks.at(-1);
    if (last && last.gasLimit + cost <= maxGas) {
      last.calls.push(call);
      last.gasLimit += cost;
    } else {
      chunks.push({ calls: [call], gasLimit: BATCH_BASE_GAS + cost });
    }
  }
  return chunks;
}

/** "<blockNumber>:<logIndex>", both zero-padded so cursors also sort as strings. */
export function evmCursor(blockNumber: number, logIndex: number): string {
  return `${String(blockNumber).padStart(12, "0")}:${String(logIndex).padStart(6, "0")}`;
}

function parseCursor(cursor: string): { block: number; index: number } {
  const m = /^(\d+):(\d+)$/.exec(cursor);
  if (!m) throw new RangeError(`not an EVM event cursor: ${cursor}`);
  return { block: Number(m[1]), index: Number(m[2]) };
}

/**
 * Transport trouble becomes ChainUnavailableError; rule failures stay LedgerError; a call
 * answered with no data at all (no code at the registry's address) becomes ChainMismatchError.
 * Used only where nothing was sent: reads and dry runs.
 */
function classify(err: unknown): unknown {
  if (
    err instanceof LedgerError ||
    err instanceof ChainUnavailableError ||
    err instanceof ChainMismatchError ||
    err instanceof OutcomeUnknownError
  )
    return err;
  if (isError(err, "NETWORK_ERROR") || isError(err, "TIMEOUT") || isError(err, "SERVER_ERROR")) {
    return new ChainUnavailableError(`EVM node unavailable: ${err.shortMessage}`, { cause: err });
  }
  const code = (err as { code?: unknown } | undefined)?.code;
  if (
    (typeof code === "string" && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)$/.test(code)) ||
    (err instanceof Error && /ECONNREFUSED|ECONNRESET|socket hang up|fetch failed|other side closed/.test(err.message))
  ) {
    return new ChainUnavailableError(`EVM node unavailable: ${(err as Error).message || String(code)}`, { cause: err });
  }
  if (isError(err, "BAD_DATA") && (err as { value?: unknown }).value === "0x") {
    return new ChainMismatchError(
      "the registry answered a read with no data: no registry at its address on this chain (a node that lost its state, or another chain)",
      "evm",
    );
  }
  return err;
}

/**
 * The ledger service's backend on an EVM chain (Hardhat in process, or any JSON-RPC node):
 * the registry client plus the relay signer, a serialized submission queue (one nonce
 * sequence) and an event stream with resumable cursors.
 *
 * The relay (`signer`) is the account every record is sent from: the registry accepts a record
 * from the author's bound address or from the agency's, so the service relays through the
 * agency's (bound at bootstrap). SM2 signatures are not checked on chain: the service verifies
 * them before calling submit.
 */
export class EvmBackend implements LedgerBackend {
  readonly ref: ChainRef;
  readonly client: RegistryClient;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly relay: RelaySender;

  /**
   * @param address the registry facade (see deployRegistry)
   * @param chainId the EVM chain id, decimal
   */
  constructor(
    address: string,
    chainId: string,
    private readonly provider: Provider,
    private readonly signer: Signer,
    private readonly options: EvmBackendOptions = {},
  ) {
    this.ref = { type: "evm", chainId, contract: address };
    this.client = new RegistryClient(address, provider);
    this.relay =
      options.relay ??
      signerRelay(signer, options.overrides, {
        ...(options.receiptTimeoutMs !== undefined ? { receiptTimeoutMs: options.receiptTimeoutMs } : {}),
      });
  }

  /** A backend whose chain id is read from the node. */
  static async open(
    address: string,
    provider: Provider,
    signer: Signer,
    options: EvmBackendOptions = {},
  ): Promise<EvmBackend> {
    const network = await provider.getNetwork().catch((err: unknown) => {
      throw classify(err);
    });
    return new EvmBackend(address, network.chainId.toString(), provider, signer, options);
  }

  /** The record's dry run: a batch of one, so it meets exactly the checks `submit` will. */
  async simulate(signed: SignedRecord): Promise<void> {
    let calldata: Uint8Array;
    let result;
    try {
      calldata = this.client.calldata(signed);
      [result] = await this.client.simulateBatch([calldata], await this.signer.getAddress());
    } catch (err) {
      throw classify(err);
    }
    if (!result!.ok) throw result!.error;
  }

  /** Submits one record: the batch path with a group of one. */
  async submit(signed: SignedRecord): Promise<TxRef> {
    const [outcome] = await this.submitBatch([signed]);
    if (!outcome!.ok) throw outcome!.error;
    return outcome!.tx;
  }

  /**
   * The records dry-run as one relayBatch call, the refused ones answered with their rule's
   * error, the accepted ones sent in relayBatch transactions of at most `maxBatchGas` each, in
   * order. A record the chain refused at mining time (its state moved since the dry run)
   * emits no event; it is answered with the reason the current state gives.
   */
  submitBatch(records: readonly SignedRecord[]): Promise<BatchOutcome[]> {
    // One submission at a time: the dry run must see the state its transaction will meet, and
    // the relay has one nonce sequence.
    const run = () => this.runBatch(records);
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async runBatch(records: readonly SignedRecord[]): Promise<BatchOutcome[]> {
    const outcomes: BatchOutcome[] = new Array<BatchOutcome>(records.length);
    const calls: { at: number; data: Uint8Array; hash: string }[] = [];
    for (const [at, signed] of records.entries()) {
      try {
        calls.push({ at, data: this.client.calldata(signed), hash: recordHash(signed.record) });
      } catch (err) {
        outcomes[at] = { ok: false, error: classify(err) };
      }
    }
    if (calls.length === 0) return outcomes;
    let from: string;
    let dryRun;
    try {
      from = await this.signer.getAddress();
      dryRun = await this.client.simulateBatch(
        calls.map((c) => c.data),
        from,
      );
    } catch (err) {
      throw classify(err);
    }
    const accepted: { at: number; data: Uint8Array; hash: string; gas: bigint }[] = [];
    calls.forEach((call, i) => {
      const result = dryRun[i]!;
      if (result.ok) accepted.push({ ...call, gas: result.gas });
      else outcomes[call.at] = { ok: false, error: result.error };
    });
    const fixedGas = this.options.overrides?.gasLimit;
    const chunks = chunksByGas(accepted, this.options.maxBatchGas ?? DEFAULT_MAX_BATCH_GAS);
    for (const [n, { calls: chunk, gasLimit }] of chunks.entries()) {
      try {
        const r = await this.client.submitBatch(
          chunk.map((c) => c.data),
          this.relay,
          fixedGas === undefined || fixedGas === null ? gasLimit : toBigInt(fixedGas),
        );
        const tx: TxRef = { txId: r.txId, blockNumber: r.blockNumber, blockTime: r.blockTime };
        for (const c of chunk) {
          if (r.emitted.has(c.hash)) {
            outcomes[c.at] = { ok: true, tx };
            continue;
          }
          // Mined without this record's event: nothing of it was written; say why if the chain tells.
          const why = await this.client.refusal(c.data, from).catch(() => undefined);
          outcomes[c.at] = {
            ok: false,
            error:
              why instanceof LedgerError
                ? why
                : new ChainUnavailableError(
                    `the chain left the record out of batch transaction ${r.txId}; nothing of it was written`,
                  ),
          };
        }
      } catch (err) {
        // This chunk was sent or not as the relay says (OutcomeUnknownError: maybe); later
        // chunks were never sent, so nothing of them was written.
        const failure =
          err instanceof OutcomeUnknownError || err instanceof ChainUnavailableError || err instanceof LedgerError
            ? err
            : new OutcomeUnknownError(
                `the batch transaction's fate is unknown: ${(err as Error).message}`,
                {},
                {
                  cause: err,
                },
              );
        for (const c of chunk) outcomes[c.at] = { ok: false, error: failure };
        const notSent = new ChainUnavailableError(
          "not sent: an earlier transaction of the same group did not complete; nothing was written",
          { cause: err },
        );
        for (const later of chunks.slice(n + 1))
          for (const c of later.calls) outcomes[c.at] = { ok: false, error: notSent };
        break;
      }
    }
    return outcomes;
  }

  async view(key: ViewKey): Promise<StateView | undefined> {
    try {
      return await this.client.view(key);
    } catch (err) {
      throw classify(err);
    }
  }

  async overdue(at: number): Promise<OverdueGrant[]> {
    try {
      return await this.client.overdue(at);
    } catch (err) {
      throw classify(err);
    }
  }

  async *events(after?: string): AsyncIterable<ChainEvent> {
    const start = after === undefined ? { block: 0, index: -1 } : parseCursor(after);
    const page = this.options.logPage ?? 5_000;
    let from = start.block;
    let latest: number;
    try {
      latest = await this.provider.getBlockNumber();
    } catch (err) {
      throw classify(err);
    }
    while (from <= latest) {
      const to = Math.min(latest, from + page - 1);
      let batch;
      try {
        batch = await this.client.events(from, to, from === start.block ? start.index : -1);
      } catch (err) {
        throw classify(err);
      }
      for (const e of batch) {
        if (e.blockNumber === start.block && e.logIndex <= start.index) continue;
        yield {
          event: e.event,
          signed: e.signed,
          recordHash: e.recordHash,
          txId: e.txId,
          blockNumber: e.blockNumber,
          blockTime: e.blockTime,
          cursor: evmCursor(e.blockNumber, e.logIndex),
        };
      }
      from = to + 1;
    }
  }

  async now(): Promise<number> {
    try {
      return await this.client.now();
    } catch (err) {
      throw classify(err);
    }
  }

  async identify(): Promise<ChainIdentity> {
    try {
      return await this.client.identify();
    } catch (err) {
      throw classify(err);
    }
  }

  cursorBlock(cursor: string): number {
    return parseCursor(cursor).block;
  }

  async transactionOutcome(pending: PendingTransaction): Promise<"landed" | "dropped" | "unknown"> {
    try {
      return await relayedOutcome(this.provider, pending);
    } catch (err) {
      throw classify(err);
    }
  }

  async close(): Promise<void> {
    await this.queue;
    await this.options.onClose?.();
  }
}
