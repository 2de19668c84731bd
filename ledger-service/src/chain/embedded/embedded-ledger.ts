import { sm3Hex } from "../../../../core/crypto/sm3.ts";
import { LedgerError } from "../../../../core/errors.ts";
import type { OperationName } from "../../../../core/operations.ts";
import { parseSignedRecord, type SignedRecord } from "../../../../core/record.ts";
import type { OverdueGrant, StateView, ViewKey } from "../../../../core/views.ts";
import { execute } from "../../../../chaincode/src/engine/engine.ts";
import { overdue, view } from "../../../../chaincode/src/engine/queries.ts";
import type { Submitter, VerifiedSignatures } from "../../../../chaincode/src/engine/tx.ts";
import { setBounded } from "../../../../core/bounded-map.ts";
import { Ledger } from "../../../../chaincode/src/ledger/ledger.ts";
import type {
  BatchOutcome,
  ChainClockControl,
  ChainEvent,
  ChainIdentity,
  ChainRef,
  LedgerBackend,
  TxRef,
} from "../backend.ts";
import { ChainClock, type ClockMode } from "./chain-clock.ts";
import { BlockState, LedgerStore, type Block, type BlockTransaction, type BlockWrites } from "./ledger-store.ts";

/**
 * The embedded default chain: the production rulebook (the chaincode's engine, the same code a
 * Fabric peer runs) executed in process on a durable Fabric-semantics world state and block
 * store in LevelDB (`ledger-store.ts`). Records are checked and committed in order, one block
 * per group the service submits, each record seeing the ones accepted before it; a block is
 * durable (synced) before any of its records is answered. Start-up opens the store and reads
 * its head, whatever the length of the history; views and overdue grants read state keys.
 *
 * The service submits every record as the platform's relay (CA attribute pdl.role=agency, as
 * its Fabric identity does), so the rules' submitter binding always holds; `commit` lets tests
 * submit as any identity, at a chosen time.
 */
export const EMBEDDED_CHANNEL = "pdl-embedded";
/** Blocks kept in memory for the indexer (a few seconds of writes at the service's group sizes). */
const RECENT_BLOCKS = 64;
export const EMBEDDED_CHAINCODE = "pdl";

export const RELAY_SUBMITTER: Submitter = {
  mspId: "PdlEmbeddedMSP",
  certificateDer: new Uint8Array(),
  attributes: { "pdl.role": "agency" },
};

export interface EmbeddedLedgerOptions {
  /** The store's directory (created on first open). */
  readonly path: string;
  readonly clock?: ClockMode;
  /** Wall clock in Unix seconds (tests). */
  readonly wall?: () => number;
}

/** "<block>:<index>", zero-padded so cursors sort as strings (the EVM backend's format). */
export function embeddedCursor(block: number, index: number): string {
  return `${String(block).padStart(12, "0")}:${String(index).padStart(6, "0")}`;
}

function parseCursor(cursor: string): { block: number; index: number } {
  const m = /^(\d+):(\d+)$/.exec(cursor);
  if (!m) throw new RangeError(`not an embedded chain event cursor: ${cursor}`);
  return { block: Number(m[1]), index: Number(m[2]) };
}

