import { ERROR_CODES, LedgerError } from "../../../core/errors.ts";
import { OPERATIONS } from "../../../core/operations.ts";
import { recordBytes, recordHash, recordId, type SignedRecord } from "../../../core/record.ts";
import {
  ChainMismatchError,
  ChainUnavailableError,
  OutcomeUnknownError,
  type BatchOutcome,
  type LedgerBackend,
  type TxRef,
} from "../chain/backend.ts";
import type { OutcomeEntry, OutcomeStore } from "./outcomes.ts";
import type { Caller } from "./access.ts";
import type { Indexer } from "../indexes/indexer.ts";
import type { IndexStore } from "../indexes/index-store.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics.ts";
import { inlineVerifier, type SignatureVerifier } from "../crypto/sm2-verifier.ts";
import type { AcceptedRecord } from "../../../core/accepted-record.ts";

export type { AcceptedRecord };

export interface ReceiptSource {
  receipt(leafIndex: number): Promise<unknown>;
}

interface Pending {
  readonly signed: SignedRecord;
  readonly resolve: (value: AcceptedRecord) => void;
  readonly reject: (reason: unknown) => void;
}

/** The stable code of a chain outcome's error, for metrics ("error" for anything unexpected). */
function errorCodeOf(err: unknown): string {
  if (err instanceof LedgerError) return err.code;
  if (err instanceof ChainUnavailableError) return "CHAIN_UNAVAILABLE";
  if (err instanceof ChainMismatchError) return "CHAIN_MISMATCH";
  return "error";
}
/** A write that may be on chain: what a 202 answer carries. */
export interface PendingRecord {
  readonly recordHash: string;
  readonly op: string;
  readonly kind: string;
  readonly id: string;
  readonly state: "submitted";
  /** The transaction that carries it, when known. */
  readonly txId?: string;
  /** When it was sent, Unix milliseconds. */
  readonly since: number;
}

/** The outcome of a write is not known within the wait: poll GET /v1/receipts/:recordHash. */
export class OutcomePendingError extends Error {
  constructor(readonly pending: PendingRecord) {
    super(`the transaction carrying record ${pending.recordHash} was sent; its outcome is not known yet`);
    this.name = "OutcomePendingError";
  }
}

export interface OutcomeOptions {
  /** Durable memory of writes with an unknown outcome; without it such writes wait, then answer 202 unremembered. */
  readonly store?: OutcomeStore;
  /** How long a caller waits for an unknown outcome before OutcomePendingError (default 10 s). */
  readonly waitMs?: number;
  /** How often unknown outcomes are asked about in the background (default 1 s). */
  readonly settleEveryMs?: number;
}

/**
 * The write path. A signed record is accepted only if, in order: the caller is its author, the
 * author is registered and the SM2 signature verifies, and the chain's rules accept it in a
 * dry run. Only then is it submitted. The log entry and the index keys are written from the
 * chain's own event, so nothing reaches the log or the indexes that the chain did not accept,
 * and a rejected record leaves no trace anywhere (no transaction is sent).
 *
 * Chain submissions are serialized (the dry run must see the state the submission will meet);
 * requests that arrive meanwhile queue up and go to the chain as one group (up to
 * `maxBatchRecords`): on EVM chains one dry run and one transaction for all of them, each record
 * checked as if alone after the ones before it. The group is then indexed and logged together,
 * which pays one durable log write for many records.
 *
 * Answers tell the truth about the chain: "nothing was written" (CHAIN_UNAVAILABLE) only when
 * no transaction carrying the record was sent. A record whose transaction may have been sent
 * but whose fate is unknown (OutcomeUnknownError) is remembered durably (OutcomeStore) and
 * waited for up to `outcomeWaitMs`: accepted once its event is indexed, refused once the chain
 * shows it never will be; still unknown then, the caller gets OutcomePendingError (HTTP 202 with
 * the record hash to poll), and the service keeps settling it in the background.
 */
