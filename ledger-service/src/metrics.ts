import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Prometheus metrics, exposed at /metrics. */
export interface Metrics {
  readonly registry: Registry;
  readonly http: Histogram<"method" | "route" | "status">;
  readonly writes: Counter<"op" | "outcome">;
  readonly chainSeconds: Histogram<"op">;
  readonly chainBusySeconds: Counter;
  readonly chainBatchRecords: Histogram;
  readonly sm2Verifications: Counter<"signed">;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "pdl_" });
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
  };
}
