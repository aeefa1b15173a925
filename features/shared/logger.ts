import pino, { type Logger } from "pino";

export type { Logger };

/** Structured JSON logs to stdout; child loggers carry batch/job ids. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: "batchyard" }, timestamp: pino.stdTimeFunctions.isoTime });
}
