import { z } from "zod";
import { PRIORITIES } from "@/db/schema";
import type { Principal } from "@/features/auth/scopes";
import { getBatchDetail, type BatchSummary } from "@/features/batches/detail";
import { batchFileTally } from "@/features/batches/file-progress";
import { listBatches } from "@/features/batches/list";
import { anyCase, listBatchesQuerySchema } from "@/features/batches/schemas";
import { runBatchAction } from "@/features/batches/service";
import { runCleanup } from "@/features/maintenance/retention";
import type { CleanupOptions } from "@/features/maintenance/schemas";
import { recoverOrphanedJobs } from "@/features/queue/recover";
import type { AppContext } from "@/features/shared/context";
import { createBatchFromStoredFiles } from "@/features/uploads/stored";
import { filesOf, sessionIdOf, tallyOf } from "./files";

/**
 * Seed 003 (photo batch control): `/batch/start|list|recover|cleanup` and `/batch/{id}/pause|
 * resume|cancel|status`, outside /api as the seed serves them. Photo ids are our file ids (a
 * batch starts from originals Batchyard already stores), its session id is our external_ref,
 * its `running` is our `processing`. Controls, recovery and cleanup are ours, unchanged.
 */

const SEED_NAMES: Record<string, string> = { processing: "running" };
const OUR_NAMES: Record<string, string> = { running: "processing" };
export const seed003Status = (status: string): string => SEED_NAMES[status] ?? status;

const pipelineRef = z.union([z.string().trim().min(1).max(100), z.number().int().positive()]).transform(String);
const id = z.union([z.string().trim().min(1).max(100), z.number().int()]).transform(String);

/**
 * POST /batch/start. `config` is the seed's free-form processing config: we read `pipeline_id`
 * (or `pipeline_ids`), `priority` and `description` from it and ignore the rest (`preset`,
 * `blend`: the pipeline is what processes).
 */
export const startBatchSchema = z
  .object({
    photo_ids: z.array(id).min(1, "name at least one photo (a stored file id)"),
    session_id: id.nullish(),
    config: z
      .looseObject({
        pipeline_id: pipelineRef.optional(),
        pipeline_ids: z.array(pipelineRef).max(20).optional(),
        priority: anyCase(PRIORITIES).optional(),
        description: z.string().max(1000).optional(),
      })
      .nullish(),
  })
  .strict();
export type StartBatchInput = z.infer<typeof startBatchSchema>;

export function startBatch(ctx: AppContext, input: StartBatchInput, auth: Principal) {
  const config = input.config ?? {};
  const { batchId } = createBatchFromStoredFiles(ctx, {
    fileIds: input.photo_ids,
    pipelineIds: config.pipeline_ids ?? (config.pipeline_id ? [config.pipeline_id] : []),
    owner: auth.userId,
    description: config.description,
    priority: config.priority,
    externalRef: input.session_id ?? undefined,
  });
  const batch = getBatchDetail(ctx, batchId);
  return { message: "Batch processing started", batch_id: batchId, photo_count: batch.total_files };
}

const DONE = { pause: "paused", resume: "resumed", cancel: "cancelled" } as const;

/** POST /batch/{id}/pause|resume|cancel: our control (409 when impossible) -> `{message, batch_id}`. */
export function controlBatch(ctx: AppContext, batchId: string, action: keyof typeof DONE, auth: Principal) {
  runBatchAction(ctx, batchId, action, auth);
  return { message: `Batch ${DONE[action]} successfully`, batch_id: batchId };
}

/** GET /batch/{id}/status. */
export function batchStatus(ctx: AppContext, batchId: string) {
  const batch = getBatchDetail(ctx, batchId);
  const files = tallyOf(filesOf(batch));
  return {
    batch_id: batch.id,
    session_id: sessionIdOf(batch.external_ref),
    status: seed003Status(batch.status),
    total_photos: batch.total_files,
    processed_count: files.completed,
    failed_count: files.failed,
    progress_percent: batch.progress_percent,
    created_at: batch.created_at,
    started_at: batch.started_at,
    paused_at: batch.paused_at,
    completed_at: batch.completed_at,
  };
}

/** GET /batch/list: `status` (seed names, comma list; default the active ones), `limit`, `offset`. */
export const listQuerySchema = z
  .object({
    status: z.string().trim().toLowerCase().default("pending,running,paused"),
    limit: z.string().regex(/^\d{1,3}$/, "expected a whole number").default("200"),
    offset: z.string().regex(/^\d{1,15}$/, "expected a whole number").default("0"),
  })
  .strict();

export function listActiveBatches(ctx: AppContext, query: z.infer<typeof listQuerySchema>, auth: Principal) {
  const status = query.status.split(",").map((s) => OUR_NAMES[s.trim()] ?? s.trim()).join(",");
  const page = listBatches(ctx, listBatchesQuerySchema.parse({ status, limit: query.limit, offset: query.offset }), auth);
  const batches = page.data.map((row: BatchSummary) => {
    const files = batchFileTally(ctx, row.id);
    return {
      batch_id: row.id,
      session_id: sessionIdOf(row.external_ref),
      status: seed003Status(row.status),
      total_photos: row.total_files,
      processed_count: files.completed,
      failed_count: files.failed,
      progress_percent: row.progress_percent,
      created_at: row.created_at,
    };
  });
  return { batches, count: batches.length };
}

/** POST /batch/recover: our recovery, counted in batches as the seed counts them. */
export function recoverBatches(ctx: AppContext) {
  const report = recoverOrphanedJobs(ctx);
  return {
    message: "Batch recovery completed",
    recovered_count: report.recovered_batch_ids.length,
    failed_count: report.failed_batch_ids.length,
    paused_count: report.paused_batch_ids.length,
    timestamp: new Date(ctx.clock.now()).toISOString(),
  };
}

/** POST /batch/cleanup `{days_old}`: our retention cleanup now (without days_old, RETENTION_DAYS). */
export async function cleanupBatches(ctx: AppContext, options: CleanupOptions) {
  const result = await runCleanup(ctx, options);
  return { message: "Batch cleanup completed", cleaned_count: result.cleaned_count, days_old: result.days_old };
}
