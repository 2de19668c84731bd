import { mkdir, open, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { HANDLE_BYTES } from "../fingerprint.ts";
import { LEAF_CHUNK, UNKNOWN_MARK, type DeliveryMeta, type FingerprintStore } from "../fingerprint-store.ts";
import { verifyWatermarkCommitment, type DeliveryKeys } from "../trace-keys.ts";
import type { Format } from "../datasets.ts";
import { StreamingRoot } from "../tree.ts";
import { validateSpec, type WatermarkSpec } from "../watermark-spec.ts";
import { LedgerError } from "../../../../core/errors.ts";

/**
 * Takes in a delivery's lookup handles, leaf hashes and marks (per record, how many cells the
 * watermark changed) from the operator's tool, in chunks that fit the request body limit, and
 * indexes them in the fingerprint store only once all of them are in and their RFC 9162 root
 * equals the root the delivery registered on chain. Nothing unverified ever reaches the store;
 * chunks wait in <dir>/<hex delivery id>.{json,leaves,handles,marks}.
 *
 * Chunks must arrive in order (`start` = records staged so far), so an interrupted upload
 * resumes where it stopped: `begin` again answers the staged count.
 */
export interface DeliveryOnChain {
  readonly deliveryId: string;
  /** The organisation that recorded the deliver hop. */
  readonly actor: string;
  readonly productId: string;
  readonly grantId: string;
  readonly recipient: string;
  readonly recordCount: number;
  readonly fingerprintRoot: string;
  readonly watermarkCommitment: string;
  readonly recordHash: string;
}

interface Staging {
  readonly delivery: DeliveryOnChain;
  readonly watermark: WatermarkSpec;
  readonly format?: Format;
}

const LEAF_BYTES = 32;
/** Leaves read per step when verifying and indexing (a multiple of the store's chunk). */
const READ_LEAVES = LEAF_CHUNK * 64;

export class FingerprintIntake {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly dir: string,
    private readonly store: FingerprintStore,
    private readonly keysOf: (orgId: string, deliveryId: string) => DeliveryKeys,
  ) {}

  private paths(deliveryId: string) {
    const base = join(this.dir, Buffer.from(deliveryId, "utf8").toString("hex"));
    return { meta: `${base}.json`, leaves: `${base}.leaves`, handles: `${base}.handles`, marks: `${base}.marks` };
  }

  /** Runs `fn` after every earlier call for the same delivery has finished. */
  private exclusive<T>(deliveryId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(deliveryId) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.locks.set(deliveryId, settled);
    void settled.then(() => {
      if (this.locks.get(deliveryId) === settled) this.locks.delete(deliveryId);
    });
    return next;
  }

  private async staging(deliveryId: string): Promise<Staging | undefined> {
    const text = await readFile(this.paths(deliveryId).meta, "utf8").catch(() => undefined);
    return text === undefined ? undefined : (JSON.parse(text) as Staging);
  }

  /** Records staged: the shortest of the three files, in whole records. */
  async staged(deliveryId: string): Promise<number> {
    const p = this.paths(deliveryId);
    const size = async (path: string) => (await stat(path).catch(() => undefined))?.size ?? 0;
    return Math.min(
      Math.floor((await size(p.leaves)) / LEAF_BYTES),
      Math.floor((await size(p.handles)) / HANDLE_BYTES),
      await size(p.marks),
    );
  }

  /**
   * Starts (or resumes) the intake of a delivery recorded on chain. The watermark key the
   * service derives for it must match the commitment on chain: the operator marked the data
   * with the keys the service issued, so the service can detect the mark later.
   */
  begin(delivery: DeliveryOnChain, watermark: WatermarkSpec, format?: Format): Promise<number> {
    return this.exclusive(delivery.deliveryId, async () => {
      if (await this.store.delivery(delivery.deliveryId))
        throw new LedgerError("DUPLICATE_ID", "this delivery's fingerprints are already indexed", {
          id: delivery.deliveryId,
        });
      try {
        validateSpec(watermark);
      } catch (err) {
        throw new LedgerError("MALFORMED_REQUEST", `watermark: ${(err as Error).message}`, { field: "watermark" });
      }
      const keys = this.keysOf(delivery.actor, delivery.deliveryId);
      if (!verifyWatermarkCommitment(keys.watermarkKey, delivery.watermarkCommitment)) {
        throw new LedgerError(
          "MALFORMED_REQUEST",
          "the delivery's watermark commitment does not match the keys the service issued for it (POST /v1/trace/keys)",
          { field: "watermarkCommitment", deliveryId: delivery.deliveryId },
        );
      }
      const p = this.paths(delivery.deliveryId);
      const previous = await this.staging(delivery.deliveryId);
      if (
        previous &&
        previous.delivery.recordHash === delivery.recordHash &&
        isDeepStrictEqual(previous.watermark, watermark)
      ) {
        const staged = await this.staged(delivery.deliveryId);
        await truncate(p.leaves, staged * LEAF_BYTES);
        await truncate(p.handles, staged * HANDLE_BYTES);
        await truncate(p.marks, staged);
        return staged;
      }
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      const staging: Staging = { delivery, watermark, ...(format ? { format } : {}) };
      await writeFile(p.meta, JSON.stringify(staging), { mode: 0o600 });
      await writeFile(p.leaves, Buffer.alloc(0), { mode: 0o600 });
      await writeFile(p.handles, Buffer.alloc(0), { mode: 0o600 });
      await writeFile(p.marks, Buffer.alloc(0), { mode: 0o600 });
      return 0;
    });
  }

  /**
   * Appends one chunk; with `final`, verifies and indexes the delivery. Returns the staged count.
   * `marks` (one byte per record) may be absent: those records' marks are then unknown, and an
   * exact match of one of them is no evidence that the watermark made it unique.
   */
  append(
    deliveryId: string,
    start: number,
    handles: Buffer,
    leaves: Buffer,
    final: boolean,
    marks?: Buffer,
  ): Promise<{ staged: number; indexed: boolean }> {
    return this.exclusive(deliveryId, async () => {
      const staging = await this.staging(deliveryId);
      if (!staging)
        throw new LedgerError(
          "NOT_FOUND",
          "no intake in progress for this delivery: POST /v1/trace/deliveries/:deliveryId first",
          { id: deliveryId },
        );
      if (
        handles.length % HANDLE_BYTES !== 0 ||
        leaves.length % LEAF_BYTES !== 0 ||
        handles.length / HANDLE_BYTES !== leaves.length / LEAF_BYTES
      ) {
        throw new LedgerError(
          "MALFORMED_REQUEST",
          "a chunk holds 16-byte handles and 32-byte leaf hashes for the same records",
          { field: "leaves" },
        );
      }
      if (marks && marks.length !== leaves.length / LEAF_BYTES)
        throw new LedgerError("MALFORMED_REQUEST", "marks: one byte per record of the chunk", {
          field: "marks",
          limit: leaves.length / LEAF_BYTES,
        });
      const staged = await this.staged(deliveryId);
      if (start !== staged)
        throw new LedgerError("MALFORMED_REQUEST", `chunks arrive in order: the next one starts at record ${staged}`, {
          field: "from",
          staged,
        });
      const n = leaves.length / LEAF_BYTES;
      if (staged + n > staging.delivery.recordCount)
        throw new LedgerError("MALFORMED_REQUEST", `the delivery registered ${staging.delivery.recordCount} records`, {
          field: "leaves",
          limit: staging.delivery.recordCount,
        });
      const p = this.paths(deliveryId);
      if (n > 0) {
        await writeAt(p.leaves, leaves, staged * LEAF_BYTES);
        await writeAt(p.handles, handles, staged * HANDLE_BYTES);
        await writeAt(p.marks, marks ?? Buffer.alloc(n, UNKNOWN_MARK), staged);
      }
      if (!final) return { staged: staged + n, indexed: false };
      await this.index(staging);
      return { staged: staged + n, indexed: true };
    });
  }

  /** Checks the count and the root against the chain, then indexes and drops the staging files. */
  private async index(staging: Staging): Promise<void> {
    const { delivery } = staging;
    const p = this.paths(delivery.deliveryId);
    const staged = await this.staged(delivery.deliveryId);
    if (staged !== delivery.recordCount)
      throw new LedgerError(
        "MALFORMED_REQUEST",
        `received ${staged} of the ${delivery.recordCount} records the delivery registered`,
        { field: "final", count: staged, limit: delivery.recordCount },
      );
    const root = new StreamingRoot();
    for await (const { leaves } of pieces(p.leaves, delivery.recordCount))
      for (let o = 0; o < leaves.length; o += LEAF_BYTES) root.push(leaves, o);
    if (root.root().toString("hex") !== delivery.fingerprintRoot) {
      // Start over: a resumed upload would only append to what cannot verify.
      await truncate(p.leaves, 0);
      await truncate(p.handles, 0);
      await truncate(p.marks, 0);
      throw new LedgerError(
        "MALFORMED_REQUEST",
        "the leaf hashes do not hash to the fingerprint root registered on chain; the upload was discarded, send it again from record 0",
        { field: "leaves", deliveryId: delivery.deliveryId },
      );
    }
    const meta: DeliveryMeta = {
      deliveryId: delivery.deliveryId,
      recordCount: delivery.recordCount,
      fingerprintRoot: delivery.fingerprintRoot,
      watermarkCommitment: delivery.watermarkCommitment,
      watermark: staging.watermark,
      ...(staging.format ? { format: staging.format } : {}),
      actor: delivery.actor,
      productId: delivery.productId,
      grantId: delivery.grantId,
      recipient: delivery.recipient,
      recordHash: delivery.recordHash,
    };
    await this.store.registerDelivery(meta, this.keysOf(delivery.actor, delivery.deliveryId));
    for await (const { first, leaves } of pieces(p.leaves, delivery.recordCount))
      await this.store.putLeafHashes(delivery.deliveryId, leaves, first);
    const handles = await open(p.handles, "r");
    const marks = await open(p.marks, "r");
    try {
      for (let first = 0; first < delivery.recordCount; first += READ_LEAVES) {
        const n = Math.min(READ_LEAVES, delivery.recordCount - first);
        const buf = Buffer.alloc(n * HANDLE_BYTES);
        await handles.read(buf, 0, buf.length, first * HANDLE_BYTES);
        const m = Buffer.alloc(n);
        await marks.read(m, 0, n, first);
        await this.store.addHandles(delivery.deliveryId, buf, first, undefined, m);
      }
    } finally {
      await handles.close();
      await marks.close();
    }
    await Promise.all(Object.values(p).map((path) => rm(path, { force: true })));
  }

  /** What a GET of the intake shows: staged records, or the indexed delivery. */
  async status(deliveryId: string): Promise<{ staged: number; indexed: boolean }> {
    const indexed = await this.store.delivery(deliveryId);
    if (indexed) return { staged: indexed.recordCount, indexed: true };
    return { staged: await this.staged(deliveryId), indexed: false };
  }
}

async function writeAt(path: string, data: Buffer, position: number): Promise<void> {
  const fh = await open(path, "r+");
  try {
    await fh.write(data, 0, data.length, position);
  } finally {
    await fh.close();
  }
}

/** The staged leaf hashes in pieces of READ_LEAVES records. */
async function* pieces(path: string, count: number): AsyncGenerator<{ first: number; leaves: Buffer }> {
  const fh = await open(path, "r");
  try {
    for (let first = 0; first < count; first += READ_LEAVES) {
      const n = Math.min(READ_LEAVES, count - first);
      const leaves = Buffer.alloc(n * LEAF_BYTES);
      await fh.read(leaves, 0, leaves.length, first * LEAF_BYTES);
      yield { first, leaves };
    }
  } finally {
    await fh.close();
  }
}
