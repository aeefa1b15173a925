import type Database from "better-sqlite3";
import { PRIORITY_RANK } from "@/db/schema";
import { statement } from "./sql";

/**
 * The job transitions batch controls ask for (cancel, re-prioritise, retry). Each runs inside the
 * caller's IMMEDIATE transaction, which checks the move is allowed and re-derives the batch with
 * refreshBatch before it commits; the job rows themselves only ever change in the queue.
 */

type Priority = keyof typeof PRIORITY_RANK;

const CANCEL_PENDING = `
  UPDATE jobs SET status = 'cancelled', completed_at = ?, updated_at = ? WHERE batch_id = ? AND status = 'pending'`;

const RUNNING_OF_BATCH = `SELECT id FROM jobs WHERE batch_id = ? AND status = 'processing'`;

const REPRIORITISE = `
  UPDATE jobs SET priority_rank = ?, updated_at = ? WHERE batch_id = ? AND status IN ('pending', 'processing')`;

/** A failed job back to a fresh start: attempts, crashes, error and any output forgotten. */
const RESET_FAILED = `
  UPDATE jobs SET status = 'pending', attempts = 0, crash_count = 0, progress = 0, run_after = ?, priority_rank = ?,
    error_code = NULL, error_message = NULL, output_key = NULL, output_name = NULL, output_size = NULL,
    output_width = NULL, output_height = NULL, started_at = NULL, completed_at = NULL, dismissed_at = NULL, updated_at = ?`;

const RESET_FAILED_OF_BATCH = `${RESET_FAILED} WHERE batch_id = ? AND status = 'failed'`;
const RESET_FAILED_JOB = `${RESET_FAILED} WHERE id = ? AND status = 'failed'`;
const RESET_FAILED_LIST = `${RESET_FAILED} WHERE batch_id = ? AND id IN (SELECT value FROM json_each(?)) AND status = 'failed'`;

/** A failure someone has looked at leaves the Failures view; the job stays failed. */
const DISMISS_FAILED_LIST = `
  UPDATE jobs SET dismissed_at = ? WHERE batch_id = ? AND id IN (SELECT value FROM json_each(?)) AND status = 'failed' AND dismissed_at IS NULL`;

/** The batch's waiting jobs become cancelled now; returns how many. */
export function cancelPendingJobs(sqlite: Database.Database, batchId: string, now: number): number {
  return statement(sqlite, CANCEL_PENDING).run(now, now, batchId).changes;
}

/**
 * The batch's jobs running now, in any process. A cancel aborts them (this process at once, others
 * at their next heartbeat) and their runs end as cancelled.
 */
export function runningJobIds(sqlite: Database.Database, batchId: string): string[] {
  return (statement(sqlite, RUNNING_OF_BATCH).all(batchId) as { id: string }[]).map((row) => row.id);
}

/** Moves the batch's waiting (and running, should they be requeued) jobs to the new priority. */
export function reprioritiseJobs(sqlite: Database.Database, batchId: string, priority: Priority, now: number): void {
  statement(sqlite, REPRIORITISE).run(PRIORITY_RANK[priority], now, batchId);
}

/** Every failed job of the batch starts over at the batch's priority; returns how many. */
export function resetFailedJobs(sqlite: Database.Database, batchId: string, priority: Priority, now: number): number {
  return statement(sqlite, RESET_FAILED_OF_BATCH).run(now, PRIORITY_RANK[priority], now, batchId).changes;
}

/** One failed job starts over at its batch's priority; false when it was not failed. */
export function resetFailedJob(sqlite: Database.Database, jobId: string, priority: Priority, now: number): boolean {
  return statement(sqlite, RESET_FAILED_JOB).run(now, PRIORITY_RANK[priority], now, jobId).changes > 0;
}

/** These failed jobs of the batch start over at its priority; returns how many (others are left alone). */
export function resetFailedJobList(sqlite: Database.Database, batchId: string, jobIds: string[], priority: Priority, now: number): number {
  return statement(sqlite, RESET_FAILED_LIST).run(now, PRIORITY_RANK[priority], now, batchId, JSON.stringify(jobIds)).changes;
}

/** Marks these failed jobs of the batch dismissed; returns how many. */
export function dismissFailedJobs(sqlite: Database.Database, batchId: string, jobIds: string[], now: number): number {
  return statement(sqlite, DISMISS_FAILED_LIST).run(now, batchId, JSON.stringify(jobIds)).changes;
}
