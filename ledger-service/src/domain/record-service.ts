import { ERROR_CODES, LedgerError } from "../../../core/errors.ts";
import { OPERATIONS } from "../../../core/operations.ts";
import { recordBytes, recordHash, recordId, type SignedRecord } from "../../../core/record.ts";
import { ChainUnavailableError, type BatchOutcome, type LedgerBackend, type TxRef } from "../chain/backend.ts";
import type { Caller } from "./access.ts";
import type { Indexer } from "../indexes/indexer.ts";
import type { IndexStore } from "../indexes/index-store.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics.ts";
import { inlineVerifier, type SignatureVerifier } from "../crypto/sm2-verifier.ts";

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
 */
export interface AcceptedRecord {
  readonly recordHash: string;
  readonly op: string;
  readonly kind: string;
  readonly id: string;
  readonly tx: TxRef;
  readonly leafIndex: number;
  readonly receipt: unknown;
}

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
  return "error";
}

export class RecordService {
  private readonly queue: Pending[] = [];
  private draining = false;
  private readonly settling = new Set<Promise<unknown>>();

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
  ) {}

  async submit(signed: SignedRecord, caller: Caller | "service"): Promise<AcceptedRecord> {
    const { record } = signed;
    if (caller !== "service" && caller.orgId !== record.actor) {
      throw new LedgerError("NOT_AUTHORIZED", "the request signer is not the record's author");
    }
    if (record.op !== "actor.bootstrap") {
      const author = await this.store.actor(record.actor);
      if (!author) throw new LedgerError("NOT_AUTHORIZED", "the author is not a registered actor");
      // The EVM variant cannot verify SM2, so this check is the signature gate there (RULEBOOK step 3);
      // a request authenticated by this very signature, key and record has passed it already.
      const verified = caller === "service" ? undefined : caller.verifiedRecord;
      const already =
        verified !== undefined &&
        verified.signature === signed.signature &&
        verified.publicKey === author.publicKey &&
        verified.hash === recordHash(record);
      if (!already) {
        this.metrics.sm2Verifications.inc({ signed: "record" });
        if (!(await this.verifier.verify(recordBytes(signed.record), signed.signature, author.publicKey)))
          throw new LedgerError("BAD_SIGNATURE");
      }
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
        // The chain accepted these records; the indexer will retry on the next write or restart.
        this.logger.error({ err }, "indexing after submission failed");
        for (const a of accepted) a.pending.reject(err);
      },
    );
    this.settling.add(done);
    void done.finally(() => this.settling.delete(done));
  }

  /** Resolves once every queued record went to the chain and every mined one was answered. */
  async idle(): Promise<void> {
    while (this.draining || this.settling.size > 0) {
      await Promise.all([...this.settling]);
      if (this.draining) await new Promise((r) => setImmediate(r));
    }
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
