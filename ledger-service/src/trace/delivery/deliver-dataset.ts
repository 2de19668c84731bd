import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import cliProgress from "cli-progress";
import { DeliveryHashes } from "./delivery-hashes.ts";
import { deriveDeliveryKeys, deriveIndexKey, watermarkCommitment, type DeliveryKeys } from "../trace-keys.ts";
import { recordMarker } from "./marking.ts";
import { detectFormat, RecordWriter, type Format } from "../datasets.ts";
import { type WatermarkSpec } from "../watermark-spec.ts";
import { WatermarkEmbedder, type EmbedStats } from "../watermark-embed.ts";

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
  /** Also write the marks (one byte per record: how many cells the watermark changed) here. */
  readonly marksPath?: string;
  /** Keep leaf hashes and handles in memory and return them (default true). */
  readonly returnHashes?: boolean;
  /**
   * Hash four records at a time with WebAssembly SIMD where the runtime has it (default true);
   * false hashes record by record. The results are the same either way.
   */
  readonly simd?: boolean;
}

export interface DeliveryResult {
  readonly deliveryId: string;
  readonly recordCount: number;
  /** RFC 9162 SM3 root of the fingerprints (leaf = SM3(0x00 ‖ fingerprint)), hex. */
  readonly fingerprintRoot: string;
  /** SM3 commitment to the watermark key, hex (trace-keys.ts). */
  readonly watermarkCommitment: string;
  readonly watermark: WatermarkSpec;
  readonly format: Format;
  readonly outputFormat: Format;
  /** Concatenated leaf hashes (32 bytes per record) when `returnHashes`. */
  readonly leafHashes?: Buffer;
  /** Concatenated lookup handles (16 bytes per record) when `returnHashes` and an index key. */
  readonly handles?: Buffer;
  /** One byte per record when `returnHashes`: how many of its cells the watermark changed (≤ 254). */
  readonly marks?: Buffer;
  readonly leafHashesPath?: string;
  readonly handlesPath?: string;
  readonly marksPath?: string;
  readonly embed: EmbedStats;
  readonly inputBytes: number;
  readonly outputBytes: number;
  /** SM3 of the delivered file, hex: the `outputHash` of its deliver hop. */
  readonly outputHash: string;
  readonly elapsedMs: number;
}

const CHUNK_BYTES = 1 << 20;

export async function deliverDataset(options: DeliverOptions): Promise<DeliveryResult> {
  const started = performance.now();
  const keys: DeliveryKeys = deriveDeliveryKeys(options.masterSecret, options.deliveryId);
  const indexKey = options.indexKey === null ? undefined : (options.indexKey ?? deriveIndexKey(options.masterSecret));
  const format = !options.format || options.format === "auto" ? await detectFormat(options.input) : options.format;
  const outputFormat = options.outputFormat ?? format;
  const totalBytes = (await stat(options.input)).size;
  const returnHashes = options.returnHashes ?? true;
  const handlesPath = options.handlesPath && indexKey ? options.handlesPath : undefined;

  const embedder = new WatermarkEmbedder(keys.watermarkKey, options.watermark);
  const writer = new RecordWriter(options.output, outputFormat, { sm3: true });
  const hashes = new DeliveryHashes({
    fingerprintKey: keys.fingerprintKey,
    indexKey,
    keep: returnHashes,
    ...(options.leafHashesPath ? { leafHashesPath: options.leafHashesPath } : {}),
    ...(handlesPath ? { handlesPath } : {}),
    ...(options.marksPath ? { marksPath: options.marksPath } : {}),
    lanes: options.simd ?? true,
  });
  const marker = recordMarker(format, outputFormat, { embedder, writer, hashes }, options.simd ?? true);

  const bar = options.progressBar
    ? new cliProgress.SingleBar(
        { format: "deliver {bar} {percentage}% | {records} records | {eta_formatted} left", stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(totalBytes, 0, { records: 0 });

  let bytesRead = 0;
  try {
    for await (const chunk of createReadStream(options.input, {
      highWaterMark: CHUNK_BYTES,
    }) as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      marker.push(chunk, false);
      await hashes.endBatch();
      if (writer.full) await writer.flush();
      options.onProgress?.({ records: hashes.count, bytes: bytesRead, totalBytes });
      bar?.update(bytesRead, { records: hashes.count });
    }
    marker.push(Buffer.alloc(0), true);
    await hashes.close();
    await writer.close();
  } finally {
    bar?.stop();
  }

  return {
    deliveryId: options.deliveryId,
    recordCount: hashes.count,
    fingerprintRoot: hashes.root().toString("hex"),
    watermarkCommitment: watermarkCommitment(keys.watermarkKey),
    watermark: options.watermark,
    format,
    outputFormat,
    ...hashes.kept(),
    ...(options.leafHashesPath ? { leafHashesPath: options.leafHashesPath } : {}),
    ...(handlesPath ? { handlesPath } : {}),
    ...(options.marksPath ? { marksPath: options.marksPath } : {}),
    embed: { ...embedder.stats },
    inputBytes: totalBytes,
    outputBytes: writer.bytes,
    outputHash: writer.sm3(),
    elapsedMs: performance.now() - started,
  };
}