export class EmbeddedLedger implements LedgerBackend {
  readonly ref: ChainRef = { type: "embedded", chainId: EMBEDDED_CHANNEL, contract: EMBEDDED_CHAINCODE };
  readonly clock: ChainClockControl;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Signatures the service verified, for the records it is about to submit (bounded: a few groups' worth). */
  private readonly vouched = new Map<string, true>();
  /**
   * The blocks this process committed last, with their records as the engine parsed them: the
   * indexer follows right behind the chain, so its reads of new events come from here instead
   * of a store iterator and a third parse of each record; older blocks (a restart, a reindex)
   * are read from the store.
   */
  private readonly recent: { block: Block; signed: readonly SignedRecord[] }[] = [];
  private readonly signatures: VerifiedSignatures = {
    has: (recordHash, signature, publicKey) => this.vouched.has(`${recordHash}:${signature}:${publicKey}`),
  };

  private constructor(
    readonly store: LedgerStore,
    private readonly chainClock: ChainClock,
  ) {
    this.clock = {
      mode: chainClock.mode,
      advance: (to, by) => this.serialized(() => chainClock.advance(to, by)),
    };
  }

  static async open(options: EmbeddedLedgerOptions): Promise<EmbeddedLedger> {
    const wall = options.wall ?? (() => Math.floor(Date.now() / 1000));
    const store = new LedgerStore(options.path);
    await store.open(wall());
    const clock = new ChainClock(store, options.clock ?? "wall", wall);
    try {
      await clock.open();
    } catch (err) {
      await store.close();
      throw err;
    }
    return new EmbeddedLedger(store, clock);
  }

  signatureVerified(recordHash: string, signature: string, publicKey: string): void {
    setBounded(this.vouched, `${recordHash}:${signature}:${publicKey}`, true, 4096);
  }

  async simulate(signed: SignedRecord): Promise<void> {
    const state = new BlockState(this.store, new Map());
    await execute(
      {
        ledger: new Ledger(state),
        now: this.chainClock.now(),
        txId: "simulation",
        submitter: RELAY_SUBMITTER,
        signatures: this.signatures,
      },
      opOf(signed),
      signed,
    );
  }

  async submit(signed: SignedRecord): Promise<TxRef> {
    const [outcome] = await this.submitBatch([signed]);
    if (!outcome!.ok) throw outcome!.error;
    return outcome!.tx;
  }

  submitBatch(records: readonly SignedRecord[]): Promise<BatchOutcome[]> {
    return this.commit(records);
  }

  /**
   * Executes the records in order in one new block and commits it (when any was accepted).
   * `time` must not be before the chain's present; it defaults to the chain clock's time.
   */
  commit(
    records: readonly SignedRecord[],
    options: { submitter?: Submitter; time?: number } = {},
  ): Promise<BatchOutcome[]> {
    return this.serialized(async () => {
      const head = this.store.head;
      const number = head.number + 1;
      const time = Math.max(options.time ?? this.chainClock.now(), head.time);
      const items = records.map((signed, i) => ({
        signed,
        index: i,
        txId: sm3Hex(`${this.store.genesis}:${number}:${i}:${JSON.stringify(signed)}`),
      }));
      return this.executeBlock(number, time, items, options.submitter ?? RELAY_SUBMITTER);
    });
  }

  /**
   * Re-executes a block of another chain with its number, time, transaction ids and event
   * positions (the migration of a Hardhat-journal data directory): every record must be
   * accepted again, or nothing of the block is written and this rejects naming the record.
   */
  importBlock(
    number: number,
    time: number,
    items: readonly { signed: SignedRecord; txId: string; index: number }[],
  ): Promise<void> {
    return this.serialized(async () => {
      const outcomes = await this.executeBlock(number, time, items, RELAY_SUBMITTER, true);
      const refused = outcomes.findIndex((o) => !o.ok);
      if (refused >= 0) {
        const o = outcomes[refused] as { ok: false; error: unknown };
        throw new Error(
          `block ${number}, transaction ${items[refused]!.txId}: the rule engine refuses the record (${o.error instanceof Error ? o.error.message : String(o.error)})`,
        );
      }
    });
  }

  private async executeBlock(
    number: number,
    time: number,
    items: readonly { signed: SignedRecord; txId: string; index: number }[],
    submitter: Submitter,
    allOrNothing = false,
  ): Promise<BatchOutcome[]> {
    if (this.closed) throw new Error("the embedded chain is closed");
    const pending = new Map<string, string | null>();
    const history: { txId: string; writes: ReadonlyMap<string, string | null> }[] = [];
    const transactions: BlockTransaction[] = [];
    const outcomes: BatchOutcome[] = [];
    const committedSigned: SignedRecord[] = [];
    for (const { signed, txId, index } of items) {
      const state = new BlockState(this.store, pending);
      try {
        const event = await execute(
          { ledger: new Ledger(state), now: time, txId, submitter, signatures: this.signatures },
          opOf(signed),
          signed,
        );
        for (const [key, value] of state.txWrites) pending.set(key, value);
        history.push({ txId, writes: state.txWrites });
        transactions.push({
          txId,
          index,
          event: event.name,
          recordHash: event.payload.recordHash,
          signed: JSON.stringify(event.payload.signed),
        });
        committedSigned.push(event.payload.signed);
        outcomes.push({ ok: true, tx: { txId, blockNumber: number, blockTime: time } });
      } catch (err) {
        outcomes.push({ ok: false, error: err instanceof LedgerError ? err : asLedgerError(err) });
      }
    }
    if (allOrNothing && outcomes.some((o) => !o.ok)) return outcomes;
    if (transactions.length > 0) {
      const changes: BlockWrites = { writes: pending, history };
      const block = await this.store.appendBlock({ number, time, transactions }, changes);
      this.recent.push({ block, signed: committedSigned });
      if (this.recent.length > RECENT_BLOCKS) this.recent.shift();
    }
    return outcomes;
  }

  async view(key: ViewKey): Promise<StateView | undefined> {
    return view(new Ledger(new BlockState(this.store, new Map())), key);
  }

  async overdue(at: number): Promise<OverdueGrant[]> {
    return overdue(new Ledger(new BlockState(this.store, new Map())), at);
  }

  async *events(after?: string): AsyncIterable<ChainEvent> {
    const from = after === undefined ? { block: 0, index: -1 } : parseCursor(after);
    const event = (block: Block, tx: BlockTransaction, signed: SignedRecord): ChainEvent => ({
      event: tx.event,
      signed,
      recordHash: tx.recordHash,
      txId: tx.txId,
      blockNumber: block.number,
      blockTime: block.time,
      cursor: embeddedCursor(block.number, tx.index),
    });
    // Every block from `from.block` on was committed by this process since the oldest one
    // remembered (the store is this process's alone while open), so memory holds them all.
    const oldest = this.recent[0]?.block.number;
    if (oldest !== undefined && from.block >= oldest) {
      for (const { block, signed } of [...this.recent]) {
        if (block.number < from.block) continue;
        for (const [i, tx] of block.transactions.entries()) {
          if (block.number === from.block && tx.index <= from.index) continue;
          yield event(block, tx, signed[i]!);
        }
      }
      return;
    }
    for await (const block of this.store.blocks(from.block)) {
      for (const tx of block.transactions) {
        if (block.number === from.block && tx.index <= from.index) continue;
        yield event(block, tx, parseSignedRecord(JSON.parse(tx.signed)));
      }
    }
  }

  async now(): Promise<number> {
    return this.chainClock.now();
  }

  async identify(): Promise<ChainIdentity> {
    return { genesis: this.store.genesis, head: this.store.head.number, registry: true };
  }

  cursorBlock(cursor: string): number {
    return parseCursor(cursor).block;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue.catch(() => undefined);
    this.closed = true;
    await this.store.close();
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function opOf(signed: SignedRecord): OperationName {
  const op = (signed as { record?: { op?: unknown } } | undefined)?.record?.op;
  return (typeof op === "string" ? op : "") as OperationName;
}

/** A failure of the engine that is not a rule (a schema error thrown as something else): the record is refused. */
function asLedgerError(err: unknown): unknown {
  return err instanceof Error && err.name === "ZodError" ? new LedgerError("INVALID_RECORD", err.message) : err;
}
