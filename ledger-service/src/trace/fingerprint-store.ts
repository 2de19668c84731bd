import { randomBytes, timingSafeEqual } from "node:crypto";
import { ClassicLevel } from "classic-level";
import { openDeliveryKeys, openIndexKey, sealDeliveryKeys, sealIndexKey, type DeliveryKeys } from "./trace-keys.ts";
import { HANDLE_BYTES } from "./fingerprint.ts";
import type { WatermarkSpec } from "./watermark-spec.ts";

/**
 * LevelDB index from lookup handle to (delivery, index in delivery). It never holds a record
 * value: only 16-byte keyed handles, delivery metadata (root, commitment, counts, the watermark
 * spec), the deliveries' keys and the index key sealed with SM4 under the storage key, and
 * optionally the deliveries' RFC 9162 leaf hashes (SM3 of keyed fingerprints) for inclusion
 * proofs.
 *
 * Keys (binary):
 *   'h' ‖ handle(16) ‖ ref(4, BE) ‖ index(6, BE)  → mark(1)       (a handle may hit many deliveries)
 *   'd' ‖ ref(4)                                   → JSON metadata
 *   'i' ‖ deliveryId (UTF-8)                       → ref(4)
 *   'l' ‖ ref(4) ‖ chunk(4)                        → 4096 leaf hashes (32 bytes each)
 *   'm' ‖ name                                     → store metadata (sealed index key, next ref)
 */
const H = 0x68;
const D = 0x64;
const I = 0x69;
const L = 0x6c;
const M = 0x6d;
const HIT_KEY_BYTES = 1 + HANDLE_BYTES + 4 + 6;
export const LEAF_CHUNK = 4096;

export interface StoreHit {
  readonly deliveryId: string;
  readonly index: number;
  /**
   * How many of the record's cells the delivery's watermark changed (the operator's tool reports
   * it with the handles); undefined when it was not reported.
   */
  readonly changed?: number;
}

/** The mark byte of a record whose mark was not reported. */
export const UNKNOWN_MARK = 255;

export interface DeliveryMeta {
  readonly deliveryId: string;
  readonly recordCount: number;
  /** RFC 9162 root (SM3) of the fingerprints, hex. */
  readonly fingerprintRoot: string;
  readonly watermarkCommitment: string;
  readonly watermark?: WatermarkSpec;
  readonly format?: string;
  readonly [extra: string]: unknown;
}

interface StoredMeta extends DeliveryMeta {
  readonly ref: number;
  readonly sealedKeys?: string;
}

export interface FingerprintStoreOptions {
  /** 32-byte key sealing the index key and delivery keys at rest (SM4). */
  readonly storageKey: Uint8Array;
  /** Index key to use when the store is new (else a random one); must match an existing store's. */
  readonly indexKey?: Uint8Array;
}

function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n);
  return b;
}

function prefixed(tag: number, ...parts: Uint8Array[]): Buffer<ArrayBuffer> {
  return Buffer.concat([Buffer.of(tag), ...parts]);
}

export class FingerprintStore {
  private readonly refs = new Map<number, string>();

  private constructor(
    readonly db: ClassicLevel<Buffer, Buffer>,
    private readonly storageKey: Uint8Array,
    private readonly indexKeyValue: Buffer,
    private nextRef: number,
  ) {}

