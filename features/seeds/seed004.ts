import { z } from "zod";
import { BATCH_STATUSES } from "@/db/schema";
import type { Principal } from "@/features/auth/scopes";
import { findUserByEmail } from "@/features/auth/users";
import { getBatchDetail, type BatchDetail, type BatchSummary } from "@/features/batches/detail";
import { batchFileTally, type FileTally } from "@/features/batches/file-progress";
import { listBatches } from "@/features/batches/list";
import { anyCase, listBatchesQuerySchema } from "@/features/batches/schemas";
import type { AppContext } from "@/features/shared/context";
import type { ErrorShape } from "@/features/shared/http";
import { acceptUpload } from "@/features/uploads/service";
import { filesOf, tallyOf } from "./files";

/**
 * Seed 004 (a Next.js + SQLite batch system): `POST /api/batch/upload`, `GET /api/batch/jobs`,
 * `GET /api/batch/jobs/[id]`, every answer in a `{success, data}` envelope and every error as
 * `{success: false, error}`. Its multipart fields (repeated `file`, `priority`, `user_id`) are our
 * upload's own; its status names are ours. Its "batch job" is our batch, its "file" our file.
 */

export const seed004Errors: ErrorShape = (body) => ({ success: false, error: body.error.message, code: body.error.code });

const ok = <T>(data: T) => ({ success: true as const, data });

/** POST /api/batch/upload -> `{success, data: {batchId, totalFiles, status, files: [{id, filename, fileSize, status}]}}`. */
export async function uploadBatch(ctx: AppContext, request: Request, auth: Principal) {
  const { batch, created } = await acceptUpload(ctx, request, auth);
  const files = filesOf(batch).map((f) => ({ id: f.id, filename: f.name, fileSize: f.size, status: f.status }));
  return { status: created ? 201 : 200, body: ok({ batchId: batch.id, totalFiles: batch.total_files, status: batch.status, files }) };
}

const count = (max: number, def: number, min = 0) =>
  z
    .string()
    .regex(/^\d{1,15}$/, "expected a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(def);

/** GET /api/batch/jobs: `limit` (default 50), `offset`, `status`, `userId` (a user's id or email, or `me`). */
export const batchJobsQuerySchema = z
  .object({
    limit: count(200, 50, 1),
    offset: count(Number.MAX_SAFE_INTEGER, 0),
    status: anyCase(BATCH_STATUSES).optional(),
    userId: z.string().trim().min(1).max(254).optional(),
  })
  .strict();
export type BatchJobsQuery = z.infer<typeof batchJobsQuerySchema>;

/** The seed's batch row: counts by file, not by job. */
function batchRow(row: BatchSummary, files: FileTally) {
  return {
    id: row.id,
    user_id: row.owner_id,
    status: row.status,
    total_files: row.total_files,
    processed_files: files.finished,
    failed_files: files.failed,
    priority: row.priority,
    created_at: row.created_at,
    started_at: row.started_at,
    completed_at: row.completed_at,
  };
}

/** GET /api/batch/jobs -> `{success, data: [batch rows]}`, newest first. */
export function listBatchJobs(ctx: AppContext, query: BatchJobsQuery, auth: Principal) {
  const owner = query.userId === undefined ? undefined : ownerId(ctx, query.userId);
  const ours = listBatchesQuerySchema.parse({ limit: String(query.limit), offset: String(query.offset), ...(query.status ? { status: query.status } : {}) });
  const page = listBatches(ctx, { ...ours, owner }, auth);
  return ok(page.data.map((row) => batchRow(row, batchFileTally(ctx, row.id))));
}

/** `userId` as the seed sends it: our user id, an email, or `me`; an unknown one matches nothing. */
function ownerId(ctx: AppContext, userId: string): string {
  if (userId === "me" || !userId.includes("@")) return userId;
  return findUserByEmail(ctx, userId)?.id ?? userId;
}

/** GET /api/batch/jobs/[id] -> `{success, data: {batch: {…, progressPercent}, files, summary}}`. */
export function getBatchJob(ctx: AppContext, id: string) {
  const batch: BatchDetail = getBatchDetail(ctx, id);
  const files = filesOf(batch);
  const tally = tallyOf(files);
  return ok({
    batch: { ...batchRow(batch, tally), progressPercent: Math.round(batch.progress_percent) },
    files: files.map((f) => ({
      id: f.id,
      filename: f.name,
      fileSize: f.size,
      status: f.status,
      progress: f.progress,
      ...(f.status === "completed" ? { result: JSON.stringify({ outputs: f.jobs.map(outputOf) }) } : {}),
      ...(f.status === "failed" ? { error: f.jobs.find((job) => job.error)?.error?.message ?? "failed" } : {}),
    })),
    summary: { total: tally.total, completed: tally.completed, processing: tally.processing, pending: tally.pending, failed: tally.failed, cancelled: tally.cancelled },
  });
}

const outputOf = (job: BatchDetail["jobs"][number]) => ({
  pipeline: job.pipeline_name,
  name: job.output_name,
  size: job.output_size,
  url: job.output_url,
});
