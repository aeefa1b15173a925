import type Database from "better-sqlite3";
import type { BatchRow } from "@/db/schema";
import { statement } from "@/db/statements";

/**
 * The batches feature's SQL on batch rows, as named queries prepared once per connection. The
 * feature's other queries modules: detail-queries.ts (a batch's jobs, a job's attempts),
 * list-queries.ts (the dynamic list) and stats-queries.ts (the dashboard's numbers). Job rows
 * change only in features/queue/. Each function takes the connection (AppDb's $client), so it also
 * runs inside a caller's transaction.
 */

type Sqlite = Database.Database;
type Status = BatchRow["status"];
type Priority = BatchRow["priority"];

/** The fields controls decide on; undefined when there is no such batch. */
export function findBatchState(sqlite: Sqlite, id: string): { status: Status; priority: Priority } | undefined {
  return statement(sqlite, `SELECT status, priority FROM batches WHERE id = ?`).get(id) as
    | { status: Status; priority: Priority }
    | undefined;
}

/** A job's status and batch; undefined when there is no such job. */
export function findJobState(sqlite: Sqlite, jobId: string): { status: string; batchId: string } | undefined {
  return statement(sqlite, `SELECT status, batch_id AS batchId FROM jobs WHERE id = ?`).get(jobId) as
    | { status: string; batchId: string }
    | undefined;
}

export function markBatchPaused(sqlite: Sqlite, id: string, now: number): void {
  statement(sqlite, `UPDATE batches SET status = 'paused', paused_at = ?, updated_at = ? WHERE id = ?`).run(now, now, id);
}

/** Back to `pending`; refreshBatch then derives pending or processing from the jobs. */
export function markBatchResumed(sqlite: Sqlite, id: string, now: number): void {
  statement(sqlite, `UPDATE batches SET status = 'pending', paused_at = NULL, updated_at = ? WHERE id = ?`).run(now, id);
}

export function markBatchCancelled(sqlite: Sqlite, id: string, now: number): void {
  statement(sqlite, `UPDATE batches SET status = 'cancelled', updated_at = ? WHERE id = ?`).run(now, id);
}

export function updateBatchPriority(sqlite: Sqlite, id: string, priority: Priority, now: number): void {
  statement(sqlite, `UPDATE batches SET priority = ?, updated_at = ? WHERE id = ?`).run(priority, now, id);
}
