import { randomBytes } from "node:crypto";
import { mkdtemp, open, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import cliProgress from "cli-progress";
import type { Environment, HopInput, LineageHop } from "../../../../core/records/lineage.ts";
import type { Product } from "../../../../core/records/product.ts";
import type { RecordDocument } from "../../../../core/record-document.ts";
import { LedgerApiError, type LedgerClient, type SubmitResponse } from "../sdk/ledger-client.ts";
import { TRACE_PATHS, type DeliveryKeysResponse, type IntakeStatus } from "../../trace/api.ts";
import { deliverDataset } from "../../trace/delivery/deliver-dataset.ts";
import { HANDLE_BYTES } from "../../trace/fingerprint.ts";
import { readColumns, type Format } from "../../trace/datasets.ts";
import {
  requireMarkedCells,
  requireSpecColumns,
  validateSpec,
  type WatermarkSpec,
} from "../../trace/watermark-spec.ts";
import type { EmbedStats } from "../../trace/watermark-embed.ts";

/**
 * The operator's side of a delivery (`pdl deliver`), against the ledger service:
 *
 *  0. refuse a watermark spec naming a key or marked column the dataset lacks
 *     (WATERMARK_COLUMN_MISSING), before anything is sent;
 *  1. ask the service for the delivery's key secret and the organisation's index key
 *     (POST /v1/trace/keys);
 *  2. stream the dataset: watermark every record, write the recipient's copy, fingerprint each
 *     record as delivered (trace/delivery/deliver-dataset.ts); handles and leaf hashes go to temporary files, so memory
 *     stays bounded whatever the size; a watermark readable in fewer cells than the spec's
 *     `minMarkedCells` is refused here (WATERMARK_TOO_FEW_CELLS): no copy, no chain record;
 *  3. register the delivery on chain: a `deliver` lineage hop with the recipient, consent and
 *     cross-border references, the fingerprint root, the watermark key commitment, the record
 *     count, the number of marked cells and the SM3 of the delivered file (POST /v1/deliveries);
 *     only then does the copy take its name;
 *  4. deposit the handles and leaf hashes in chunks; the service indexes them once their root
 *     equals the root on chain.
 *
 * Raw records never leave the operator: the service sees keyed 16-byte handles and SM3 hashes of
 * keyed fingerprints. Re-running after an interruption is safe: the keys are deterministic, so
 * the same input gives the same copy and root, an already registered hop with that root is kept,
 * and the deposit resumes where it stopped.
 */
export interface DeliverRequest {
  readonly input: string;
  readonly output: string;
  /** Id of the `deliver` hop to register. */
  readonly deliveryId: string;
  readonly productId: string;
  readonly recipient: string;
  readonly watermark: WatermarkSpec;
  /** Earlier hops whose output this delivery ships (their output hash is read from the ledger). */
  readonly fromHops?: readonly string[];
  /** Explicit inputs (resources or artifacts), added to `fromHops`. */
  readonly inputs?: readonly HopInput[];
  readonly environment?: Environment;
  readonly outputGrade?: number;
  readonly consentRef?: string;
  readonly crossBorder?: boolean;
  readonly assessmentRef?: string;
  readonly format?: Format | "auto";
  readonly outputFormat?: Format;
  /** Progress bars on standard error. */
  readonly progress?: boolean;
  /** Where the temporary hash files go (default the system's temporary directory). */
  readonly workDir?: string;
}

export interface DeliverSummary {
  readonly deliveryId: string;
  readonly output: string;
  readonly outputFormat: Format;
  /** SM3 of the delivered file: the hop's output hash. */
  readonly outputHash: string;
  readonly recordCount: number;
  readonly fingerprintRoot: string;
  readonly watermarkCommitment: string;
  readonly embed: EmbedStats;
  /** The accepted hop (absent when it was already registered by an earlier run). */
  readonly hop?: SubmitResponse;
  readonly fingerprints: IntakeStatus;
  readonly elapsedMs: number;
}

/** A delivery that cannot go ahead, said in English and Chinese (`pdl` shows the user's language). */
export class DeliveryError extends Error {
  constructor(readonly words: { readonly en: string; readonly zh: string }) {
    super(words.en);
    this.name = "DeliveryError";
  }
}

/**
 * The body that created a hop or a product. The chain may hold a record that the service has not
 * indexed yet (its document then has no creating body): asking again shortly after is enough.
 */
async function createdBody<T>(api: LedgerClient, kind: "hop" | "product", id: string): Promise<T> {
  const path = kind === "hop" ? `/v1/hops/${encodeURIComponent(id)}` : `/v1/products/${encodeURIComponent(id)}`;
  const doc = await api.get<RecordDocument<unknown, T>>(path);
  if (doc.created === null)
    throw new DeliveryError({
      en: `${kind} ${id} is on chain but not yet indexed by the service: try again in a moment`,
      zh: `${kind === "hop" ? "血缘环节" : "产品"} ${id} 已上链，但服务尚未建立索引：请稍后重试`,
    });
  return doc.created;
}

async function resolveInputs(api: LedgerClient, req: DeliverRequest): Promise<HopInput[]> {
  const inputs: HopInput[] = [];
  for (const hopId of req.fromHops ?? []) {
    const hop = await createdBody<LineageHop>(api, "hop", hopId);
    inputs.push({ kind: "artifact", hopId, hash: hop.outputHash });
  }
  inputs.push(...(req.inputs ?? []));
  if (inputs.length === 0)
    throw new DeliveryError({
      en: "a delivery names what it ships: give the hop(s) whose output it is (--from-hop) or explicit inputs",
      zh: "交付须写明所交付的内容：请给出其产出所来自的血缘环节（--from-hop）或明确的输入",
    });
  return inputs;
}

export async function deliverAndRegister(api: LedgerClient, req: DeliverRequest): Promise<DeliverSummary> {
  const started = performance.now();
  validateSpec(req.watermark);
  requireSpecColumns(req.watermark, await readColumns(req.input, { format: req.format ?? "auto" }));
  const product = await createdBody<Pick<Product, "grantId">>(api, "product", req.productId);
  const inputs = await resolveInputs(api, req);
  const keys = await api.request<DeliveryKeysResponse>("POST", TRACE_PATHS.keys, { deliveryId: req.deliveryId });

  const work = await mkdtemp(join(req.workDir ?? tmpdir(), "pdl-deliver-"));
  // The copy is written beside its destination and takes its name only once the delivery is on
  // chain: a refused delivery leaves no file, and an earlier file of that name stays as it was.
  const draft = join(dirname(req.output), `.${basename(req.output)}.${randomBytes(6).toString("hex")}.partial`);
  try {
    const leafHashesPath = join(work, "leaves.bin");
    const handlesPath = join(work, "handles.bin");
    const marksPath = join(work, "marks.bin");
    const result = await deliverDataset({
      input: req.input,
      output: draft,
      ...(req.format ? { format: req.format } : {}),
      ...(req.outputFormat ? { outputFormat: req.outputFormat } : {}),
      deliveryId: req.deliveryId,
      masterSecret: Buffer.from(keys.deliverySecret, "hex"),
      indexKey: Buffer.from(keys.indexKey, "hex"),
      watermark: req.watermark,
      progressBar: req.progress ?? false,
      leafHashesPath,
      handlesPath,
      marksPath,
      returnHashes: false,
    });
    if (result.watermarkCommitment !== keys.watermarkCommitment)
      throw new DeliveryError({
        en: "the watermark key does not match the commitment the service announced",
        zh: "水印密钥与服务公布的承诺值不一致",
      });
    requireMarkedCells(req.watermark, result.embed.cellsMarked);
    const outputHash = result.outputHash;

    const body: LineageHop = {
      id: req.deliveryId,
      grantId: product.grantId,
      productId: req.productId,
      operation: "deliver",
      inputs,
      outputHash,
      ...(req.outputGrade !== undefined ? { outputGrade: req.outputGrade } : {}),
      environment: req.environment ?? "plain",
      recordCount: result.recordCount,
      delivery: {
        recipient: req.recipient,
        ...(req.consentRef ? { consentRef: req.consentRef } : {}),
        crossBorder: req.crossBorder ?? false,
        ...(req.assessmentRef ? { assessmentRef: req.assessmentRef } : {}),
        fingerprintRoot: result.fingerprintRoot,
        watermarkCommitment: result.watermarkCommitment,
        markedCells: result.embed.cellsMarked,
      },
    };
    const hop = await registerHop(api, body);
    await rename(draft, req.output);
    const fingerprints = await deposit(api, req, result.recordCount, result.outputFormat, {
      leafHashesPath,
      handlesPath,
      marksPath,
    });
    return {
      deliveryId: req.deliveryId,
      output: req.output,
      outputFormat: result.outputFormat,
      outputHash,
      recordCount: result.recordCount,
      fingerprintRoot: result.fingerprintRoot,
      watermarkCommitment: result.watermarkCommitment,
      embed: result.embed,
      ...(hop ? { hop } : {}),
      fingerprints,
      elapsedMs: performance.now() - started,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(draft, { force: true });
  }
}

/** Submits the deliver hop; an identical hop (same root and commitment) already on chain is kept. */
async function registerHop(api: LedgerClient, body: LineageHop): Promise<SubmitResponse | undefined> {
  try {
    return await api.submitSigned(api.sign("lineage.hop", body), "/v1/deliveries");
  } catch (err) {
    if (!(err instanceof LedgerApiError && err.code === "DUPLICATE_ID")) throw err;
    const existing = await createdBody<LineageHop>(api, "hop", body.id);
    const same =
      existing.delivery?.fingerprintRoot === body.delivery!.fingerprintRoot &&
      existing.delivery.watermarkCommitment === body.delivery!.watermarkCommitment &&
      existing.recordCount === body.recordCount;
    if (!same)
      throw new DeliveryError({
        en: `hop ${body.id} is already registered with other content: choose another delivery id`,
        zh: `血缘环节 ${body.id} 已以不同内容登记：请换一个交付标识`,
      });
    return undefined;
  }
}

/** Deposits the handles, leaf hashes and marks, resuming after what the service already holds. */
async function deposit(
  api: LedgerClient,
  req: DeliverRequest,
  count: number,
  format: Format,
  files: { readonly leafHashesPath: string; readonly handlesPath: string; readonly marksPath: string },
): Promise<IntakeStatus> {
  let status: IntakeStatus;
  try {
    status = await api.request<IntakeStatus>("POST", TRACE_PATHS.delivery(req.deliveryId), {
      watermark: req.watermark,
      format,
    });
  } catch (err) {
    if (err instanceof LedgerApiError && err.code === "DUPLICATE_ID")
      return api.get<IntakeStatus>(TRACE_PATHS.delivery(req.deliveryId));
    throw err;
  }
  const bar = req.progress
    ? new cliProgress.SingleBar(
        { format: "deposit {bar} {percentage}% | {value}/{total} fingerprints", stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(count, status.staged);
  const leaves = await open(files.leafHashesPath, "r");
  const handles = await open(files.handlesPath, "r");
  const marks = await open(files.marksPath, "r");
  try {
    for (let start = status.staged; ;) {
      const n = Math.min(status.chunkRecords, count - start);
      const h = Buffer.alloc(n * HANDLE_BYTES);
      const l = Buffer.alloc(n * 32);
      const m = Buffer.alloc(n);
      await handles.read(h, 0, h.length, start * HANDLE_BYTES);
      await leaves.read(l, 0, l.length, start * 32);
      await marks.read(m, 0, n, start);
      const final = start + n >= count;
      status = await api.request<IntakeStatus>("POST", TRACE_PATHS.fingerprints(req.deliveryId), {
        start,
        handles: h.toString("base64"),
        leafHashes: l.toString("base64"),
        marks: m.toString("base64"),
        final,
      });
      start += n;
      bar?.update(start);
      if (final) return status;
    }
  } finally {
    bar?.stop();
    await leaves.close();
    await handles.close();
    await marks.close();
  }
}
