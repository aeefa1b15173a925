import type Database from "better-sqlite3";
import type { BatchRow } from "@/db/schema";
import { cancelPendingJobs, dismissFailedJobs, reprioritiseJobs, resetFailedJob, resetFailedJobList, resetFailedJobs, runningJobIds } from "@/features/queue/batch-actions";
import { refreshBatch } from "@/features/queue/batch-status";
import { abortRunningJobs, wakeQueue } from "@/features/queue/runtime";
import type { AppContext } from "@/features/shared/context";
import { AppError, notFound } from "@/features/shared/errors";
import { findBatchState, findJobState, markBatchCancelled, markBatchPaused, markBatchResumed, updateBatchPriority } from "./queries";

/**
 * Batch controls (docs/ARCHITECTURE.md, state machines). Each is one synchronous IMMEDIATE transaction
 * that checks the move, asks the queue to change the jobs, and re-derives the batch's counters and
 * status with refreshBatch, so the batch always equals the aggregate of its jobs. Impossible moves
 * throw invalid_transition (409).
 */

type Status = BatchRow["status"];
type Priority = BatchRow["priority"];

const ACTIVE: Status[] = ["pending", "processing", "paused"];

/** Stops new claims for the batch; runs already going finish. */
export function pauseBatch(ctx: AppContext, id: string): void {
  write(ctx, (sqlite, now) => {
    const batch = loadBatch(sqlite, id);
    if (batch.status === "paused") throw refuse("The batch is already paused.");
    if (batch.status !== "pending" && batch.status !== "processing") throw refuse(`The batch is ${batch.status}; only waiting or running batches can be paused.`);
    markBatchPaused(sqlite, id, now);
    refreshBatch(sqlite, id, now);
  });
  ctx.log.info({ batchId: id }, "batch paused");
}

export function resumeBatch(ctx: AppContext, id: string): void {
  write(ctx, (sqlite, now) => {
    const batch = loadBatch(sqlite, id);
    if (batch.status !== "paused") throw refuse(`The batch is ${batch.status}, not paused, so there is nothing to resume.`);
    markBatchResumed(sqlite, id, now);
    refreshBatch(sqlite, id, now);
  });
  ctx.log.info({ batchId: id }, "batch resumed");
  wakeQueue();
}

/**
 * Waiting jobs become cancelled now; running ones are aborted (in this process at once, in another
 * process at its next heartbeat) and their runs recorded as cancelled. Finished outputs stay.
 */
export function cancelBatch(ctx: AppContext, id: string): { cancelled: number; aborting: number } {
  const { cancelled, running } = write(ctx, (sqlite, now) => {
    const batch = loadBatch(sqlite, id);
    if (batch.receiving) throw stillReceiving();
    if (!ACTIVE.includes(batch.status)) throw refuse(`The batch is already ${batch.status}.`);
    const cancelled = cancelPendingJobs(sqlite, id, now);
    const running = runningJobIds(sqlite, id);
    markBatchCancelled(sqlite, id, now);
    refreshBatch(sqlite, id, now);
    return { cancelled, running };
  });
  abortRunningJobs(running);
  ctx.log.info({ batchId: id, cancelled, aborting: running.length }, "batch cancelled");
  return { cancelled, aborting: running.length };
}

/** Failed jobs of the batch start over (attempts reset, error cleared); returns how many. */
export function retryFailedJobs(ctx: AppContext, batchId: string): number {
  const count = write(ctx, (sqlite, now) => {
    const batch = loadBatch(sqlite, batchId);
    if (batch.status === "cancelled") throw refuse("The batch was cancelled; its files cannot be retried.");
    const changes = resetFailedJobs(sqlite, batchId, batch.priority, now);
    if (changes === 0) throw refuse("The batch has no failed files to retry.");
    refreshBatch(sqlite, batchId, now);
    return changes;
  });
  ctx.log.info({ batchId, retried: count }, "failed files of the batch retried");
  wakeQueue();
  return count;
}

/** Some failed jobs of one batch start over (the Failures view's "retry these"); returns how many. */
export function retryFailedJobsOf(ctx: AppContext, batchId: string, jobIds: string[]): number {
  const count = write(ctx, (sqlite, now) => {
    const batch = loadBatch(sqlite, batchId);
    if (batch.status === "cancelled") throw refuse("The batch was cancelled; its files cannot be retried.");
    const changes = resetFailedJobList(sqlite, batchId, jobIds, batch.priority, now);
    if (changes === 0) throw refuse("None of these files is failed any more.");
    refreshBatch(sqlite, batchId, now);
    return changes;
  });
  ctx.log.info({ batchId, retried: count }, "failed files of the batch retried");
  wakeQueue();
  return count;
}

/** Failed jobs of one batch leave the Failures view (they stay failed); returns how many. */
export function dismissFailures(ctx: AppContext, batchId: string, jobIds: string[]): number {
  const count = write(ctx, (sqlite, now) => {
    loadBatch(sqlite, batchId);
    const changes = dismissFailedJobs(sqlite, batchId, jobIds, now);
    if (changes === 0) throw refuse("None of these failures is open any more.");
    return changes;
  });
  ctx.log.info({ batchId, dismissed: count }, "failures dismissed");
  return count;
}

/** One failed job starts over. */
export function retryJob(ctx: AppContext, jobId: string): void {
  const batchId = write(ctx, (sqlite, now) => {
    const job = findJobState(sqlite, jobId);
    if (!job) throw notFound("job", jobId);
    if (job.status !== "failed") throw refuse(`Only failed files can be retried; this one is ${job.status}.`);
    const batch = loadBatch(sqlite, job.batchId);
    if (batch.status === "cancelled") throw refuse("The batch was cancelled; its files cannot be retried.");
    resetFailedJob(sqlite, jobId, batch.priority, now);
    refreshBatch(sqlite, job.batchId, now);
    return job.batchId;
  });
  ctx.log.info({ batchId, jobId }, "failed file retried");
  wakeQueue();
}

/** Moves the batch's waiting (and running, should they be requeued) jobs to the new priority. */
export function setBatchPriority(ctx: AppContext, id: string, priority: Priority): void {
  write(ctx, (sqlite, now) => {
    const batch = loadBatch(sqlite, id);
    if (!ACTIVE.includes(batch.status)) throw refuse(`The batch is ${batch.status}; priority only matters while work waits.`);
    updateBatchPriority(sqlite, id, priority, now);
    reprioritiseJobs(sqlite, id, priority, now);
    refreshBatch(sqlite, id, now);
  });
  wakeQueue();
}

function write<T>(ctx: AppContext, change: (sqlite: Database.Database, now: number) => T): T {
  const sqlite = ctx.db.$client;
  return sqlite.transaction(() => change(sqlite, ctx.clock.now())).immediate();
}

function loadBatch(sqlite: Database.Database, id: string): { status: Status; priority: Priority; receiving: boolean } {
  const batch = findBatchState(sqlite, id);
  if (!batch) throw notFound("batch", id);
  return batch;
}

const refuse = (reason: string) => new AppError("invalid_transition", reason);

/** Cancel and delete wait for the upload: stopping it is the uploading client's (the batch then goes). */
export const stillReceiving = () =>
  new AppError("upload_in_progress", "The batch's files are still being uploaded; stop the upload where it is being sent, or wait until it has arrived.");
