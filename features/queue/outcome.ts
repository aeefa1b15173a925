import type { AttemptRow, JobRow } from "@/db/schema";
import type { Config } from "@/features/shared/config";
import { JobError, type ProcessResult } from "./types";

export type AttemptOutcome = NonNullable<AttemptRow["outcome"]>;

/** Why the engine aborted a run; carried as the AbortSignal's reason. */
export type AbortKind = "timeout" | "cancelled" | "shutdown" | "lease_lost";

export class RunAborted extends Error {
  constructor(readonly kind: AbortKind, message: string) {
    super(message);
    this.name = "RunAborted";
  }
}

export interface RunError {
  code: string;
  message: string;
}

/** What a finished run does to its job and to its `attempts` row. */
export type Decision =
  | { attempt: "completed"; job: { status: "completed"; result: ProcessResult } }
  | { attempt: AttemptOutcome; error?: RunError; job: { status: "pending"; runAfter: number; countsAsAttempt: boolean } }
  | { attempt: AttemptOutcome; error: RunError; job: { status: "failed" | "cancelled" } };

export const completed = (result: ProcessResult): Decision => ({ attempt: "completed", job: { status: "completed", result } });

/** base * 2^(attempt-1), jittered ±25 % so jobs that failed together do not retry together; capped at an hour. */
export function retryDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const delay = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 3_600_000);
  return Math.round(delay * (0.75 + random() * 0.5));
}

type QueueConfig = Pick<Config, "JOB_TIMEOUT_S" | "RETRY_BASE_MS">;

/**
 * Classifies a run that threw (or was aborted). `undefined` means the lease was lost: another
 * worker or recovery owns the job now, so this run must write nothing.
 */
export function decideAfterError(
  job: Pick<JobRow, "attempts" | "maxAttempts">,
  error: unknown,
  config: QueueConfig,
  now: number,
  random: () => number = Math.random,
): Decision | undefined {
  if (error instanceof RunAborted) {
    switch (error.kind) {
      case "lease_lost":
        return undefined;
      case "cancelled":
        return { attempt: "cancelled", error: { code: "cancelled", message: error.message }, job: { status: "cancelled" } };
      case "shutdown":
        // The server stopped, the file did nothing wrong: give the attempt back.
        return { attempt: "interrupted", job: { status: "pending", runAfter: now, countsAsAttempt: false } };
      case "timeout":
        // Not retried: a file that took JOB_TIMEOUT_S once will take it again, holding a slot each time.
        return { attempt: "timeout", error: { code: "timeout", message: error.message }, job: { status: "failed" } };
    }
  }
  if (error instanceof JobError && error.kind === "permanent") {
    return { attempt: "failed", error: { code: error.code, message: error.message }, job: { status: "failed" } };
  }
  return retryOrFail(job, "retry", describe(error), config, now, random);
}

function retryOrFail(
  job: Pick<JobRow, "attempts" | "maxAttempts">,
  outcome: "retry",
  error: RunError,
  config: QueueConfig,
  now: number,
  random: () => number,
): Decision {
  if (job.attempts >= job.maxAttempts) return { attempt: "failed", error, job: { status: "failed" } };
  const runAfter = now + retryDelayMs(job.attempts, config.RETRY_BASE_MS, random);
  return { attempt: outcome, error, job: { status: "pending", runAfter, countsAsAttempt: true } };
}

/**
 * What the job row and its attempt keep. Only our own classified messages: raw exception text can
 * carry absolute paths and library internals, and the job's error is shown to every reader of the
 * batch. executeRun logs the raw error with the job id instead.
 */
function describe(error: unknown): RunError {
  if (error instanceof JobError) return { code: error.code, message: error.message };
  return { code: "processing_error", message: UNEXPECTED_ERROR };
}

export const UNEXPECTED_ERROR = "Processing failed unexpectedly on the server; the details are in the server log.";

/** Whether describe() drops this error's own text (so the caller should log it). */
export const isUnclassified = (error: unknown): boolean => !(error instanceof JobError) && !(error instanceof RunAborted);

/** The message is the one clients of the replaced systems look for; the log line carries the limit. */
export const TIMEOUT_MESSAGE = "Processing timeout exceeded";

export function timeoutAbort(): RunAborted {
  return new RunAborted("timeout", TIMEOUT_MESSAGE);
}
