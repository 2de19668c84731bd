import type { DeliveryKeys } from "./trace-keys.ts";
import { Fingerprinter, HandleComputer } from "./fingerprint.ts";
import type { FingerprintStore, StoreHit } from "./fingerprint-store.ts";
import { readAllRecords, type Format, type Row } from "./datasets.ts";
import { ProofTree, verifyInclusion } from "./tree.ts";
import { DEFAULT_ALPHA, type WatermarkSpec } from "./watermark-spec.ts";
import { binomialTailHalf, decisionThreshold, WatermarkDetector } from "./watermark-detect.ts";
import type { DetectionResult, MarkedExactTest, ProvenRecord } from "../../../core/trace-report.ts";

/**
 * Leak tracing: given a leaked file, find the deliveries it came from
 *  1. by exact fingerprint match: lookup handle → (delivery, index) in the store, confirmed by
 *     recomputing the record's keyed fingerprint under that delivery's key and proving its leaf
 *     at that index under the delivery's registered root (RFC 9162 inclusion proof);
 *  2. by watermark detection against every candidate delivery;
 *  3. by marked exact matches: records found as delivered in a candidate that its watermark
 *     changed (data that did not come from that copy holds one with probability ≤ ½ a record).
 * Tests 2 and 3 of every candidate share a Bonferroni correction (level alpha / (2 · candidates)),
 * so that the probability of any false attribution stays ≤ alpha (default 1e-9). A record the
 * marks left unchanged is also in the unmarked original, so it attributes nothing.
 */
export interface TraceCandidate {
  readonly deliveryId: string;
  readonly keys?: DeliveryKeys;
  readonly watermark?: WatermarkSpec;
  /** Registered root (hex); when absent, the root of `leafHashes` is used. */
  readonly fingerprintRoot?: string;
  /** The delivery's leaf hashes, concatenated (for inclusion proofs). */
  readonly leafHashes?: Uint8Array;
}

export interface TraceOptions {
  readonly store?: FingerprintStore;
  /** Index key for lookup handles (default: the store's). */
  readonly indexKey?: Uint8Array;
  /**
   * Several index keys (the service keeps one per delivering organisation): the handles of the
   * leaked records under each key are looked up. Overrides `indexKey`.
   */
  readonly indexKeys?: readonly Uint8Array[];
  /** Deliveries to test; default every delivery in the store whose keys are deposited there. */
  readonly candidates?: readonly TraceCandidate[];
  readonly format?: Format | "auto";
  /** Bound on the probability of any false watermark attribution; default 1e-9. */
  readonly alpha?: number;
  /** Inclusion proofs returned per delivery (all matches are counted); default 100. */
  readonly maxProofsPerDelivery?: number;
}

export interface ExactMatch {
  readonly deliveryId: string;
  /** Leaked records found in this delivery. */
  readonly matchedRecords: number;
  /** (leaked position, delivery index) of every match. */
  readonly matches: readonly { readonly leakedIndex: number; readonly index: number }[];
  /** Leaked positions of the matches whose record the delivery's watermark changed. */
  readonly marked: readonly number[];
  readonly treeSize?: number;
  readonly fingerprintRoot?: string;
  readonly proofs: readonly ProvenRecord[];
  /** Whether every returned proof verified (false when no keys/leaf hashes were available). */
  readonly verified: boolean;
}

export interface WatermarkMatch extends DetectionResult {
  readonly deliveryId: string;
}

export interface TraceResult {
  readonly records: number;
  /** Leaked records with no exact match in the store. */
  readonly unmatchedRecords: number;
  readonly exact: readonly ExactMatch[];
  /** Every candidate's detection result, most significant first. */
  readonly watermark: readonly WatermarkMatch[];
  /** Deliveries whose watermark was detected. */
  readonly watermarkAttributed: readonly string[];
  /** Every candidate's marked-exact-match test, most significant first. */
  readonly markedExact: readonly MarkedExactTest[];
  /** Deliveries attributed by either test (watermark first, in order of significance). */
  readonly attributed: readonly string[];
  readonly alpha: number;
  /** Candidates tested; each had two tests at level alpha / (2 · comparisons). */
  readonly comparisons: number;
  /** "no watermark" when no candidate passed its threshold. */
  readonly verdict: "watermark detected" | "no watermark";
}

async function candidatesFromStore(store: FingerprintStore): Promise<TraceCandidate[]> {
  const out: TraceCandidate[] = [];
  for (const meta of await store.deliveries()) {
    const keys = await store.deliveryKeys(meta.deliveryId);
    if (!keys) continue;
    out.push({
      deliveryId: meta.deliveryId,
      keys,
      ...(meta.watermark ? { watermark: meta.watermark } : {}),
      fingerprintRoot: meta.fingerprintRoot,
    });
  }
  return out;
}

