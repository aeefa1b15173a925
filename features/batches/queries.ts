import type Database from "better-sqlite3";
import { getTableColumns } from "drizzle-orm";
import { batches, type BatchRow } from "@/db/schema";
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
export function findBatchState(sqlite: Sqlite, id: string): { status: Status; priority: Priority; receiving: boolean } | undefined {
  const row = statement(sqlite, `SELECT status, priority, receiving FROM batches WHERE id = ?`).get(id) as
    | { status: Status; priority: Priority; receiving: number }
    | undefined;
  return row && { ...row, receiving: row.receiving === 1 };
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

const BATCH_COLUMNS = Object.entries(getTableColumns(batches));
const BATCH_ROW = `SELECT ${BATCH_COLUMNS.map(([key, column]) => `"${column.name}" AS "${key}"`).join(", ")} FROM batches WHERE id = ?`;

/** The whole batch row, its values as drizzle maps them (pinned a boolean); undefined when absent. */
export function findBatch(sqlite: Sqlite, id: string): BatchRow | undefined {
  const raw = statement(sqlite, BATCH_ROW).get(id) as Record<string, unknown> | undefined;
  return raw ? toBatchRow(raw) : undefined;
}

const toBatchRow = (raw: Record<string, unknown>) =>
  Object.fromEntries(BATCH_COLUMNS.map(([key, column]) => [key, raw[key] === null ? null : column.mapFromDriverValue(raw[key])])) as BatchRow;

// Two statements, not one, so changing the pin alone does not fire the search index's trigger on description.
const SET_DESCRIPTION = `UPDATE batches SET description = ?, updated_at = ? WHERE id = ?`;
const SET_PINNED = `UPDATE batches SET pinned = ?, updated_at = ? WHERE id = ?`;

/** The fields a person edits on a batch, in one transaction. */
export function updateBatchFields(sqlite: Sqlite, id: string, fields: { description?: string; pinned?: boolean }, now: number): void {
  sqlite.transaction(() => {
    if (fields.description !== undefined) statement(sqlite, SET_DESCRIPTION).run(fields.description, now, id);
    if (fields.pinned !== undefined) statement(sqlite, SET_PINNED).run(fields.pinned ? 1 : 0, now, id);
  })();
}

/** The highest counter taken for (prefix, date), 0 when none. */
export function lastBatchCounter(sqlite: Sqlite, prefix: string, batchDate: string): number {
  const sql = "SELECT coalesce(max(batch_counter), 0) AS n FROM batches WHERE customer_prefix = ? AND batch_date = ?";
  return (statement(sqlite, sql).get(prefix, batchDate) as { n: number }).n;
}

export interface RemovedBatchRows {
  files: { id: string; sha256: string; storage_key: string; size: number }[];
  /** Bytes of the outputs its jobs had written. */
  outputBytes: number;
  /** Inputs no remaining file references any more: storage key -> size. */
  orphanInputs: Map<string, number>;
}

/**
 * Deletes the batch row (files, jobs and attempts cascade) in one IMMEDIATE transaction and returns
 * what its files on disk were; undefined when there is no such batch.
 */
export function deleteBatchRows(sqlite: Sqlite, batchId: string): RemovedBatchRows | undefined {
  return sqlite
    .transaction(() => {
      if (!statement(sqlite, "SELECT id FROM batches WHERE id = ?").get(batchId)) return undefined;
      const files = statement(sqlite, "SELECT id, sha256, storage_key, size FROM files WHERE batch_id = ?").all(batchId) as RemovedBatchRows["files"];
      const outputBytes = (
        statement(sqlite, "SELECT coalesce(sum(output_size), 0) AS n FROM jobs WHERE batch_id = ? AND output_key IS NOT NULL").get(batchId) as { n: number }
      ).n;
      statement(sqlite, "DELETE FROM batches WHERE id = ?").run(batchId);
      const stillUsed = statement(sqlite, "SELECT 1 FROM files WHERE sha256 = ? LIMIT 1");
      const orphanInputs = new Map<string, number>();
      for (const f of files) if (!stillUsed.get(f.sha256)) orphanInputs.set(f.storage_key, f.size);
      return { files, outputBytes, orphanInputs };
    })
    .immediate();
}

/** Who uploaded the batch (users.id, or null for batches from before accounts); undefined when absent. */
export function findBatchOwner(sqlite: Sqlite, id: string): { owner: string | null } | undefined {
  return statement(sqlite, `SELECT owner FROM batches WHERE id = ?`).get(id) as { owner: string | null } | undefined;
}

/** user id -> email, for showing who uploaded each batch (the users table is small). */
export function ownerEmails(db: { $client: Sqlite }): Map<string, string> {
  const rows = statement(db.$client, `SELECT id, email FROM users`).all() as { id: string; email: string }[];
  return new Map(rows.map((row) => [row.id, row.email]));
}

/** Ids and names of the given batches that exist (json_each keeps the statement fixed). */
export function findBatchRefs(sqlite: Sqlite, ids: string[]): { id: string; name: string }[] {
  const sql = `SELECT id, base_directory_name AS name FROM batches WHERE id IN (SELECT value FROM json_each(?))`;
  return statement(sqlite, sql).all(JSON.stringify(ids)) as { id: string; name: string }[];
}

const UPDATED_SINCE = BATCH_ROW.replace("WHERE id = ?", "WHERE updated_at >= ? ORDER BY updated_at LIMIT ?");

/** Batches changed at or after `since` (batches_updated_at_idx), oldest change first, at most `limit`. */
export function selectBatchesUpdatedSince(sqlite: Sqlite, since: number, limit: number): BatchRow[] {
  return (statement(sqlite, UPDATED_SINCE).all(since, limit) as Record<string, unknown>[]).map(toBatchRow);
}

/** The latest change of any batch (0 when there is none). */
export function latestBatchChange(sqlite: Sqlite): number {
  return (statement(sqlite, "SELECT coalesce(max(updated_at), 0) AS t FROM batches").get() as { t: number }).t;
}
