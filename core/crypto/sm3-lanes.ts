import { hmacSm3, sm3 } from "./sm3.ts";
import { hmacMidstates, sm3Init } from "./sm3-fast.ts";
import { sm3x4Module } from "./sm3x4.ts";

/**
 * Many short SM3 hashes computed four at a time with `sm3x4.ts`, for batches of records.
 *
 * A job continues a hash from a start state (SM3's IV, or an HMAC key's inner or outer midstate)
 * over whole 64-byte blocks that the caller wrote into `bytes` (`message` makes the room and
 * writes the padding) and puts its digest at a given offset of `bytes`, which may be where a
 * later job's message goes. `run` computes the queued jobs four at a time, jobs of the same
 * length together.
 *
 * `Sm3Lanes.create()` is undefined where WebAssembly SIMD is not available; callers then hash
 * one record at a time with `core/crypto/sm3-fast.ts`. Where it is available, the results are
 * checked against OpenSSL's SM3 and HMAC-SM3 once per process, and a difference throws.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The part of the WebAssembly JS API used here (the project's TypeScript library has no DOM types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}

type Hash4 = (
  n: number,
  s0: number,
  s1: number,
  s2: number,
  s3: number,
  d0: number,
  d1: number,
  d2: number,
  d3: number,
  o0: number,
  o1: number,
  o2: number,
  o3: number,
) => void;

const STARTS = 0; // start states, 32 bytes each
const MAX_STARTS = 32;
const SCRATCH = STARTS + 32 * MAX_STARTS; // where idle lanes put their digests
const DATA = SCRATCH + 128;
const PAGE = 65536;

/**
 * The compiled module, once it passed its self-test (null without WebAssembly SIMD), or the
 * self-test's failure, thrown again on every call: lanes that disagreed with OpenSSL are never
 * handed out, not even after a first failed attempt.
 */
let compiled: { module: object | null } | { failure: unknown } | undefined;

function sm3x4(): object | null {
  if (compiled === undefined) {
    const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    let module: object | null;
    try {
      module = wasm ? new wasm.Module(sm3x4Module()) : null;
    } catch {
      module = null;
    }
    try {
      if (module) selfTest(new Sm3Lanes(module));
      compiled = { module };
    } catch (failure) {
      compiled = { failure };
    }
  }
  if ("failure" in compiled) throw compiled.failure;
  return compiled.module;
}

/** Blocks of a message of `len` bytes once padded. */
export function paddedBlocks(len: number): number {
  return Math.floor((len + 8) / 64) + 1;
}

export interface HmacStates {
  readonly inner: number;
  readonly outer: number;
}

export class Sm3Lanes {
  private readonly memory: WasmMemory;
  private readonly hash4: Hash4;
  /** The module's memory; renewed when it grows (in `message` and `scratch`). */
  bytes!: Uint8Array;
  private words!: Int32Array;
  private top = DATA;
  private startCount = 0;
  private jobs = 0;
  private jobStart = new Int32Array(1024);
  private jobAt = new Int32Array(1024);
  private jobBlocks = new Int32Array(1024);
  private jobOut = new Int32Array(1024);
  /** The id of SM3's initial value as a start state. */
  readonly iv: number;

  static create(): Sm3Lanes | undefined {
    const m = sm3x4();
    return m ? new Sm3Lanes(m) : undefined;
  }

  constructor(module: object) {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    this.memory = new wasm.Memory({ initial: 16 });
    const instance = new wasm.Instance(module, { env: { memory: this.memory } });
    this.hash4 = instance.exports.hash4 as Hash4;
    this.views();
    const iv = new Int32Array(8);
    sm3Init(iv);
    this.iv = this.addStart(iv);
  }

  private views(): void {
    this.bytes = new Uint8Array(this.memory.buffer);
    this.words = new Int32Array(this.memory.buffer);
  }

  /** Registers a start state (8 words); returns its id. */
  addStart(state: Int32Array): number {
    if (this.startCount === MAX_STARTS) throw new RangeError("too many SM3 start states");
    this.words.set(state.subarray(0, 8), (STARTS + 32 * this.startCount) >> 2);
    return this.startCount++;
  }

  /** The inner and outer midstates of HMAC-SM3 (RFC 2104) under `key`, as start states. */
  hmacStates(key: Uint8Array): HmacStates {
    const { inner, outer } = hmacMidstates(key);
    return { inner: this.addStart(inner), outer: this.addStart(outer) };
  }

  /** `n` bytes of zeros, 16-byte aligned; returns their offset in `bytes`. */
  scratch(n: number): number {
    const at = this.top;
    const end = at + ((n + 15) & ~15);
    if (end > this.bytes.length) {
      this.memory.grow(Math.ceil((end - this.bytes.length) / PAGE) + Math.ceil(this.bytes.length / PAGE / 2));
      this.views();
    }
    this.top = end;
    return at;
  }

  /**
   * Room for a message of `len` bytes, block-aligned, padded for a hash that has already absorbed
   * `prefixBlocks` blocks; returns the offset in `bytes` where the caller writes the message.
   */
  message(len: number, prefixBlocks: number): number {
    const blocks = paddedBlocks(len);
    const at = this.scratch(blocks * 64);
    const end = at + blocks * 64;
    const b = this.bytes;
    b[at + len] = 0x80;
    const bits = (prefixBlocks * 64 + len) * 8;
    const hi = Math.floor(bits / 0x100000000);
    const lo = bits >>> 0;
    for (let i = 0; i < 4; i++) {
      b[end - 8 + i] = (hi >>> (24 - 8 * i)) & 0xff;
      b[end - 4 + i] = (lo >>> (24 - 8 * i)) & 0xff;
    }
    return at;
  }

