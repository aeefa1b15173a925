import type Database from "better-sqlite3";
import { statement } from "@/db/statements";

/**
 * The reads behind the batch detail and the job detail: a batch's jobs with their files and
 * pipelines, one job with its batch, and a job's attempts. Named queries prepared once per
 * connection; the batches feature's other queries modules are queries.ts, list-queries.ts and
 * stats-queries.ts.
 */

type Sqlite = Database.Database;

export interface BatchJobRow {
  id: string;
  file_id: string;
  file_name: string;
  /** The file's place in a dropped folder (`shoot/day1/a.png`); null without one. */
  relative_path: string | null;
  pipeline_id: string;
  pipeline_name: string;
  pipeline_slug: string;
  status: string;
  progress: number;
  attempts: number;
  max_attempts: number;
  error_code: string | null;
  error_message: string | null;
  input_size: number;
  mime: string;
  output_name: string | null;
  output_size: number | null;
  output_width: number | null;
  output_height: number | null;
  run_after: number;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
}

const BATCH_JOBS = `
  SELECT j.id, j.file_id, f.original_name AS file_name, f.relative_path, j.pipeline_id, p.name AS pipeline_name,
         p.slug AS pipeline_slug, j.status, j.progress, j.attempts, j.max_attempts, j.error_code,
         j.error_message, f.size AS input_size, f.mime, j.output_name, j.output_size, j.output_width,
         j.output_height, j.run_after, j.created_at, j.started_at, j.completed_at
  FROM jobs j JOIN files f ON f.id = j.file_id JOIN pipelines p ON p.id = j.pipeline_id
  WHERE j.batch_id = ? ORDER BY f.original_name, p.name`;

/** Every job of the batch, by file name then pipeline name. */
export function selectBatchJobs(sqlite: Sqlite, batchId: string): BatchJobRow[] {
  return statement(sqlite, BATCH_JOBS).all(batchId) as BatchJobRow[];
}

export interface JobDetailRow {
  id: string;
  batch_id: string;
  base_directory_name: string;
  file_id: string;
  file_name: string;
  mime: string;
  input_size: number;
  pipeline_id: string;
  pipeline_name: string;
  status: string;
  progress: number;
  attempts: number;
  max_attempts: number;
  crash_count: number;
  run_after: number;
  error_code: string | null;
  error_message: string | null;
  output_name: string | null;
  output_size: number | null;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
}

const JOB_DETAIL = `
  SELECT j.id, j.batch_id, b.base_directory_name, j.file_id, f.original_name AS file_name, f.mime, f.size AS input_size,
         j.pipeline_id, p.name AS pipeline_name, j.status, j.progress, j.attempts, j.max_attempts, j.crash_count,
         j.run_after, j.error_code, j.error_message, j.output_name, j.output_size, j.created_at, j.started_at, j.completed_at
  FROM jobs j JOIN files f ON f.id = j.file_id JOIN pipelines p ON p.id = j.pipeline_id JOIN batches b ON b.id = j.batch_id
  WHERE j.id = ?`;

/** One job with its file, pipeline and batch name; undefined when there is no such job. */
export function findJobDetail(sqlite: Sqlite, jobId: string): JobDetailRow | undefined {
  return statement(sqlite, JOB_DETAIL).get(jobId) as JobDetailRow | undefined;
}

export interface AttemptRow {
  attempt_number: number;
  worker_id: string;
  started_at: number;
  finished_at: number | null;
  outcome: string | null;
  error: string | null;
  duration_ms: number | null;
}

const JOB_ATTEMPTS = `
  SELECT attempt_number, worker_id, started_at, finished_at, outcome, error, duration_ms
  FROM attempts WHERE job_id = ? ORDER BY started_at, id`;

/** The job's runs, oldest first. */
export function selectJobAttempts(sqlite: Sqlite, jobId: string): AttemptRow[] {
  return statement(sqlite, JOB_ATTEMPTS).all(jobId) as AttemptRow[];
}

export interface FileJobCounts {
  file_id: string;
  jobs: number;
  pending: number;
  processing: number;
  completed: number;
  failed: number;
  cancelled: number;
}

const FILE_JOB_COUNTS = `
  SELECT file_id, count(*) AS jobs, sum(status = 'pending') AS pending, sum(status = 'processing') AS processing,
         sum(status = 'completed') AS completed, sum(status = 'failed') AS failed, sum(status = 'cancelled') AS cancelled
  FROM jobs WHERE batch_id = ? GROUP BY file_id`;

/** Each file of the batch with its jobs counted by status (one row per file). */
export function selectFileJobCounts(sqlite: Sqlite, batchId: string): FileJobCounts[] {
  return statement(sqlite, FILE_JOB_COUNTS).all(batchId) as FileJobCounts[];
}