export class RecordService {
  private readonly queue: Pending[] = [];
  private draining = false;
  private readonly settling = new Set<Promise<unknown>>();
  /** Callers waiting on an unknown outcome, by record hash. */
  private readonly waiting = new Map<string, Pending[]>();
  /** Ends the wait of a caller whose outcome was settled. */
  private readonly wakers = new Map<Pending, () => void>();
  private settler: NodeJS.Timeout | undefined;
  private settlingUnknown: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly backend: LedgerBackend,
    private readonly store: IndexStore,
    private readonly indexer: Indexer,
    private readonly receipts: ReceiptSource,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly verifier: SignatureVerifier = inlineVerifier(),
    /** Largest group of queued records sent to the chain together. */
    private readonly maxBatchRecords = 128,
    private readonly outcomes: OutcomeOptions = {},
  ) {}

  /** Starts settling, in the background, the unknown outcomes an earlier run left (if any). */
  async start(): Promise<void> {
    if (!this.outcomes.store) return;
    await this.outcomes.store.sweep(Date.now());
    if ((await this.outcomes.store.submitted()).length > 0) this.scheduleSettle();
  }

  /** What is known of a record that is not (yet) indexed: an unknown or a settled-as-not-written outcome. */
  outcomeOf(recordHash: string): Promise<OutcomeEntry | undefined> {
    return this.outcomes.store?.get(recordHash) ?? Promise.resolve(undefined);
  }

  async submit(signed: SignedRecord, caller: Caller | "service"): Promise<AcceptedRecord> {
    const { record } = signed;
    if (caller !== "service" && caller.orgId !== record.actor) {
      throw new LedgerError("NOT_AUTHORIZED", `the request signer ${caller.orgId} is not the record's author`, {
        orgId: caller.orgId,
      });
    }
    if (record.op !== "actor.bootstrap") {
      const author = await this.store.actor(record.actor);
      if (!author)
        throw new LedgerError("NOT_AUTHORIZED", `${record.actor} is not a registered actor`, { orgId: record.actor });
      // The EVM variant cannot verify SM2, so this check is the signature gate there (RULEBOOK step 3);
      // a request authenticated by this very signature, key and record has passed it already.
      const verified = caller === "service" ? undefined : caller.verifiedRecord;
      const hash = recordHash(record);
      const already =
        verified !== undefined &&
        verified.signature === signed.signature &&
        verified.publicKey === author.publicKey &&
        verified.hash === hash;
      if (!already) {
        this.metrics.sm2Verifications.inc({ signed: "record" });
        if (!(await this.verifier.verify(recordBytes(signed.record), signed.signature, author.publicKey)))
          throw new LedgerError("BAD_SIGNATURE", `the record does not verify against ${author.orgId}'s key`, {
            orgId: author.orgId,
          });
      }
      // An in-process chain (the embedded default) then spares its second verification of the same triple.
      this.backend.signatureVerified?.(hash, signed.signature, author.publicKey);
    }
    return new Promise<AcceptedRecord>((resolve, reject) => {
      this.queue.push({ signed, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatchRecords);
        const started = process.hrtime.bigint();
        const outcomes = await this.toChain(batch.map((p) => p.signed));
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        this.metrics.chainBusySeconds.inc(seconds);
        this.metrics.chainBatchRecords.observe(batch.length);
        const accepted: { pending: Pending; hash: string; tx: TxRef }[] = [];
        batch.forEach((pending, i) => {
          const op = pending.signed.record.op;
          const outcome = outcomes[i]!;
          this.metrics.chainSeconds.observe({ op }, seconds);
          if (outcome.ok) {
            accepted.push({ pending, hash: recordHash(pending.signed.record), tx: outcome.tx });
            this.metrics.writes.inc({ op, outcome: "accepted" });
          } else if (outcome.error instanceof OutcomeUnknownError) {
            this.metrics.writes.inc({ op, outcome: "unknown" });
            this.awaitOutcome(pending, outcome.error);
          } else {
            const code = errorCodeOf(outcome.error);
            this.metrics.writes.inc({ op, outcome: code });
            if (!(outcome.error instanceof LedgerError) || ERROR_CODES[outcome.error.code].scope !== "rule")
              this.metrics.chainErrors.inc({ code });
            pending.reject(outcome.error);
          }
        });
        if (accepted.length > 0) this.settle(accepted);
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * Indexes a mined group and answers its callers with their receipts, while the next group is
   * already on its way to the chain (the indexer ingests in chain order whatever it finds).
   */
  private settle(accepted: readonly { pending: Pending; hash: string; tx: TxRef }[]): void {
    const done = this.indexer.catchUp().then(
      () =>
        Promise.all(
          accepted.map(({ pending, hash, tx }) =>
            this.accepted(pending.signed, hash, tx).then(pending.resolve, pending.reject),
          ),
        ),
      (err: unknown) => {
        // Mined with their events: on chain, whatever stopped the indexer (most often the chain's
        // connection, which a 503 would wrongly call "nothing was written"). Each is settled like
        // an unknown outcome: answered once indexed, or 202 with its hash to poll.
        this.logger.error({ err }, "indexing after submission failed; the records are on chain");
        for (const { pending, tx } of accepted)
          this.awaitOutcome(
            pending,
            new OutcomeUnknownError(
              `transaction ${tx.txId} was mined in block ${tx.blockNumber}; its events are not indexed yet`,
              { txId: tx.txId },
              { cause: err },
            ),
          );
      },
    );
    this.settling.add(done);
    void done.finally(() => this.settling.delete(done));
  }

  /**
   * Remembers a record whose transaction may be on chain (durably, before anyone is answered)
   * and holds its caller until the outcome is known or the wait ends.
   */
  private awaitOutcome(pending: Pending, unknown: OutcomeUnknownError): void {
    const { record } = pending.signed;
    const hash = recordHash(record);
    const entry: OutcomeEntry = {
      recordHash: hash,
      actor: record.actor,
      op: record.op,
      kind: OPERATIONS[record.op].kind,
      id: recordId(record),
      pending: unknown.pending,
      since: Date.now(),
      state: "submitted",
    };
    this.logger.warn({ recordHash: hash, txId: unknown.pending.txId, err: unknown }, "write outcome unknown");
    const done = (async () => {
      try {
        await this.outcomes.store?.put(entry);
      } catch (err) {
        // Not remembered: the caller must not be told "nothing written" either.
        this.logger.error({ err, recordHash: hash }, "could not remember an unknown write outcome");
      }
      const list = this.waiting.get(hash) ?? [];
      list.push(pending);
      this.waiting.set(hash, list);
      this.scheduleSettle();
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, this.outcomes.waitMs ?? 10_000);
        this.wakers.set(pending, () => {
          clearTimeout(timer);
          wake();
        });
      });
      this.wakers.delete(pending);
      // Still unsettled: the caller gets the hash to poll.
      const still = this.waiting.get(hash);
      const at = still?.indexOf(pending) ?? -1;
      if (still && at >= 0) {
        still.splice(at, 1);
        if (still.length === 0) this.waiting.delete(hash);
        pending.reject(new OutcomePendingError(pendingRecordOf(entry)));
      }
    })();
    this.settling.add(done);
    void done.finally(() => this.settling.delete(done));
  }

  private scheduleSettle(): void {
    if (this.settler || this.closed) return;
    this.settler = setTimeout(() => {
      this.settler = undefined;
      this.settlingUnknown = this.settleUnknown()
        .catch((err: unknown) => this.logger.warn({ err }, "settling unknown write outcomes failed; retrying"))
        .then(async () => {
          if (this.waiting.size > 0 || (this.outcomes.store && (await this.outcomes.store.submitted()).length > 0))
            this.scheduleSettle();
        })
        .catch(() => undefined);
    }, this.outcomes.settleEveryMs ?? 1000);
    this.settler.unref();
  }

  /** Asks the chain about every unknown outcome once; answers the callers still waiting on settled ones. */
  private async settleUnknown(): Promise<void> {
    const remembered = (await this.outcomes.store?.submitted()) ?? [];
    const hashes = new Set([...remembered.map((e) => e.recordHash), ...this.waiting.keys()]);
    if (hashes.size === 0) return;
    // The index is the truth: a record whose event is indexed is on chain.
    await this.indexer.catchUp();
    for (const hash of hashes) {
      const entry = remembered.find((e) => e.recordHash === hash);
      const indexed = this.indexer.recentEntry(hash) ?? (await this.store.entryByHash(hash));
      if (indexed) {
        await this.outcomes.store?.del(hash);
        this.answer(hash, (p) => this.accepted(p.signed, hash, indexed).then(p.resolve, p.reject));
        continue;
      }
      const pendingTx = entry?.pending ?? {};
      const fate = this.backend.transactionOutcome ? await this.backend.transactionOutcome(pendingTx) : "unknown";
      if (fate === "unknown") continue;
      if (fate === "landed") {
        // Mined: its events are indexed by the next catch-up; only then is its absence telling.
        await this.indexer.catchUp();
        const now = this.indexer.recentEntry(hash) ?? (await this.store.entryByHash(hash));
        if (now) {
          await this.outcomes.store?.del(hash);
          this.answer(hash, (p) => this.accepted(p.signed, hash, now).then(p.resolve, p.reject));
          continue;
        }
      }
      const reason =
        fate === "dropped"
          ? "its transaction was never mined and can no longer be"
          : "its transaction was mined without it (the chain left it out)";
      if (entry)
        await this.outcomes.store?.put({
          ...entry,
          state: "not-written",
          reason: `nothing of this record was written: ${reason}`,
          settledAt: Date.now(),
        });
      this.answer(hash, (p) => void this.whyNotWritten(p.signed, reason).then(p.reject, p.reject));
    }
  }

  /** Hands the callers waiting on `hash` to `settle`. */
  private answer(hash: string, settle: (p: Pending) => void): void {
    const list = this.waiting.get(hash);
    if (!list) return;
    this.waiting.delete(hash);
    for (const p of list) {
      settle(p);
      this.wakers.get(p)?.();
    }
  }

  /** A record known not to be on chain: the rule that refuses it now, else "nothing was written". */
  private async whyNotWritten(signed: SignedRecord, reason: string): Promise<unknown> {
    try {
      await this.backend.simulate(signed);
    } catch (err) {
      if (err instanceof LedgerError) return err;
    }
    return new ChainUnavailableError(`nothing was written: ${reason}; submit the record again`);
  }

  /** Resolves once every queued record went to the chain and every mined one was answered. */
  async idle(): Promise<void> {
    while (this.draining || this.settling.size > 0) {
      await Promise.all([...this.settling]);
      if (this.draining) await new Promise((r) => setImmediate(r));
    }
  }

  /** Stops settling unknown outcomes in the background (they stay remembered for the next start). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.settler) clearTimeout(this.settler);
    this.settler = undefined;
    await this.settlingUnknown;
  }

  /**
   * The records' fates on chain, in order: one batch when the backend takes batches (one dry
   * run and as few transactions as fit), otherwise a dry run and a submission each.
   */
  private async toChain(records: readonly SignedRecord[]): Promise<BatchOutcome[]> {
    if (this.backend.submitBatch) {
      try {
        return await this.backend.submitBatch(records);
      } catch (err) {
        return records.map(() => ({ ok: false, error: err }));
      }
    }
    const outcomes: BatchOutcome[] = [];
    for (const signed of records) {
      try {
        await this.backend.simulate(signed);
        outcomes.push({ ok: true, tx: await this.backend.submit(signed) });
      } catch (err) {
        outcomes.push({ ok: false, error: err });
      }
    }
    return outcomes;
  }

  private async accepted(signed: SignedRecord, hash: string, tx: TxRef): Promise<AcceptedRecord> {
    const entry = this.indexer.recentEntry(hash) ?? (await this.store.entryByHash(hash));
    if (!entry) throw new Error(`record ${hash} was accepted by the chain but not found in its events`);
    const spec = OPERATIONS[signed.record.op];
    return {
      recordHash: hash,
      op: signed.record.op,
      kind: spec.kind,
      id: recordId(signed.record),
      tx,
      leafIndex: entry.leafIndex,
      receipt: entry.leafIndex >= 0 ? await this.receipts.receipt(entry.leafIndex) : undefined,
    };
  }
}

function pendingRecordOf(entry: OutcomeEntry): PendingRecord {
  return {
    recordHash: entry.recordHash,
    op: entry.op,
    kind: entry.kind,
    id: entry.id,
    state: "submitted",
    ...(entry.pending.txId ? { txId: entry.pending.txId } : {}),
    since: entry.since,
  };
}

export { pendingRecordOf };
