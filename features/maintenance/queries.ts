/**
 * Every SQL statement of the maintenance feature (health, metrics, problems, retention, the stray
 * sweep); see docs/ARCHITECTURE.md for the data-access rule. Fixed statements are prepared once
 * per connection; the problems list, whose outcome filter varies, uses the drizzle builder.
 */
import { and, count, desc, eq, gte, inArray } from "drizzle-orm";
import type { AppDb } from "@/db/client";
import { attempts, batches, files, jobs, pipelines, type WorkerRow } from "@/db/schema";
import { statement } from "@/db/statements";
import type { ProblemsQuery } from "./schemas";

/** Throws when the database cannot answer (closed, corrupt, locked past busy_timeout). */
export function pingDatabase(db: AppDb): void {
  statement(db.$client, "SELECT 1").get();
}

export type WorkerBeat = Pick<WorkerRow, "id" | "pid" | "hostname" | "bootId" | "startedAt" | "heartbeatAt">;

/** Workers that have not said they stopped; whether each is alive is the caller's call. */
export function selectRunningWorkers(db: AppDb): WorkerBeat[] {
  return statement(
    db.$client,
    `SELECT id, pid, hostname, boot_id AS bootId, started_at AS startedAt, heartbeat_at AS heartbeatAt
       FROM workers WHERE stopped_at IS NULL`,
  ).all() as WorkerBeat[];
}

export function countQueuedJobs(db: AppDb): { pending: number; running: number } {
  return statement(
    db.$client,
    `SELECT coalesce(sum(status = 'pending'), 0) AS pending, coalesce(sum(status = 'processing'), 0) AS running
       FROM jobs WHERE status IN ('pending', 'processing')`,
  ).get() as { pending: number; running: number };
}

export function countBatchesByStatus(db: AppDb): Map<string, number> {
  const rows = statement(db.$client, "SELECT status, count(*) AS n FROM batches GROUP BY status").all() as { status: string; n: number }[];
  return new Map(rows.map((r) => [r.status, r.n]));
}

/** Runs of the given outcomes finished since `since`, newest first (attempts_finished_at_outcome_idx). */
export function selectProblemRuns(db: AppDb, since: number, outcomes: ProblemsQuery["outcome"], limit: number) {
  return db
    .select({
      attempt_id: attempts.id,
      outcome: attempts.outcome,
      error: attempts.error,
      attempt_number: attempts.attemptNumber,
      worker_id: attempts.workerId,
      finished_at: attempts.finishedAt,
      duration_ms: attempts.durationMs,
      job_id: jobs.id,
      job_status: jobs.status,
      batch_id: attempts.batchId,
      base_directory_name: batches.baseDirectoryName,
      file_id: files.id,
      file_name: files.originalName,
      pipeline_name: pipelines.name,
    })
    .from(attempts)
    .innerJoin(jobs, eq(jobs.id, attempts.jobId))
    .innerJoin(files, eq(files.id, jobs.fileId))
    .innerJoin(batches, eq(batches.id, jobs.batchId))
    .innerJoin(pipelines, eq(pipelines.id, jobs.pipelineId))
    .where(and(gte(attempts.finishedAt, since), inArray(attempts.outcome, outcomes)))
    .orderBy(desc(attempts.finishedAt), desc(attempts.id))
    .limit(limit)
    .all();
}

/** How many runs of each given outcome finished since `since`. */
export function countProblemRuns(db: AppDb, since: number, outcomes: ProblemsQuery["outcome"]): Map<string, number> {
  const rows = db
    .select({ outcome: attempts.outcome, n: count() })
    .from(attempts)
    .where(and(gte(attempts.finishedAt, since), inArray(attempts.outcome, outcomes)))
    .groupBy(attempts.outcome)
    .all();
  return new Map(rows.map((r) => [r.outcome ?? "", r.n]));
}

const EXPIRED_BATCH = `
  FROM batches b
  WHERE b.status IN ('completed', 'failed', 'cancelled') AND b.pinned = 0
    AND b.completed_at IS NOT NULL AND b.completed_at < ?
    AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.batch_id = b.id AND j.status = 'processing')`;

/** Finished, unpinned batches completed before `cutoff` with no job running, oldest first. */
export function selectExpiredBatchIds(db: AppDb, cutoff: number): string[] {
  const rows = statement(db.$client, `SELECT b.id ${EXPIRED_BATCH} ORDER BY b.completed_at`).all(cutoff) as { id: string }[];
  return rows.map((r) => r.id);
}

/** The same test for one batch, right before it goes: a pin or a retry since the listing wins. */
export function isBatchExpired(db: AppDb, id: string, cutoff: number): boolean {
  return statement(db.$client, `SELECT 1 ${EXPIRED_BATCH} AND b.id = ?`).get(cutoff, id) !== undefined;
}

/** Rows deleted per statement, so a large prune never holds the write lock for long. */
export const PRUNE_CHUNK = 5_000;

/** Deletes up to PRUNE_CHUNK attempts finished before `cutoff`; returns how many went. */
export function pruneAttemptChunk(db: AppDb, cutoff: number): number {
  return statement(
    db.$client,
    `DELETE FROM attempts WHERE id IN (SELECT id FROM attempts WHERE finished_at < ? LIMIT ${PRUNE_CHUNK})`,
  ).run(cutoff).changes;
}

export function pruneRateLimitEvents(db: AppDb, before: number): number {
  return statement(db.$client, "DELETE FROM rate_limit_events WHERE created_at < ?").run(before).changes;
}

export interface WalCheckpoint {
  busy: number;
  log: number;
  checkpointed: number;
}

/** TRUNCATE resets the -wal file to zero bytes when no reader is in the way (`busy` says if one was). */
export function checkpointWal(db: AppDb): WalCheckpoint {
  const [row] = db.$client.pragma("wal_checkpoint(TRUNCATE)") as WalCheckpoint[];
  return row ?? { busy: 0, log: 0, checkpointed: 0 };
}

export function batchExists(db: AppDb, id: string): boolean {
  return statement(db.$client, "SELECT 1 FROM batches WHERE id = ?").get(id) !== undefined;
}

export function fileExists(db: AppDb, id: string): boolean {
  return statement(db.$client, "SELECT 1 FROM files WHERE id = ?").get(id) !== undefined;
}

/** Whether a file row still points at this content-addressed input. */
export function isInputReferenced(db: AppDb, sha256: string, storageKey: string): boolean {
  return statement(db.$client, "SELECT 1 FROM files WHERE sha256 = ? AND storage_key = ? LIMIT 1").get(sha256, storageKey) !== undefined;
}
