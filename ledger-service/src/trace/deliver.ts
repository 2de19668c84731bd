import { createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import cliProgress from "cli-progress";
import { deriveDeliveryKeys, deriveIndexKey, watermarkCommitment, type DeliveryKeys } from "./keys.ts";
import { Fingerprinter, HANDLE_BYTES } from "./fingerprint.ts";
import { canonicalRecord, detectFormat, readRecordBatches, RecordWriter, type Format } from "./records.ts";
import { StreamingRoot } from "./tree.ts";
import { WatermarkEmbedder, type EmbedStats, type WatermarkSpec } from "./watermark.ts";

/**
 * The operator-side delivery pipeline: stream the dataset, watermark every record with the
 * delivery's key, write the marked dataset for the recipient, fingerprint each record as
 * delivered, and compute the RFC 9162 root of the fingerprints. Only the root, the watermark key
 * commitment, the record count (for the chain) and the lookup handles and leaf hashes (for the
 * supervisor's index) leave the operator; raw records never do.
 */
export interface DeliveryProgress {
  readonly records: number;
  readonly bytes: number;
  readonly totalBytes: number;
}

export interface DeliverOptions {
  readonly input: string;
  readonly output: string;
  /** Input format; "auto" (default) detects it. */
  readonly format?: Format | "auto";
  /** Output format; default the input's. */
  readonly outputFormat?: Format;
  readonly deliveryId: string;
  /** Operator master secret (≥ 32 bytes); the delivery keys derive from it. */
  readonly masterSecret: Uint8Array;
  /** Index key for lookup handles: default derived from the master secret; `null` for none. */
  readonly indexKey?: Uint8Array | null;
  readonly watermark: WatermarkSpec;
  readonly onProgress?: (p: DeliveryProgress) => void;
  /** Show a cli-progress bar on stderr. */
  readonly progressBar?: boolean;
  /** Also write the leaf hashes (32 bytes each, in record order) / handles (16 bytes each) here. */
  readonly leafHashesPath?: string;
  readonly handlesPath?: string;
  /** Keep leaf hashes and handles in memory and return them (default true). */
  readonly returnHashes?: boolean;
}

export interface DeliveryResult {
  readonly deliveryId: string;
  readonly recordCount: number;
  /** RFC 9162 SM3 root of the fingerprints (leaf = SM3(0x00 ‖ fingerprint)), hex. */
  readonly fingerprintRoot: string;
  /** SM3 commitment to the watermark key, hex (keys.ts). */
  readonly watermarkCommitment: string;
  readonly watermark: WatermarkSpec;
  readonly format: Format;
  readonly outputFormat: Format;
  /** Concatenated leaf hashes (32 bytes per record) when `returnHashes`. */
  readonly leafHashes?: Buffer;
  /** Concatenated lookup handles (16 bytes per record) when `returnHashes` and an index key. */
  readonly handles?: Buffer;
  readonly leafHashesPath?: string;
  readonly handlesPath?: string;
  readonly embed: EmbedStats;
  readonly inputBytes: number;
  readonly outputBytes: number;
  readonly elapsedMs: number;
}

class Growable {
  buf: Buffer;
  length = 0;

  constructor(initial: number) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  reserve(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + extra));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  result(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

async function writeAll(stream: ReturnType<typeof createWriteStream>, data: Uint8Array): Promise<void> {
  if (!stream.write(data)) await new Promise<void>((resolve) => stream.once("drain", () => resolve()));
}

async function endStream(stream: ReturnType<typeof createWriteStream>): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    stream.once("error", reject);
    stream.end(() => resolve());
  });
}

