import type { ProcessContext, Processor, ProcessResult } from "@/features/queue/types";
import type { AppContext } from "@/features/shared/context";

/** Test processors and what a test reads back from the queue's rows. */

/** A processor result without writing anything (queue tests do not look at outputs). */
export const fakeResult = (jobId: string): ProcessResult => ({
  outputKey: `outputs/test/${jobId}.bin`,
  outputName: `${jobId}.bin`,
  outputSize: 1,
});

export const noopProcessor: Processor = async ({ job }) => fakeResult(job.id);

/** What the engine hands a processor, with the progress it reported kept for assertions. */
export function processContext(ctx: AppContext, signal = new AbortController().signal): ProcessContext & { progress: number[] } {
  const progress: number[] = [];
  return { ctx, signal, progress, reportProgress: (f) => void progress.push(f) };
}

/** Batch counters next to the same numbers aggregated from its jobs. */
export function countersAndAggregate(ctx: AppContext, batchId: string) {
  const sqlite = ctx.db.$client;
  const stored = sqlite
    .prepare(
      `SELECT total_jobs AS total, completed_jobs AS completed, failed_jobs AS failed, cancelled_jobs AS cancelled,
              running_jobs AS running FROM batches WHERE id = ?`,
    )
    .get(batchId);
  const actual = sqlite
    .prepare(
      `SELECT count(*) AS total, coalesce(sum(status = 'completed'), 0) AS completed, coalesce(sum(status = 'failed'), 0) AS failed,
              coalesce(sum(status = 'cancelled'), 0) AS cancelled, coalesce(sum(status = 'processing'), 0) AS running
       FROM jobs WHERE batch_id = ?`,
    )
    .get(batchId);
  return { stored, actual };
}

export function jobStatus(ctx: AppContext, jobId: string) {
  return ctx.db.$client
    .prepare(
      `SELECT status, attempts, crash_count AS crashCount, run_after AS runAfter, error_code AS errorCode,
              error_message AS errorMessage, progress, lease_owner AS leaseOwner FROM jobs WHERE id = ?`,
    )
    .get(jobId) as {
    status: string;
    attempts: number;
    crashCount: number;
    runAfter: number;
    errorCode: string | null;
    errorMessage: string | null;
    progress: number;
    leaseOwner: string | null;
  };
}

export function attemptOutcomes(ctx: AppContext, jobId: string): string[] {
  return (
    ctx.db.$client.prepare(`SELECT outcome FROM attempts WHERE job_id = ? ORDER BY id`).all(jobId) as { outcome: string | null }[]
  ).map((r) => r.outcome ?? "open");
}
