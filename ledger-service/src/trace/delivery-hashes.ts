import { createWriteStream, type WriteStream } from "node:fs";
import { Fingerprinter, HANDLE_BYTES } from "./fingerprint.ts";
import { StreamingRoot } from "./tree.ts";

/**
 * What a delivery computes per record for its registration, from the record's canonical bytes:
 * the leaf hash (into the streaming root), the lookup handle, and where asked for, the leaf
 * hashes and handles kept in memory or written to files batch by batch.
 */
export interface DeliveryHashOptions {
  readonly fingerprintKey: Uint8Array;
  readonly indexKey: Uint8Array | undefined;
  /** Keep every leaf hash and handle in memory. */
  readonly keep: boolean;
  readonly leafHashesPath?: string;
  readonly handlesPath?: string;
}

class Growable {
  buf: Buffer;
  length = 0;

  constructor(initial: number) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  reserve(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + extra, 1 << 16));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  result(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

export class DeliveryHashes {
  private readonly fingerprinter: Fingerprinter;
  private readonly tree = new StreamingRoot();
  private readonly leaves = new Growable(1 << 20);
  private readonly handles: Growable | undefined;
  /** Start of the batch not yet written to the files. */
  private leafMark = 0;
  private handleMark = 0;
  private readonly leafOut: WriteStream | undefined;
  private readonly handleOut: WriteStream | undefined;

  constructor(private readonly options: DeliveryHashOptions) {
    this.fingerprinter = new Fingerprinter(options.fingerprintKey, options.indexKey);
    this.handles = options.indexKey ? new Growable(1 << 19) : undefined;
    this.leafOut = options.leafHashesPath ? createWriteStream(options.leafHashesPath) : undefined;
    this.handleOut = options.handlesPath && options.indexKey ? createWriteStream(options.handlesPath) : undefined;
  }

  get count(): number {
    return this.tree.count;
  }

  /** Hashes one record given its canonical bytes `canonical[0, len)`. */
  add(canonical: Uint8Array, len: number): void {
    const leaves = this.leaves;
    const handles = this.handles;
    leaves.reserve(32);
    if (handles) handles.reserve(HANDLE_BYTES);
    this.fingerprinter.computeInto(canonical, len, undefined, 0, leaves.buf, leaves.length, handles?.buf, handles?.length ?? 0);
    this.tree.push(leaves.buf, leaves.length);
    leaves.length += 32;
    if (handles) handles.length += HANDLE_BYTES;
  }

  /** Writes the batch since the last call to the files; without `keep`, forgets it. */
  async endBatch(): Promise<void> {
    if (this.leafOut) await writeAll(this.leafOut, Buffer.from(this.leaves.buf.subarray(this.leafMark, this.leaves.length)));
    if (this.handleOut && this.handles) await writeAll(this.handleOut, Buffer.from(this.handles.buf.subarray(this.handleMark, this.handles.length)));
    if (this.options.keep) {
      this.leafMark = this.leaves.length;
      this.handleMark = this.handles?.length ?? 0;
    } else {
      this.leaves.length = 0;
      if (this.handles) this.handles.length = 0;
    }
  }

  async close(): Promise<void> {
    await this.endBatch();
    if (this.leafOut) await endStream(this.leafOut);
    if (this.handleOut) await endStream(this.handleOut);
  }

  root(): Buffer {
    return this.tree.root();
  }

  /** The kept leaf hashes (32 bytes each) and handles (16 bytes each), in record order. */
  kept(): { leafHashes: Buffer; handles?: Buffer } | undefined {
    if (!this.options.keep) return undefined;
    return { leafHashes: this.leaves.result(), ...(this.handles ? { handles: this.handles.result() } : {}) };
  }
}

async function writeAll(stream: WriteStream, data: Uint8Array): Promise<void> {
  if (!stream.write(data)) await new Promise<void>((resolve) => stream.once("drain", () => resolve()));
}

async function endStream(stream: WriteStream): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    stream.once("error", reject);
    stream.end(() => resolve());
  });
}
