import type { AppContext } from "@/features/shared/context";
import type { BatchRow } from "@/db/schema";
import { notFound } from "@/features/shared/errors";
import { selectBatchJobs } from "./detail-queries";
import { findBatch } from "./queries";

const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

const DAY_MS = 86_400_000;

/**
 * The batch row as the API shows it (list rows and the detail share this). `retentionDays` adds
 * `expires_at`: when retention cleanup may delete a finished batch (null while active or pinned).
 */
export function toBatchSummary(row: BatchRow, now: number, retentionDays?: number) {
  const done = row.completedJobs + row.failedJobs + row.cancelledJobs;
  return {
    id: row.id,
    base_directory_name: row.baseDirectoryName,
    customer_prefix: row.customerPrefix,
    owner_id: row.owner,
    batch_date: row.batchDate,
    batch_counter: row.batchCounter,
    description: row.description,
    /** The same text under the name seed-era clients read (`render_description`). */
    render_description: row.description,
    external_ref: row.externalRef,
    priority: row.priority,
    status: row.status,
    total_files: row.totalFiles,
    /**
     * While the upload is still arriving (its files are processed as they come): how many files the
     * client said it sends, beside total_files, those already in. Null once it has all arrived.
     */
    receiving: row.receiving ? { files: row.totalFiles, expected: row.expectedFiles } : null,
    total_jobs: row.totalJobs,
    // Every file of a batch runs through each of its pipelines, so jobs = files x pipelines.
    total_pipelines: row.totalFiles === 0 ? 0 : Math.round(row.totalJobs / row.totalFiles),
    completed_jobs: row.completedJobs,
    failed_jobs: row.failedJobs,
    cancelled_jobs: row.cancelledJobs,
    running_jobs: row.runningJobs,
    pending_jobs: row.totalJobs - done - row.runningJobs,
    total_size: row.totalSize,
    output_size: row.outputSize,
    pinned: row.pinned,
    expires_at:
      retentionDays === undefined || row.pinned || row.completedAt == null
        ? null
        : iso(row.completedAt + retentionDays * DAY_MS),
    progress_percent: plannedJobs(row) === 0 ? 0 : Math.round((done / plannedJobs(row)) * 1000) / 10,
    eta_seconds: etaSeconds(row, now),
    created_at: iso(row.createdAt)!,
    updated_at: iso(row.updatedAt)!,
    started_at: iso(row.startedAt),
    paused_at: iso(row.pausedAt),
    completed_at: iso(row.completedAt),
  };
}

export type BatchSummary = ReturnType<typeof toBatchSummary>;

/** The jobs the batch will have: while its upload arrives, its files still to come count (at its pipelines each). */
function plannedJobs(row: BatchRow): number {
  if (!row.receiving || !row.expectedFiles || row.totalFiles === 0) return row.totalJobs;
  return Math.max(row.totalJobs, Math.round((row.totalJobs / row.totalFiles) * row.expectedFiles));
}

/** Remaining jobs times the batch's own pace so far; null until there is a pace to go by. */
function etaSeconds(row: BatchRow, now: number): number | null {
  const finished = row.completedJobs + row.failedJobs;
  const remaining = plannedJobs(row) - finished - row.cancelledJobs;
  if (remaining <= 0 || row.status === "paused" || row.status === "cancelled") return remaining <= 0 ? 0 : null;
  if (!row.startedAt || finished === 0) return null;
  const perJobMs = (now - row.startedAt) / finished;
  return Math.max(1, Math.round((perJobMs * remaining) / 1000));
}

/** Human summary: "12 of 40 done", "completed with 2 failed", ... */
export function summarize(row: BatchRow): string {
  const done = row.completedJobs + row.failedJobs + row.cancelledJobs;
  switch (row.status) {
    case "completed":
      return row.failedJobs > 0 ? `completed with ${row.failedJobs} failed` : "completed";
    case "failed":
      return `failed: all ${row.failedJobs} job${row.failedJobs === 1 ? "" : "s"} failed`;
    case "cancelled":
      return `cancelled after ${row.completedJobs} of ${row.totalJobs} completed`;
    case "paused":
      return `paused at ${done} of ${row.totalJobs}`;
    default:
      return `${done} of ${row.totalJobs} done${row.failedJobs ? `, ${row.failedJobs} failed` : ""}`;
  }
}

/** GET /api/batches/:id and the upload's 201: the batch, its pipelines and every job. */
export function getBatchDetail(ctx: AppContext, id: string) {
  const sqlite = ctx.db.$client;
  const row = findBatch(sqlite, id);
  if (!row) throw notFound("batch", id);
  const jobs = selectBatchJobs(sqlite, id);
  const pipelines = new Map<string, { id: string; name: string; slug: string }>();
  for (const j of jobs) pipelines.set(j.pipeline_id, { id: j.pipeline_id, name: j.pipeline_name, slug: j.pipeline_slug });
  return {
    ...toBatchSummary(row, ctx.clock.now(), ctx.config.RETENTION_DAYS),
    summary: summarize(row),
    pipelines: [...pipelines.values()],
    jobs: jobs.map((j) => ({
      id: j.id,
      file_id: j.file_id,
      file_name: j.file_name,
      folder: j.relative_path?.includes("/") ? j.relative_path.slice(0, j.relative_path.lastIndexOf("/")) : null,
      pipeline_id: j.pipeline_id,
      pipeline_name: j.pipeline_name,
      status: j.status,
      progress: j.progress,
      attempts: j.attempts,
      max_attempts: j.max_attempts,
      error: j.error_message ? { code: j.error_code, message: j.error_message } : null,
      input_size: j.input_size,
      output_name: j.output_name,
      output_size: j.output_size,
      output_width: j.output_width,
      output_height: j.output_height,
      next_attempt_at: j.status === "pending" && j.attempts > 0 ? iso(j.run_after) : null,
      created_at: iso(j.created_at),
      started_at: iso(j.started_at),
      completed_at: iso(j.completed_at),
      thumbnail_url: `/api/files/${j.file_id}/thumbnail`,
      output_url: j.status === "completed" ? `/api/jobs/${j.id}/output` : null,
    })),
  };
}

export type BatchDetail = ReturnType<typeof getBatchDetail>;