export async function deliverDataset(options: DeliverOptions): Promise<DeliveryResult> {
  const started = performance.now();
  const keys: DeliveryKeys = deriveDeliveryKeys(options.masterSecret, options.deliveryId);
  const indexKey = options.indexKey === null ? undefined : (options.indexKey ?? deriveIndexKey(options.masterSecret));
  const format = !options.format || options.format === "auto" ? await detectFormat(options.input) : options.format;
  const outputFormat = options.outputFormat ?? format;
  const totalBytes = (await stat(options.input)).size;
  const returnHashes = options.returnHashes ?? true;

  const embedder = new WatermarkEmbedder(keys.watermarkKey, options.watermark);
  const fingerprinter = new Fingerprinter(keys.fingerprintKey, indexKey);
  const tree = new StreamingRoot();
  const writer = new RecordWriter(options.output, outputFormat);
  const leafOut = options.leafHashesPath ? createWriteStream(options.leafHashesPath) : undefined;
  const handleOut = options.handlesPath && indexKey ? createWriteStream(options.handlesPath) : undefined;

  const leaves = new Growable(returnHashes ? 1 << 20 : 0);
  const handles = new Growable(returnHashes && indexKey ? 1 << 19 : 0);
  // Per-batch scratch when hashes are not kept.
  let batchLeaves = Buffer.allocUnsafe(0);
  let batchHandles = Buffer.allocUnsafe(0);

  const bar = options.progressBar
    ? new cliProgress.SingleBar({ format: "deliver {bar} {percentage}% | {records} records | {eta_formatted} left", stream: process.stderr }, cliProgress.Presets.shades_classic)
    : undefined;
  bar?.start(totalBytes, 0, { records: 0 });

  let count = 0;
  let bytesRead = 0;
  try {
    for await (const batch of readRecordBatches(options.input, { format, onBytes: (b) => (bytesRead = b) })) {
      const n = batch.length;
      let lb: Buffer;
      let lo: number;
      let hb: Buffer | undefined;
      let ho: number;
      if (returnHashes) {
        leaves.reserve(n * 32);
        lb = leaves.buf;
        lo = leaves.length;
        if (indexKey) {
          handles.reserve(n * HANDLE_BYTES);
          hb = handles.buf;
        }
        ho = handles.length;
      } else {
        if (batchLeaves.length < n * 32) batchLeaves = Buffer.allocUnsafe(n * 32);
        if (indexKey && batchHandles.length < n * HANDLE_BYTES) batchHandles = Buffer.allocUnsafe(n * HANDLE_BYTES);
        lb = batchLeaves;
        lo = 0;
        hb = indexKey ? batchHandles : undefined;
        ho = 0;
      }
      const lStart = lo;
      const hStart = ho;
      for (let i = 0; i < n; i++) {
        const row = batch[i]!;
        embedder.embed(row);
        fingerprinter.computeInto(canonicalRecord(row), undefined, 0, lb, lo, hb, ho);
        tree.push(lb, lo);
        lo += 32;
        ho += HANDLE_BYTES;
        writer.add(row);
      }
      if (returnHashes) {
        leaves.length = lo;
        if (indexKey) handles.length = ho;
      }
      if (leafOut) await writeAll(leafOut, Buffer.from(lb.subarray(lStart, lo)));
      if (handleOut && hb) await writeAll(handleOut, Buffer.from(hb.subarray(hStart, ho)));
      count += n;
      if (writer.full) await writer.flush();
      options.onProgress?.({ records: count, bytes: bytesRead, totalBytes });
      bar?.update(bytesRead, { records: count });
    }
    await writer.close();
    if (leafOut) await endStream(leafOut);
    if (handleOut) await endStream(handleOut);
  } finally {
    bar?.stop();
  }

  return {
    deliveryId: options.deliveryId,
    recordCount: count,
    fingerprintRoot: tree.root().toString("hex"),
    watermarkCommitment: watermarkCommitment(keys.watermarkKey),
    watermark: options.watermark,
    format,
    outputFormat,
    ...(returnHashes ? { leafHashes: leaves.result(), ...(indexKey ? { handles: handles.result() } : {}) } : {}),
    ...(options.leafHashesPath ? { leafHashesPath: options.leafHashesPath } : {}),
    ...(handleOut ? { handlesPath: options.handlesPath } : {}),
    embed: { ...embedder.stats },
    inputBytes: totalBytes,
    outputBytes: writer.bytes,
    elapsedMs: performance.now() - started,
  };
}
