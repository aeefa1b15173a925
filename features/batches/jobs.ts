import type { AppContext } from "@/features/shared/context";
import { notFound } from "@/features/shared/errors";
import { findJobDetail, selectJobAttempts } from "./detail-queries";

const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());

/** GET /api/jobs/:id: one job with its file, pipeline and every attempt (the tracking record). */
export function getJobDetail(ctx: AppContext, id: string) {
  const sqlite = ctx.db.$client;
  const job = findJobDetail(sqlite, id);
  if (!job) throw notFound("job", id);
  const attempts = selectJobAttempts(sqlite, id);
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
