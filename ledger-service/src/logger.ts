import { pino, type Logger } from "pino";

export type { Logger };

/** Structured JSON logs (one object per line). Records are never logged, only their hashes. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: "public-data-ledger" }, timestamp: pino.stdTimeFunctions.isoTime });
}
