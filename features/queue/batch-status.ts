import type Database from "better-sqlite3";
import type { BatchRow } from "@/db/schema";
import { statement } from "./sql";

/**
 * A batch's counters and status follow from its jobs. They are re-derived here, inside every
 * transaction that changes a job (claim, finish, recovery, batch controls, upload), which is why
 * this lives with the queue: every job transition is the queue's, and batches only call in.
 */

type Status = BatchRow["status"];

export interface JobCounts {
  total: number;
  pending: number;
  processing: number;
  completed: number;
  failed: number;
  cancelled: number;
}

/**
 * The batch status its jobs imply (docs/ARCHITECTURE.md, state machines). `cancelled` is sticky;
 * `paused` holds while work remains; otherwise the counts decide. While its upload is still
 * arriving (`receiving`) more jobs are coming, so the batch cannot finish yet.
 */
export function deriveBatchStatus(current: Status, counts: JobCounts, receiving = false): Status {
  const open = counts.pending + counts.processing;
  if (current === "cancelled") return "cancelled";
  if (open === 0 && counts.total > 0 && !receiving) {
    if (counts.completed > 0) return "completed";
    if (counts.failed > 0) return "failed";
    return "cancelled";
  }
  if (current === "paused") return "paused";
  if (counts.processing > 0 || counts.completed + counts.failed + counts.cancelled > 0) return "processing";
  return "pending";
}

const BATCH_STATE = "SELECT status, started_at, completed_at, receiving FROM batches WHERE id = ?";

/** The id goes in through CAST so SQLite does not re-plan this at every execution (see SELECT_CANDIDATES in claim.ts). */
const JOB_COUNTS = `
  SELECT count(*) AS total,
         coalesce(sum(status = 'pending'), 0) AS pending,
         coalesce(sum(status = 'processing'), 0) AS processing,
         coalesce(sum(status = 'completed'), 0) AS completed,
         coalesce(sum(status = 'failed'), 0) AS failed,
         coalesce(sum(status = 'cancelled'), 0) AS cancelled,
         coalesce(sum(CASE WHEN status = 'completed' THEN output_size END), 0) AS output_size
  FROM jobs WHERE batch_id = CAST(? AS TEXT)`;

const WRITE_COUNTERS = `
  UPDATE batches SET total_jobs = ?, completed_jobs = ?, failed_jobs = ?, cancelled_jobs = ?,
    running_jobs = ?, output_size = ?, updated_at = ?
  WHERE id = ?`;

/**
 * Separate from the counters because SQLite rewrites an index entry for every column an UPDATE
 * sets, changed or not: setting status and completed_at on every refresh dirtied two more index
 * pages (batches_status_created_at_idx, batches_completed_at_idx) in every queue commit.
 */
const WRITE_STATE = `UPDATE batches SET status = ?, started_at = ?, completed_at = ? WHERE id = ?`;

/**
 * Re-derives a batch's counters and status from its jobs. Call it inside every transaction that
 * changes a job, so `counters == aggregate(jobs)` holds at every commit. It reads one batch's jobs
 * through jobs_batch_id_status_idx, so it stays cheap.
 */
export function refreshBatch(sqlite: Database.Database, batchId: string, now: number): BatchRow["status"] | undefined {
  const batch = statement(sqlite, BATCH_STATE).get(batchId) as
    | { status: Status; started_at: number | null; completed_at: number | null; receiving: number }
    | undefined;
  if (!batch) return undefined;
  const counts = statement(sqlite, JOB_COUNTS).get(batchId) as JobCounts & { output_size: number };
  const status = deriveBatchStatus(batch.status, counts, batch.receiving === 1);
  const terminal = status === "completed" || status === "failed" || status === "cancelled";
  const started = counts.processing + counts.completed + counts.failed > 0;
  const startedAt = batch.started_at ?? (started ? now : null);
  const completedAt = terminal ? (batch.completed_at ?? now) : null;
  statement(sqlite, WRITE_COUNTERS).run(counts.total, counts.completed, counts.failed, counts.cancelled, counts.processing, counts.output_size, now, batchId);
  if (status !== batch.status || startedAt !== batch.started_at || completedAt !== batch.completed_at) {
    statement(sqlite, WRITE_STATE).run(status, startedAt, completedAt, batchId);
  }
  return status;
}
