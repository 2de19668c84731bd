import { recordHash, type SignedRecord } from "../../core/record.ts";
import { checkSignedCheckpoint } from "../../ledger-service/src/log/checkpoint.ts";
import { verifyConsistency } from "../../ledger-service/src/log/rfc9162.ts";
import { verifyReceiptOffline } from "../../ledger-service/src/log/receipt.ts";
import type { LedgerClient } from "../../ledger-service/src/client/sdk/ledger-client.ts";

/**
 * What the reliability suite counts, and the checks behind the counts: every write the service
 * acknowledged is on the chain, in the index and in the log with a receipt that verifies; every
 * answer told the truth about what was written; every checkpoint extends the last one seen.
 */
export interface Counts {
  acknowledged: number;
  lost: number;
  inconsistent: number;
  untruthful: number;
  fiveXX: number;
  /** Honest 503s (nothing was written) and 202s (outcome followed up): not failures. */
  unavailable: number;
  pending: number;
  /** Writes cut by a kill or a fault before any answer: either outcome is allowed, not half of one. */
  unanswered: number;
  /** Valid writes refused (4xx): none are expected. */
  refused: number;
  checkpoints: number;
  /** What each failure was, for the report (the first few). */
  problems: string[];
}

export const emptyCounts = (): Counts => ({
  acknowledged: 0,
  lost: 0,
  inconsistent: 0,
  untruthful: 0,
  fiveXX: 0,
  unavailable: 0,
  pending: 0,
  unanswered: 0,
  refused: 0,
  checkpoints: 0,
  problems: [],
});

/** Counts a failure of kind `what` and remembers why. */
export function fail(counts: Counts, what: "lost" | "inconsistent" | "untruthful" | "fiveXX", why: string): void {
  counts[what]++;
  if (counts.problems.length < 20) counts.problems.push(`${what}: ${why}`);
}

export type Answer =
  | { readonly kind: "accepted"; readonly status: 201 }
  | { readonly kind: "pending"; readonly status: 202 }
  | { readonly kind: "not-sent"; readonly status: 503; readonly code: string }
  | { readonly kind: "refused"; readonly status: number; readonly code: string }
  | { readonly kind: "none"; readonly status: 0; readonly error: string };

export interface Sent {
  readonly signed: SignedRecord;
  readonly hash: string;
  readonly id: string;
  answer: Answer;
  /** Judged already (after a restart, or by the final check). */
  checked?: boolean;
}

export function sentOf(signed: SignedRecord): Omit<Sent, "answer"> {
  return { signed, hash: recordHash(signed.record), id: (signed.record.body as { id: string }).id };
}

export function answerOf(res: { status: number; json: unknown }): Answer {
  const code = (res.json as { error?: { code?: string } } | undefined)?.error?.code ?? "";
  if (res.status === 201) return { kind: "accepted", status: 201 };
  if (res.status === 202) return { kind: "pending", status: 202 };
  if (res.status === 503 && ["CHAIN_UNAVAILABLE", "CHAIN_MISMATCH"].includes(code))
    return { kind: "not-sent", status: 503, code };
  return { kind: "refused", status: res.status, code };
}

/** Where a record is, as the service shows it: index (the hop), log (a receipt that verifies). */
export interface Presence {
  readonly indexed: boolean;
  readonly logged: boolean;
  /** The receipt, when the service answered one (200), verified against the log key. */
  readonly receiptOk: boolean;
  /** 202 from the receipts route: outcome still unknown. */
  readonly unknown: boolean;
  /** What the hop and receipt routes answered, for the report. */
  readonly statuses: string;
}

/**
 * A read answered 429 says nothing about the record: wait as Retry-After asks (a few times) and
 * read again, so that a rate limit is never judged as a lost write.
 */
async function readPatiently(client: LedgerClient, path: string) {
  for (let attempt = 0; ; attempt++) {
    const res = await client.raw("GET", path);
    if (res.status !== 429 || attempt === 3) return res;
    const seconds = Number(res.headers.get("retry-after") ?? 1);
    await new Promise((ok) => setTimeout(ok, Math.min(Math.max(seconds, 1), 65) * 1000));
  }
}

export async function presenceOf(client: LedgerClient, s: Omit<Sent, "answer">, logKey: string): Promise<Presence> {
  const hop = await readPatiently(client, `/v1/hops/${encodeURIComponent(s.id)}`);
  const receipt = await readPatiently(client, `/v1/receipts/${s.hash}`);
  let receiptOk = false;
  if (receipt.status === 200) {
    const v = verifyReceiptOffline(receipt.json, logKey);
    const entry = (receipt.json as { entry?: { recordHash?: string } }).entry;
    receiptOk = v.ok && entry?.recordHash === s.hash;
  }
  if (hop.status >= 500 || receipt.status >= 500 || hop.status === 429 || receipt.status === 429)
    throw new Error(`reading ${s.id}: hop ${hop.status}, receipt ${receipt.status}`);
  return {
    indexed: hop.status === 200,
    logged: receipt.status === 200,
    receiptOk,
    unknown: receipt.status === 202,
    statuses: `hop ${hop.status}, receipt ${receipt.status}`,
  };
}

/**
 * Follows the log's signed checkpoints: each new one must carry a valid signature under the key
 * first seen and be proven (RFC 9162 consistency proof from the service) to extend the last one.
 */
