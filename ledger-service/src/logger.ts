import { pino, type DestinationStream, type Logger, type LoggerOptions } from "pino";
import PinoPretty from "pino-pretty";

export type { Logger };

/**
 * Header values that authenticate a request or a session; they never reach the log (a signature
 * with its timestamp and nonce is not replayable, but it is nobody's business either).
 */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-pdl-signature"]',
  'req.headers["x-pdl-nonce"]',
  "passphrase",
  "privateKey",
  "deliverySecret",
  "indexKey",
];

export interface LoggerSettings {
  /** "pretty" for people, "json" for machines; default: pretty when stdout is a terminal. */
  readonly format?: "pretty" | "json";
  /** Where lines go (tests); default standard output. */
  readonly destination?: DestinationStream;
}

/**
 * Structured logs: JSON lines, or pino-pretty's coloured lines on a terminal. Records are never
 * logged, only their hashes.
 */
export function createLogger(level: string, settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: "public-data-ledger" },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
  };
  const format = settings.format ?? (process.stdout.isTTY ? "pretty" : "json");
  if (format === "pretty")
    return pino(
      options,
      PinoPretty({
        colorize: process.stdout.isTTY && !settings.destination,
        ignore: "pid,hostname,service",
        translateTime: "SYS:HH:MM:ss.l",
        singleLine: true,
        ...(settings.destination ? { destination: settings.destination } : {}),
      }),
    );
  return settings.destination ? pino(options, settings.destination) : pino(options);
}