  static async open(dir: string, options: FingerprintStoreOptions): Promise<FingerprintStore> {
    if (options.storageKey.length !== 32) throw new RangeError("the storage key must be 32 bytes");
    const db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: "buffer", valueEncoding: "buffer" });
    await db.open();
    try {
      const sealedKey = await db.get(prefixed(M, Buffer.from("indexKey")));
      let indexKey: Buffer;
      if (sealedKey) {
        indexKey = openIndexKey(options.storageKey, sealedKey);
        if (
          options.indexKey &&
          (options.indexKey.length !== indexKey.length || !timingSafeEqual(options.indexKey, indexKey))
        ) {
          throw new Error("this store was created with a different index key");
        }
      } else {
        indexKey = Buffer.from(options.indexKey ?? randomBytes(32));
        await db.put(prefixed(M, Buffer.from("indexKey")), sealIndexKey(options.storageKey, indexKey));
      }
      const next = await db.get(prefixed(M, Buffer.from("nextRef")));
      return new FingerprintStore(db, options.storageKey, indexKey, next ? next.readUInt32BE(0) : 0);
    } catch (e) {
      await db.close();
      throw e;
    }
  }

  /** The index key (for the supervisor's handle computation and for the operator's tool). */
  get indexKey(): Buffer {
    return Buffer.from(this.indexKeyValue);
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  private async refOf(deliveryId: string): Promise<number | undefined> {
    const v = await this.db.get(prefixed(I, Buffer.from(deliveryId, "utf8")));
    return v ? v.readUInt32BE(0) : undefined;
  }

  private async idOf(ref: number): Promise<string> {
    let id = this.refs.get(ref);
    if (id === undefined) {
      const meta = await this.db.get(prefixed(D, u32(ref)));
      if (!meta) throw new Error(`dangling delivery reference ${ref}`);
      id = (JSON.parse(meta.toString("utf8")) as StoredMeta).deliveryId;
      this.refs.set(ref, id);
    }
    return id;
  }

  /** Registers a delivery's metadata (and optionally its keys, sealed); returns its reference. */
  async registerDelivery(meta: DeliveryMeta, keys?: DeliveryKeys): Promise<number> {
    if (keys && keys.deliveryId !== meta.deliveryId) throw new Error("keys of another delivery");
    if ((await this.refOf(meta.deliveryId)) !== undefined)
      throw new Error(`delivery ${meta.deliveryId} is already registered`);
    const ref = this.nextRef++;
    const stored: StoredMeta = {
      ...meta,
      ref,
      ...(keys ? { sealedKeys: sealDeliveryKeys(this.storageKey, keys).toString("base64") } : {}),
    };
    await this.db.batch([
      { type: "put", key: prefixed(D, u32(ref)), value: Buffer.from(JSON.stringify(stored), "utf8") },
      { type: "put", key: prefixed(I, Buffer.from(meta.deliveryId, "utf8")), value: u32(ref) },
      { type: "put", key: prefixed(M, Buffer.from("nextRef")), value: u32(this.nextRef) },
    ]);
    this.refs.set(ref, meta.deliveryId);
    return ref;
  }

  /**
   * Indexes the handles (concatenated 16-byte values) of records `startIndex…` of a registered
   * delivery, in LevelDB batches of `batchSize`, each with its mark byte (how many of the
   * record's cells the watermark changed; UNKNOWN_MARK or no `marks` when not reported).
   */
  async addHandles(
    deliveryId: string,
    handles: Uint8Array,
    startIndex = 0,
    batchSize = 20_000,
    marks?: Uint8Array,
  ): Promise<void> {
    const ref = await this.refOf(deliveryId);
    if (ref === undefined) throw new Error(`delivery ${deliveryId} is not registered`);
    if (handles.length % HANDLE_BYTES !== 0) throw new RangeError("handles must be a multiple of 16 bytes");
    const count = handles.length / HANDLE_BYTES;
    if (marks && marks.length !== count) throw new RangeError("one mark byte per handle");
    const values = Array.from({ length: 256 }, (_, m) => Buffer.of(m));
    for (let start = 0; start < count; start += batchSize) {
      const end = Math.min(count, start + batchSize);
      const keys = Buffer.allocUnsafe((end - start) * HIT_KEY_BYTES);
      const batch = this.db.batch();
      for (let i = start; i < end; i++) {
        const o = (i - start) * HIT_KEY_BYTES;
        keys[o] = H;
        keys.set(handles.subarray(i * HANDLE_BYTES, (i + 1) * HANDLE_BYTES), o + 1);
        keys.writeUInt32BE(ref, o + 1 + HANDLE_BYTES);
        keys.writeUIntBE(startIndex + i, o + 1 + HANDLE_BYTES + 4, 6);
        batch.put(keys.subarray(o, o + HIT_KEY_BYTES), values[marks ? marks[i]! : UNKNOWN_MARK]!);
      }
      await batch.write();
    }
  }

  /**
   * Stores a delivery's leaf hashes (concatenated 32-byte values), for inclusion proofs. A large
   * delivery may be stored in pieces: `firstLeaf` (a multiple of 4096) is the index of the
   * piece's first leaf, and every piece but the last holds a multiple of 4096 leaves.
   */
  async putLeafHashes(deliveryId: string, leafHashes: Uint8Array, firstLeaf = 0): Promise<void> {
    const ref = await this.refOf(deliveryId);
    if (ref === undefined) throw new Error(`delivery ${deliveryId} is not registered`);
    if (!Number.isSafeInteger(firstLeaf) || firstLeaf < 0 || firstLeaf % LEAF_CHUNK !== 0)
      throw new RangeError(`firstLeaf must be a multiple of ${LEAF_CHUNK}`);
    const first = firstLeaf / LEAF_CHUNK;
    const batch = this.db.batch();
    for (let c = 0; c * LEAF_CHUNK * 32 < leafHashes.length; c++) {
      batch.put(
        prefixed(L, u32(ref), u32(first + c)),
        Buffer.from(leafHashes.subarray(c * LEAF_CHUNK * 32, (c + 1) * LEAF_CHUNK * 32)),
      );
    }
    await batch.write();
  }

  async leafHashes(deliveryId: string): Promise<Buffer | undefined> {
    const ref = await this.refOf(deliveryId);
    if (ref === undefined) return undefined;
    const parts: Buffer[] = [];
    for await (const v of this.db.values({ gte: prefixed(L, u32(ref)), lt: prefixed(L, u32(ref + 1)) })) parts.push(v);
    return parts.length > 0 ? Buffer.concat(parts) : undefined;
  }

  async delivery(deliveryId: string): Promise<DeliveryMeta | undefined> {
    const ref = await this.refOf(deliveryId);
    if (ref === undefined) return undefined;
    const meta = await this.db.get(prefixed(D, u32(ref)));
    if (!meta) return undefined;
    const { sealedKeys: _sealed, ref: _ref, ...rest } = JSON.parse(meta.toString("utf8")) as StoredMeta;
    return rest;
  }

  async deliveries(): Promise<DeliveryMeta[]> {
    const out: DeliveryMeta[] = [];
    for await (const v of this.db.values({ gte: Buffer.of(D), lt: Buffer.of(D + 1) })) {
      const { sealedKeys: _sealed, ref: _ref, ...rest } = JSON.parse(v.toString("utf8")) as StoredMeta;
      out.push(rest);
    }
    return out;
  }

  /** The delivery's keys, opened with the storage key (undefined when they were not deposited). */
  async deliveryKeys(deliveryId: string): Promise<DeliveryKeys | undefined> {
    const ref = await this.refOf(deliveryId);
    if (ref === undefined) return undefined;
    const meta = await this.db.get(prefixed(D, u32(ref)));
    const stored = meta ? (JSON.parse(meta.toString("utf8")) as StoredMeta) : undefined;
    if (!stored?.sealedKeys) return undefined;
    return openDeliveryKeys(this.storageKey, deliveryId, Buffer.from(stored.sealedKeys, "base64"));
  }

  /** Every (delivery, index) indexed under one handle. */
  async lookup(handle: Uint8Array): Promise<StoreHit[]> {
    return (await this.lookupMany([handle]))[0]!;
  }

  /**
   * Looks up many handles with one LevelDB iterator: the handles are sorted and the iterator
   * seeks to each in turn. Results are in the order of `handles`.
   */
  async lookupMany(handles: readonly Uint8Array[]): Promise<StoreHit[][]> {
    const order = handles.map((_, i) => i).sort((a, b) => Buffer.compare(handles[a]!, handles[b]!));
    const results: StoreHit[][] = handles.map(() => []);
    const it = this.db.iterator({ gte: Buffer.of(H), lt: Buffer.of(H + 1) });
    try {
      let prev: Uint8Array | undefined;
      let prevHits: StoreHit[] = [];
      for (const i of order) {
        const h = handles[i]!;
        if (h.length !== HANDLE_BYTES) throw new RangeError("a handle is 16 bytes");
        if (prev && Buffer.compare(prev, h) === 0) {
          results[i] = prevHits;
          continue;
        }
        const target = prefixed(H, h);
        it.seek(target);
        const hits: StoreHit[] = [];
        // nextv with a small size: after a seek, next() would prefetch a whole cache of keys.
        for (let done = false; !done;) {
          const entries = await it.nextv(8);
          if (entries.length < 8) done = true;
          for (const [key, value] of entries) {
            if (key.length !== HIT_KEY_BYTES || Buffer.compare(key.subarray(0, 1 + HANDLE_BYTES), target) !== 0) {
              done = true;
              break;
            }
            const ref = key.readUInt32BE(1 + HANDLE_BYTES);
            const mark = value.length === 1 ? value[0]! : UNKNOWN_MARK;
            hits.push({
              deliveryId: await this.idOf(ref),
              index: key.readUIntBE(1 + HANDLE_BYTES + 4, 6),
              ...(mark !== UNKNOWN_MARK ? { changed: mark } : {}),
            });
          }
        }
        results[i] = hits;
        prev = h;
        prevHits = hits;
      }
    } finally {
      await it.close();
    }
    return results;
  }
}
