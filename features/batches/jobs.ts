import type { AppContext } from "@/features/shared/context";
import { notFound } from "@/features/shared/errors";

const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());

interface JobDetailRow {
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

interface AttemptRow {
  attempt_number: number;
  worker_id: string;
  started_at: number;
  finished_at: number | null;
  outcome: string | null;
  error: string | null;
  duration_ms: number | null;
}

/** GET /api/jobs/:id: one job with its file, pipeline and every attempt (the tracking record). */
export function getJobDetail(ctx: AppContext, id: string) {
  const sqlite = ctx.db.$client;
  const job = sqlite
    .prepare(
      `SELECT j.id, j.batch_id, b.base_directory_name, j.file_id, f.original_name AS file_name, f.mime, f.size AS input_size,
              j.pipeline_id, p.name AS pipeline_name, j.status, j.progress, j.attempts, j.max_attempts, j.crash_count,
              j.run_after, j.error_code, j.error_message, j.output_name, j.output_size, j.created_at, j.started_at, j.completed_at
       FROM jobs j JOIN files f ON f.id = j.file_id JOIN pipelines p ON p.id = j.pipeline_id JOIN batches b ON b.id = j.batch_id
       WHERE j.id = ?`,
    )
    .get(id) as JobDetailRow | undefined;
  if (!job) throw notFound("job", id);
  const attempts = sqlite
    .prepare(
      `SELECT attempt_number, worker_id, started_at, finished_at, outcome, error, duration_ms
       FROM attempts WHERE job_id = ? ORDER BY started_at, id`,
    )
    .all(id) as AttemptRow[];
  return {
    id: job.id,
    batch_id: job.batch_id,
    base_directory_name: job.base_directory_name,
    file_id: job.file_id,
    file_name: job.file_name,
    mime: job.mime,
    input_size: job.input_size,
    pipeline_id: job.pipeline_id,
    pipeline_name: job.pipeline_name,
    status: job.status,
    progress: job.progress,
    attempts: job.attempts,
    max_attempts: job.max_attempts,
    crash_count: job.crash_count,
    error: job.error_message ? { code: job.error_code, message: job.error_message } : null,
    next_attempt_at: job.status === "pending" && job.attempts > 0 ? iso(job.run_after) : null,
    output_name: job.output_name,
    output_size: job.output_size,
    created_at: iso(job.created_at),
    started_at: iso(job.started_at),
    completed_at: iso(job.completed_at),
    thumbnail_url: `/api/files/${job.file_id}/thumbnail`,
    output_url: job.status === "completed" ? `/api/jobs/${job.id}/output` : null,
    history: attempts.map((a) => ({
      attempt: a.attempt_number,
      worker_id: a.worker_id,
      outcome: a.outcome,
      error: a.error,
      duration_ms: a.duration_ms,
      started_at: iso(a.started_at),
      finished_at: iso(a.finished_at),
    })),
  };
}

export type JobDetail = ReturnType<typeof getJobDetail>;