/** Traces rows already in memory (see `traceLeak`). */
export async function traceRows(rows: readonly Row[], options: TraceOptions = {}): Promise<TraceResult> {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const maxProofs = options.maxProofsPerDelivery ?? 100;
  const candidates = options.candidates ?? (options.store ? await candidatesFromStore(options.store) : []);
  const byId = new Map(candidates.map((c) => [c.deliveryId, c]));

  // 1. Exact matches through the store.
  const exact: ExactMatch[] = [];
  let unmatched = rows.length;
  const fallbackKey = options.indexKey ?? options.store?.indexKey;
  const indexKeys = options.indexKeys ?? (fallbackKey ? [fallbackKey] : []);
  if (options.store && indexKeys.length > 0) {
    const hits: StoreHit[][] = rows.map(() => []);
    for (const key of indexKeys) {
      const hc = new HandleComputer(key);
      const found = await options.store.lookupMany(rows.map((r) => hc.handle(r)));
      found.forEach((list, i) => hits[i]!.push(...list));
    }
    const perDelivery = new Map<string, { leakedIndex: number; index: number }[]>();
    const markedBy = new Map<string, number[]>();
    hits.forEach((list, leakedIndex) => {
      if (list.length > 0) unmatched--;
      for (const h of list) {
        let arr = perDelivery.get(h.deliveryId);
        if (!arr) perDelivery.set(h.deliveryId, (arr = []));
        arr.push({ leakedIndex, index: h.index });
        if ((h.changed ?? 0) > 0) {
          let marked = markedBy.get(h.deliveryId);
          if (!marked) markedBy.set(h.deliveryId, (marked = []));
          marked.push(leakedIndex);
        }
      }
    });
    for (const [deliveryId, matches] of perDelivery) {
      let cand = byId.get(deliveryId);
      const keys = cand?.keys ?? (await options.store.deliveryKeys(deliveryId));
      const meta = await options.store.delivery(deliveryId);
      const leafHashes = cand?.leafHashes ?? (await options.store.leafHashes(deliveryId));
      cand = {
        ...cand,
        deliveryId,
        ...(keys ? { keys } : {}),
        ...(leafHashes ? { leafHashes } : {}),
        ...((cand?.fingerprintRoot ?? meta?.fingerprintRoot)
          ? { fingerprintRoot: cand?.fingerprintRoot ?? meta?.fingerprintRoot }
          : {}),
      };
      exact.push(await prove(rows, cand, matches, markedBy.get(deliveryId) ?? [], maxProofs));
    }
    exact.sort((a, b) => b.matchedRecords - a.matchedRecords);
  }

  // 2 and 3. The watermark and the marked exact matches of every candidate with keys and a spec.
  const testable = candidates.filter((c) => c.keys && c.watermark);
  const tests = 2 * testable.length;
  const level = alpha / Math.max(1, tests);
  const watermark: WatermarkMatch[] = [];
  const markedExact: MarkedExactTest[] = [];
  for (const c of testable) {
    const marked = new Set(exact.find((e) => e.deliveryId === c.deliveryId)?.marked ?? []);
    const d = new WatermarkDetector(c.keys!.watermarkKey, c.watermark!);
    let records = 0;
    let hits = 0;
    rows.forEach((r, i) => {
      if (d.add(r) <= 0) return;
      records++;
      if (marked.has(i)) hits++;
    });
    watermark.push({ deliveryId: c.deliveryId, ...d.result({ alpha, comparisons: Math.max(1, tests) }) });
    const threshold = decisionThreshold(records, level);
    markedExact.push({
      deliveryId: c.deliveryId,
      records,
      marked: hits,
      pValue: binomialTailHalf(records, hits),
      level,
      threshold,
      detected: hits > 0 && hits >= threshold,
    });
  }
  watermark.sort((a, b) => a.pValue - b.pValue || b.matched - a.matched);
  markedExact.sort((a, b) => a.pValue - b.pValue || b.marked - a.marked);
  const watermarkAttributed = watermark.filter((w) => w.detected).map((w) => w.deliveryId);
  const attributed = [
    ...new Set([...watermarkAttributed, ...markedExact.filter((m) => m.detected).map((m) => m.deliveryId)]),
  ];
  return {
    records: rows.length,
    unmatchedRecords: unmatched,
    exact,
    watermark,
    watermarkAttributed,
    markedExact,
    attributed,
    alpha,
    comparisons: testable.length,
    verdict: watermarkAttributed.length > 0 ? "watermark detected" : "no watermark",
  };
}

async function prove(
  rows: readonly Row[],
  cand: TraceCandidate,
  matches: { leakedIndex: number; index: number }[],
  marked: number[],
  maxProofs: number,
): Promise<ExactMatch> {
  const base = { deliveryId: cand.deliveryId, matchedRecords: matches.length, matches, marked };
  if (!cand.keys || !cand.leafHashes) return { ...base, proofs: [], verified: false };
  const tree = new ProofTree(cand.leafHashes);
  const root = cand.fingerprintRoot ? Buffer.from(cand.fingerprintRoot, "hex") : tree.root();
  const fp = new Fingerprinter(cand.keys.fingerprintKey);
  const proofs: ProvenRecord[] = [];
  for (const m of matches.slice(0, maxProofs)) {
    const leaf = fp.leafHash(rows[m.leakedIndex]!);
    const inTree = m.index < tree.size && leaf.equals(tree.leaf(m.index));
    const proof = m.index < tree.size ? await tree.proof(m.index) : [];
    const verified = inTree && verifyInclusion(m.index, tree.size, leaf, proof, root);
    proofs.push({
      leakedIndex: m.leakedIndex,
      index: m.index,
      leafHash: leaf.toString("hex"),
      proof: proof.map((p) => Buffer.from(p).toString("hex")),
      verified,
    });
  }
  return {
    ...base,
    treeSize: tree.size,
    fingerprintRoot: root.toString("hex"),
    proofs,
    verified: proofs.length > 0 && proofs.every((p) => p.verified),
  };
}

/** Reads a leaked file (CSV or JSON lines, detected) and traces it. */
export async function traceLeak(file: string, options: TraceOptions = {}): Promise<TraceResult> {
  const rows = await readAllRecords(file, { format: options.format ?? "auto" });
  return traceRows(rows, options);
}