  /** Queues a job: from start state `start` over `blocks` blocks at `at`, the digest to `out`. */
  job(start: number, at: number, blocks: number, out: number): void {
    if (this.jobs === this.jobAt.length) this.growJobs();
    const j = this.jobs++;
    this.jobStart[j] = STARTS + 32 * start;
    this.jobAt[j] = at;
    this.jobBlocks[j] = blocks;
    this.jobOut[j] = out;
  }

  private growJobs(): void {
    const grow = (a: Int32Array) => {
      const next = new Int32Array(a.length * 2);
      next.set(a);
      return next;
    };
    this.jobStart = grow(this.jobStart);
    this.jobAt = grow(this.jobAt);
    this.jobBlocks = grow(this.jobBlocks);
    this.jobOut = grow(this.jobOut);
  }

  /** Computes every queued job, then forgets the jobs (not the messages or digests). */
  run(): void {
    const count = this.jobs;
    const blocks = this.jobBlocks;
    // Jobs run four at a time among those of the same length, so that no lane idles while
    // another finishes a longer message: in queue order when all have one length (the usual
    // case), else ordered by length first.
    const order = byLength(blocks, count);
    let done = 0;
    while (done < count) {
      const n = blocks[order[done]!]!;
      let end = done;
      while (end < count && blocks[order[end]!] === n) end++;
      this.runGroup(order, done, end, n);
      done = end;
    }
    this.jobs = 0;
  }

  private runGroup(order: Int32Array, from: number, to: number, n: number): void {
    const s = this.jobStart;
    const d = this.jobAt;
    const o = this.jobOut;
    let k = from;
    for (; k + 4 <= to; k += 4) {
      const [a, b, c, e] = [order[k]!, order[k + 1]!, order[k + 2]!, order[k + 3]!];
      this.hash4(n, s[a]!, s[b]!, s[c]!, s[e]!, d[a]!, d[b]!, d[c]!, d[e]!, o[a]!, o[b]!, o[c]!, o[e]!);
    }
    if (k === to) return;
    // Idle lanes repeat the first job's input and write to the scratch area.
    const first = order[k]!;
    const job = (i: number) => (k + i < to ? order[k + i]! : -1);
    const lane = (i: number, a: Int32Array, idle: number) => (job(i) >= 0 ? a[job(i)]! : idle);
    this.hash4(
      n,
      s[first]!,
      lane(1, s, s[first]!),
      lane(2, s, s[first]!),
      lane(3, s, s[first]!),
      d[first]!,
      lane(1, d, d[first]!),
      lane(2, d, d[first]!),
      lane(3, d, d[first]!),
      o[first]!,
      lane(1, o, SCRATCH),
      lane(2, o, SCRATCH + 32),
      lane(3, o, SCRATCH + 64),
    );
  }

  /** Forgets the jobs and the messages, zeroing their memory for the next batch. */
  reset(): void {
    this.bytes.fill(0, DATA, this.top);
    this.jobs = 0;
    this.top = DATA;
  }
}

/** Job indices 0..count-1 ordered by block count, stably (a counting sort: lengths are small). */
function byLength(blocks: Int32Array, count: number): Int32Array {
  const order = new Int32Array(count);
  let max = 0;
  for (let j = 0; j < count; j++) if (blocks[j]! > max) max = blocks[j]!;
  const starts = new Int32Array(max + 2);
  for (let j = 0; j < count; j++) starts[blocks[j]! + 1]!++;
  for (let b = 1; b <= max + 1; b++) starts[b]! += starts[b - 1]!;
  for (let j = 0; j < count; j++) order[starts[blocks[j]!]!++] = j;
  return order;
}

/** Cross-checks the lanes against OpenSSL on messages of every padding case; throws on a difference. */
function selfTest(lanes: Sm3Lanes): void {
  const key = Buffer.from("pdl/sm3x4/self-test");
  const { inner, outer } = lanes.hmacStates(key);
  const lengths = [0, 1, 3, 55, 56, 63, 64, 65, 119, 120, 128, 200, 33];
  const messages = lengths.map((len) => Buffer.from(Array.from({ length: len }, (_, i) => (i * 131 + len) & 0xff)));
  const digests = messages.map((m) => {
    const at = lanes.message(m.length, 0);
    lanes.bytes.set(m, at);
    const out = lanes.scratch(32);
    lanes.job(lanes.iv, at, paddedBlocks(m.length), out);
    // HMAC: the inner digest goes straight into the outer message.
    const mac = lanes.message(m.length, 1);
    lanes.bytes.set(m, mac);
    const outerAt = lanes.message(32, 1);
    lanes.job(inner, mac, paddedBlocks(m.length), outerAt);
    return { out, outerAt, macOut: lanes.scratch(32) };
  });
  lanes.run();
  for (const d of digests) lanes.job(outer, d.outerAt, 1, d.macOut);
  lanes.run();
  digests.forEach((d, i) => {
    if (!Buffer.from(lanes.bytes.subarray(d.out, d.out + 32)).equals(sm3(messages[i]!)))
      throw new Error(`sm3x4 disagrees with OpenSSL SM3 at length ${lengths[i]}`);
    if (!Buffer.from(lanes.bytes.subarray(d.macOut, d.macOut + 32)).equals(hmacSm3(key, messages[i]!)))
      throw new Error(`sm3x4 HMAC disagrees with OpenSSL at length ${lengths[i]}`);
  });
  lanes.reset();
}
