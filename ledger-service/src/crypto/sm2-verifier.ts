import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { verify } from "../../../core/crypto/sm2.ts";
import type { Logger } from "../logger.ts";

/**
 * SM2 signature verification for the service's hot path: every write costs one verification (two
 * when its request is signed over the canonical string rather than under its record's
 * signature), which would otherwise take much of the main thread's time per write. A pool of worker threads does them on the other cores while the main thread serves
 * HTTP, the chain and the log.
 *
 * Results are exactly `core/crypto/sm2.ts`'s `verify` (the workers run it): true only for a
 * valid signature, false for anything malformed.
 */
export interface SignatureVerifier {
  verify(message: Uint8Array | string, signatureHex: string, publicKeyHex: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Verification on the calling thread (one core, or where worker threads cannot load). */
export function inlineVerifier(): SignatureVerifier {
  return {
    verify: (message, signature, publicKey) => Promise.resolve(verify(message, signature, publicKey)),
    close: () => Promise.resolve(),
  };
}

interface Job {
  readonly message: Uint8Array | string;
  readonly signature: string;
  readonly publicKey: string;
  readonly resolve: (ok: boolean) => void;
}

interface Lane {
  readonly worker: Worker;
  /** Batches sent and not yet fully answered, by id, with how many of their jobs were answered (in order). */
  readonly pending: Map<number, { jobs: Job[]; answered: number }>;
  load: number;
}

/**
 * A pool of `threads` workers. Jobs queued in the same tick travel as one message (a message
 * round trip costs about as much as a tenth of a verification), to the least loaded worker. A
 * worker that fails hands its unanswered jobs back to the calling thread; with none left,
 * verification carries on inline, so a broken worker never turns into refused signatures.
 */
export class WorkerVerifier implements SignatureVerifier {
  private readonly lanes: Lane[] = [];
  private queue: Job[] = [];
  private scheduled = false;
  private nextId = 0;
  private closed = false;

  constructor(
    threads: number,
    private readonly logger?: Logger,
  ) {
    for (let i = 0; i < threads; i++) this.spawn();
  }

  get threads(): number {
    return this.lanes.length;
  }

  verify(message: Uint8Array | string, signature: string, publicKey: string): Promise<boolean> {
    if (this.closed || this.lanes.length === 0) return Promise.resolve(verify(message, signature, publicKey));
    return new Promise<boolean>((resolve) => {
      this.queue.push({ message, signature, publicKey, resolve });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.flush();
    await Promise.all(this.lanes.splice(0).map((lane) => this.retire(lane)));
  }

  private flush(): void {
    this.scheduled = false;
    const jobs = this.queue;
    this.queue = [];
    if (jobs.length === 0) return;
    const lane = this.lanes.reduce<Lane | undefined>((best, l) => (!best || l.load < best.load ? l : best), undefined);
    if (!lane) {
      for (const job of jobs) job.resolve(verify(job.message, job.signature, job.publicKey));
      return;
    }
    const id = this.nextId++;
    lane.pending.set(id, { jobs, answered: 0 });
    lane.load += jobs.length;
    // A small Buffer is a view of Node's shared 8 KiB pool, and cloning a view clones its whole
    // buffer: send exact copies.
    const exact = (m: Uint8Array | string) =>
      typeof m === "string" || m.byteLength === m.buffer.byteLength ? m : new Uint8Array(m);
    lane.worker.postMessage({ id, jobs: jobs.map((j) => [exact(j.message), j.signature, j.publicKey]) });
  }

  private spawn(): void {
    const worker = new Worker(new URL("./sm2-verifier-worker.ts", import.meta.url));
    worker.unref();
    const lane: Lane = { worker, pending: new Map(), load: 0 };
    worker.on("message", ({ id, at, ok }: { id: number; at: number; ok: boolean }) => {
      const batch = lane.pending.get(id);
      const job = batch?.jobs[at];
      if (!batch || !job) return;
      job.resolve(ok === true);
      lane.load -= 1;
      if (++batch.answered === batch.jobs.length) lane.pending.delete(id);
    });
    const fail = (reason: unknown) => {
      const at = this.lanes.indexOf(lane);
      if (at < 0) return;
      this.lanes.splice(at, 1);
      if (!this.closed)
        this.logger?.warn(
          { err: reason, remaining: this.lanes.length },
          "an SM2 verification worker failed; its work goes on elsewhere",
        );
      void this.retire(lane);
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`worker exited with code ${code}`)));
    this.lanes.push(lane);
  }

  /** Stops a worker; whatever it had not answered is verified here. */
  private async retire(lane: Lane): Promise<void> {
    for (const { jobs, answered } of lane.pending.values())
      for (const job of jobs.slice(answered)) job.resolve(verify(job.message, job.signature, job.publicKey));
    lane.pending.clear();
    lane.load = 0;
    await lane.worker.terminate();
  }
}

/**
 * The verifier for `threads` worker threads (0: inline). The default leaves one core to the
 * main thread: all the others verify.
 */
export function openVerifier(threads = Math.max(0, availableParallelism() - 1), logger?: Logger): SignatureVerifier {
  return threads > 0 ? new WorkerVerifier(threads, logger) : inlineVerifier();
}
