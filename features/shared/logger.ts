import pino, { type Logger } from "pino";

export type { Logger };

/**
 * Structured JSON logs to stdout (to stderr for operator commands, whose stdout is their result);
 * child loggers carry batch/job ids.
 */
export function createLogger(level: string, options: { stderr?: boolean } = {}): Logger {
  const settings = { level, base: { service: "batchyard" }, timestamp: pino.stdTimeFunctions.isoTime };
  return options.stderr ? pino(settings, pino.destination({ dest: 2, sync: true })) : pino(settings);
}
