import type { JobRow } from "@/db/schema";
import type { AppContext } from "@/features/shared/context";

/**
 * The contract between the queue engine and whatever does the work (the sharp processor of
 * features/pipelines in the product; small test processors in queue tests).
 */
export interface ClaimedJob {
  job: JobRow;
  /** Which run this is, counting from 1. */
  attempt: number;
  leaseToken: string;
}

export interface ProcessContext {
  ctx: AppContext;
  /** Aborted on timeout, on cancel of the batch, and on shutdown past the grace period. */
  signal: AbortSignal;
  /** 0..1; throttled by the engine before it reaches the database. */
  reportProgress(fraction: number): void;
}

export interface ProcessResult {
  /** Relative to DATA_DIR, e.g. `outputs/<batch id>/<job id>.webp`. */
  outputKey: string;
  outputName: string;
  outputSize: number;
  outputWidth?: number;
  outputHeight?: number;
}

export type Processor = (claimed: ClaimedJob, pctx: ProcessContext) => Promise<ProcessResult>;

/**
 * An error the processor classifies for the queue. `permanent` fails the job at once (corrupt or
 * unsupported input, invalid pipeline); `transient` is retried with backoff (I/O, resources).
 * Anything else thrown is treated as transient.
 */
export class JobError extends Error {
  constructor(
    readonly kind: "permanent" | "transient",
    readonly code: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = "JobError";
  }
}
