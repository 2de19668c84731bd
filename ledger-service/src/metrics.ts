import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Prometheus metrics, exposed at /metrics. */
export interface Metrics {
  readonly registry: Registry;
  readonly http: Histogram<"method" | "route" | "status">;
  readonly writes: Counter<"op" | "outcome">;
  readonly chainSeconds: Histogram<"op">;
  readonly chainBusySeconds: Counter;
  readonly chainBatchRecords: Histogram;
  readonly sm2Verifications: Counter<"signed">;
  /** Failures of the chain itself (unreachable, conflicts, internal), not rule refusals. */
  readonly chainErrors: Counter<"code">;
  readonly checkpoints: Counter;
  readonly anchors: Counter;
  /** Reports the log's state (anchor lag, receipts waiting) once the log is open. */
  watchLog(source: LogState): void;
}

/** What the log gauges read at each scrape. */
export interface LogState {
  /** Entries in the log. */
  size(): number;
  /** Tree size of the latest signed checkpoint (0 when none). */
  checkpointedSize(): Promise<number>;
  /** The latest anchor's tree size and when it was recorded (ms since the epoch), if any. */
  latestAnchor(): Promise<{ treeSize: number; recordedAt: number } | undefined>;
  /** When the service started (ms since the epoch): the lag before the first anchor counts from it. */
  readonly startedAt: number;
}

/**
 * prom-client's default set includes gauges named `…_total` (active handles, requests and
 * resources), which Prometheus reserves for counters and `promtool check metrics` rejects; the
 * per-type gauges without the suffix say the same thing.
 */
const MISNAMED_DEFAULTS = [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
];
const PREFIX = "pdl_";

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: PREFIX });
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(PREFIX + name);
  let log: LogState | undefined;
  new Gauge({
    name: "pdl_anchor_lag_seconds",
    help: "Seconds since the latest checkpoint was anchored on chain (since the service started when none was)",
    registers: [registry],
    async collect() {
      if (!log) return;
      const anchor = await log.latestAnchor();
      this.set(Math.max(0, (Date.now() - (anchor?.recordedAt ?? log.startedAt)) / 1000));
    },
  });
  new Gauge({
    name: "pdl_receipts_pending",
    help: "Log entries whose receipt is pending: not yet covered by a signed checkpoint",
    registers: [registry],
    async collect() {
      if (log) this.set(Math.max(0, log.size() - (await log.checkpointedSize())));
    },
  });
  new Gauge({
    name: "pdl_receipts_unanchored",
    help: "Log entries not yet covered by an anchored checkpoint (pending or checkpointed receipts)",
    registers: [registry],
    async collect() {
      if (log) this.set(Math.max(0, log.size() - ((await log.latestAnchor())?.treeSize ?? 0)));
    },
  });
  new Gauge({
    name: "pdl_log_entries",
    help: "Entries in the SM3 Merkle log",
    registers: [registry],
    collect() {
      if (log) this.set(log.size());
    },
  });
  return {
    registry,
    http: new Histogram({
      name: "pdl_http_request_duration_seconds",
      help: "HTTP request latency by route and status",
      labelNames: ["method", "route", "status"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
      registers: [registry],
    }),
    writes: new Counter({
      name: "pdl_records_total",
      help: "Signed records submitted, by operation and outcome (accepted or the error code)",
      labelNames: ["op", "outcome"],
      registers: [registry],
    }),
    chainSeconds: new Histogram({
      name: "pdl_chain_submit_duration_seconds",
      help: "Time a record spent at the chain (the dry run and submission of the batch that carried it), by operation",
      labelNames: ["op"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5],
      registers: [registry],
    }),
    chainBusySeconds: new Counter({
      name: "pdl_chain_busy_seconds_total",
      help: "Time the serialized chain path spent on dry runs and submissions",
      registers: [registry],
    }),
    chainBatchRecords: new Histogram({
      name: "pdl_chain_batch_records",
      help: "Records per group sent to the chain together",
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [registry],
    }),
    sm2Verifications: new Counter({
      name: "pdl_sm2_verifications_total",
      help: "SM2 signature verifications on the request path, by what was signed (request or record)",
      labelNames: ["signed"],
      registers: [registry],
    }),
    chainErrors: new Counter({
      name: "pdl_chain_errors_total",
      help: "Records the chain failed to take for a reason other than a rule (unavailable, conflict, internal), by error code",
      labelNames: ["code"],
      registers: [registry],
    }),
    checkpoints: new Counter({
      name: "pdl_checkpoints_signed_total",
      help: "Checkpoints of the log signed by the service",
      registers: [registry],
    }),
    anchors: new Counter({
      name: "pdl_anchors_total",
      help: "Checkpoints anchored on chain",
      registers: [registry],
    }),
    watchLog(source) {
      log = source;
    },
  };
}
