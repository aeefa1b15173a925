import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import type { JobRow } from "@/db/schema";
import { refreshBatch } from "./batch-status";
import { JOB_ROW_COLUMNS, statement } from "./sql";
import type { Admit } from "./throttle";
import type { ClaimedJob } from "./types";

/** A claimed job plus the `attempts` row its run will close. */
export interface ClaimedRun extends ClaimedJob {
  attemptId: number;
  /** When this run started, by the engine's clock. */
  startedAt: number;
}

export interface ClaimOptions {
  workerId: string;
  /** How many this process could start now (its own free slots). */
  limit: number;
  /** QUEUE_CONCURRENCY: the cap over every process on the database. */
  concurrency: number;
  leaseMs: number;
  now: number;
  /** The throttle's memory rule (throttle.ts); without it, candidates are taken in order. */
  admit?: Admit;
}

/**
 * Ready jobs in claim order. Walks jobs_status_priority_rank_run_after_created_at_idx for
 * status = 'pending' in (priority_rank, run_after, created_at) order and stops at LIMIT, so no
 * sort step; jobs of paused or cancelled batches are skipped during the walk.
 * `+run_after` keeps run_after out of the index search: with statistics taken while every job was
 * pending (one status, one priority), the planner would otherwise skip-scan on run_after and sort
 * the whole queue at every claim. The parameters go in through CAST: SQLite re-plans a statement
 * at every execution when a bare parameter is its LIMIT, or is compared with an indexed column
 * while sqlite_stat4 samples exist (db/client.ts keeps them for the batch list).
 */
export const SELECT_CANDIDATES = `
  SELECT ${JOB_ROW_COLUMNS} FROM jobs
  WHERE status = 'pending' AND +run_after <= CAST(? AS INTEGER)
    AND NOT EXISTS (SELECT 1 FROM batches b WHERE b.id = jobs.batch_id AND b.status IN ('paused', 'cancelled'))
  ORDER BY priority_rank, run_after, created_at
  LIMIT CAST(? AS INTEGER)`;

/** The same walk with each job's pixel count, for the memory rule. */
export const SELECT_CANDIDATES_WITH_PIXELS = SELECT_CANDIDATES.replace(
  "FROM jobs",
  ", (SELECT f.width * f.height FROM files f WHERE f.id = jobs.file_id) AS pixels FROM jobs",
);

/** How far past the free slots the memory rule looks, so one large job does not block the smaller ones behind it. */
const MEMORY_LOOKAHEAD = 32;

const COUNT_RUNNING = `SELECT count(*) AS n FROM jobs WHERE status = 'processing'`;

const LOCK_JOB = `
  UPDATE jobs SET status = 'processing', lease_owner = ?, lease_token = ?, lease_expires_at = ?, heartbeat_at = ?,
    started_at = ?, attempts = attempts + 1, progress = 0, updated_at = ?
  WHERE id = ? AND status = 'pending'`;

const OPEN_ATTEMPT = `
  INSERT INTO attempts (job_id, batch_id, worker_id, attempt_number, started_at) VALUES (?, ?, ?, ?, ?)`;

/**
 * Claims up to `limit` ready jobs in ONE synchronous IMMEDIATE transaction: the write lock is
 * taken before the reads, so two processes can never select the same candidates, and the
 * running count they both see is exact. Free slots are counted over the whole database, so
 * QUEUE_CONCURRENCY holds across processes, not per process.
 */
export function claimJobs(sqlite: Database.Database, options: ClaimOptions): ClaimedRun[] {
  if (options.limit <= 0) return [];
  return sqlite
    .transaction(() => {
      const claimed = claimReady(sqlite, options);
      for (const batchId of new Set(claimed.map((c) => c.job.batchId))) refreshBatch(sqlite, batchId, options.now);
      return claimed;
    })
    .immediate();
}

/**
 * The claim itself, for a caller that already holds the IMMEDIATE transaction and refreshes the
 * claimed jobs' batches before it commits (cycle.ts).
 */
export function claimReady(sqlite: Database.Database, options: ClaimOptions): ClaimedRun[] {
  const running = runningCount(sqlite);
  const slots = Math.min(options.limit, options.concurrency - running);
  if (slots <= 0) return [];
  if (!options.admit) return selectCandidates(sqlite, options.now, slots).map((job) => lockCandidate(sqlite, job, options));
  return admitCandidates(sqlite, options, options.admit, slots, running);
}

/**
 * Candidates in claim order, each taken only if the throttle admits its memory estimate: a job
 * that needs more than is free waits (keeping its place) while smaller ones behind it run. When
 * nothing runs anywhere, the first candidate is admitted whatever its size, or it would wait forever.
 */
function admitCandidates(sqlite: Database.Database, options: ClaimOptions, admit: Admit, slots: number, running: number): ClaimedRun[] {
  const rows = statement(sqlite, SELECT_CANDIDATES_WITH_PIXELS).all(options.now, slots + MEMORY_LOOKAHEAD) as (JobRow & { pixels: number | null })[];
  const claimed: ClaimedRun[] = [];
  for (const { pixels, ...job } of rows) {
    if (claimed.length === slots) break;
    if (admit(pixels, running + claimed.length === 0)) claimed.push(lockCandidate(sqlite, job, options));
  }
  return claimed;
}

function runningCount(sqlite: Database.Database): number {
  return (statement(sqlite, COUNT_RUNNING).get() as { n: number }).n;
}

function selectCandidates(sqlite: Database.Database, now: number, limit: number): JobRow[] {
  return statement(sqlite, SELECT_CANDIDATES).all(now, limit) as JobRow[];
}

function lockCandidate(sqlite: Database.Database, job: JobRow, options: ClaimOptions): ClaimedRun {
  const { workerId, now } = options;
  const leaseToken = randomUUID();
  const leaseExpiresAt = now + options.leaseMs;
  statement(sqlite, LOCK_JOB).run(workerId, leaseToken, leaseExpiresAt, now, now, now, job.id);
  const attempt = job.attempts + 1;
  const { lastInsertRowid } = statement(sqlite, OPEN_ATTEMPT).run(job.id, job.batchId, workerId, attempt, now);
  return {
    job: {
      ...job,
      status: "processing",
      attempts: attempt,
      progress: 0,
      leaseOwner: workerId,
      leaseToken,
      leaseExpiresAt,
      heartbeatAt: now,
      startedAt: now,
      updatedAt: now,
    },
    attempt,
    leaseToken,
    attemptId: Number(lastInsertRowid),
    startedAt: now,
  };
}