export class CheckpointWatch {
  private last: { size: number; root: string } | undefined;
  private key: string | undefined;
  constructor(private readonly counts: Counts) {}

  get logKey(): string {
    if (!this.key) throw new Error("no checkpoint seen yet");
    return this.key;
  }

  async observe(base: string): Promise<void> {
    const res = await fetch(`${base}/v1/public/checkpoint`);
    if (res.status >= 500) this.counts.fiveXX++;
    if (res.status !== 200) return;
    const doc = (await res.json()) as {
      logPublicKey: string;
      keyName: string;
      checkpoint: { size: number; rootHash: string; text: string } | null;
    };
    this.key ??= doc.logPublicKey;
    if (doc.logPublicKey !== this.key) return fail(this.counts, "inconsistent", "the log key changed");
    if (!doc.checkpoint) return;
    const cp = doc.checkpoint;
    const checked = checkSignedCheckpoint(cp.text, this.key, doc.keyName);
    const signed =
      checked.ok &&
      checked.checkpoint.size === cp.size &&
      Buffer.from(checked.checkpoint.rootHash).toString("hex") === cp.rootHash;
    if (!signed) return fail(this.counts, "inconsistent", `checkpoint ${cp.size} does not verify`);
    const last = this.last;
    if (last && (cp.size !== last.size || cp.rootHash !== last.root)) {
      this.counts.checkpoints++;
      let ok = cp.size > last.size;
      if (ok) {
        const proof = await fetch(`${base}/v1/public/consistency?from=${last.size}&to=${cp.size}`);
        if (proof.status >= 500) this.counts.fiveXX++;
        ok =
          proof.status === 200 &&
          verifyConsistency(
            last.size,
            cp.size,
            Buffer.from(last.root, "hex"),
            Buffer.from(cp.rootHash, "hex"),
            ((await proof.json()) as { proof: string[] }).proof.map((p) => Buffer.from(p, "hex")),
          );
      }
      if (!ok) fail(this.counts, "inconsistent", `checkpoint ${cp.size} not proven to extend ${last.size}`);
    }
    if (!last || cp.size >= last.size) this.last = { size: cp.size, root: cp.rootHash };
  }
}

export function summary(counts: Counts): string {
  return (
    `acknowledged ${counts.acknowledged}, lost ${counts.lost}, inconsistent ${counts.inconsistent}, ` +
    `untruthful answers ${counts.untruthful}, 5xx ${counts.fiveXX} ` +
    `(also: ${counts.unavailable} honest 503, ${counts.pending} 202 followed up, ${counts.unanswered} cut before an answer, ${counts.refused} valid writes refused, ` +
    `${counts.checkpoints} new checkpoints proven consistent)`
  );
}

/**
 * The truth about every write sent so far and not judged yet, as the service now shows it.
 * Writes whose outcome is still unknown (202 from the receipts route) are polled together for up
 * to `settleMs`, then left for a later call, or judged untruthful if `final`.
 */
export async function judge(
  op: LedgerClient,
  all: Sent[],
  logKey: string,
  counts: Counts,
  final: boolean,
  settleMs = 20_000,
): Promise<void> {
  const open = all.filter((s) => !s.checked);
  const where = new Map<Sent, Presence>();
  const look = async (batch: Sent[]) => {
    for (let i = 0; i < batch.length; i += 16)
      await Promise.all(batch.slice(i, i + 16).map(async (s) => where.set(s, await presenceOf(op, s, logKey))));
  };
  await look(open);
  const deadline = Date.now() + settleMs;
  for (;;) {
    const unknown = open.filter((s) => where.get(s)!.unknown);
    if (unknown.length === 0 || Date.now() > deadline) break;
    await new Promise((ok) => setTimeout(ok, 500));
    await look(unknown);
  }
  for (const s of open) {
    const w = where.get(s)!;
    if (w.unknown && !final) continue;
    s.checked = true;
    const what = `${s.id} (${s.answer.kind} ${s.answer.status}${"code" in s.answer ? ` ${s.answer.code}` : ""})`;
    const present = w.indexed && w.logged;
    if (w.indexed !== w.logged || (w.logged && !w.receiptOk))
      fail(
        counts,
        "inconsistent",
        `${what}: indexed ${w.indexed}, logged ${w.logged}, receipt verifies ${w.receiptOk}`,
      );
    switch (s.answer.kind) {
      case "accepted":
        counts.acknowledged++;
        if (!present) fail(counts, "lost", `${what}: ${w.statuses}`);
        break;
      case "pending":
        counts.pending++;
        if (present) counts.acknowledged++;
        if (w.unknown)
          fail(counts, "untruthful", `${what}: outcome still unknown ${settleMs} ms after the faults ended`);
        break;
      case "not-sent":
        counts.unavailable++;
        if (w.logged || w.indexed) fail(counts, "untruthful", `${what}: answered "nothing was written" but it was`);
        break;
      case "refused":
        if (w.indexed || w.logged) fail(counts, "untruthful", `${what}: refused but written`);
        if (s.answer.status < 500) {
          counts.refused++;
          if (counts.problems.length < 20) counts.problems.push(`refused: ${what}`);
        }
        break;
      case "none":
        counts.unanswered++;
        break;
    }
  }
}
