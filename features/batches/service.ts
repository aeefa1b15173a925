import { runningJobIds } from "@/features/queue/batch-actions";
import type { AppContext } from "@/features/shared/context";
import { notFound } from "@/features/shared/errors";
import { cancelBatch, pauseBatch, resumeBatch, retryFailedJobs, retryJob, setBatchPriority, stillReceiving } from "./controls";
import { deleteBatchWithFiles } from "./delete";
import { getBatchDetail, type BatchDetail } from "./detail";
import { getJobDetail, type JobDetail } from "./jobs";
import { assertMayControlBatch, assertMayControlJob, type Actor } from "./access";
import { findBatchState, updateBatchFields } from "./queries";
import type { BatchAction, UpdateBatchInput } from "./schemas";

const ACTIONS: Record<BatchAction, (ctx: AppContext, id: string) => unknown> = {
  pause: pauseBatch,
  resume: resumeBatch,
  cancel: cancelBatch,
  retry: retryFailedJobs,
};

/** POST /api/batches/:id/{pause,resume,cancel,retry}: the move (409 when impossible), then the detail. */
export function runBatchAction(ctx: AppContext, id: string, action: BatchAction, actor: Actor): BatchDetail {
  assertMayControlBatch(ctx, actor, id);
  ACTIONS[action](ctx, id);
  return getBatchDetail(ctx, id);
}

/** PATCH /api/batches/:id. Priority goes through the queue's rules (only while work waits). */
export function updateBatch(ctx: AppContext, id: string, input: UpdateBatchInput, actor: Actor): BatchDetail {
  assertMayControlBatch(ctx, actor, id);
  if (input.priority !== undefined) setBatchPriority(ctx, id, input.priority);
  if (input.description !== undefined || input.pinned !== undefined) {
    updateBatchFields(ctx.db.$client, id, { description: input.description, pinned: input.pinned }, ctx.clock.now());
  }
  return getBatchDetail(ctx, id);
}

const ACTIVE = new Set(["pending", "processing", "paused"]);
const ABORT_WAIT_MS = 10_000;

/**
 * DELETE /api/batches/:id. An active batch is cancelled first, and we wait (bounded) for its
 * running jobs to stop, so no worker writes an output into a folder we are removing.
 */
export async function removeBatch(ctx: AppContext, id: string, actor: Actor): Promise<void> {
  assertMayControlBatch(ctx, actor, id);
  const sqlite = ctx.db.$client;
  const batch = findBatchState(sqlite, id);
  if (!batch) throw notFound("batch", id);
  if (batch.receiving) throw stillReceiving();
  if (ACTIVE.has(batch.status)) cancelBatch(ctx, id);
  const deadline = Date.now() + ABORT_WAIT_MS;
  while (runningJobIds(sqlite, id).length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!deleteBatchWithFiles(ctx, id)) throw notFound("batch", id);
}

/** POST /api/jobs/:id/retry: the queue's retry rules (409 when the job is not failed), then the job. */
export function retryJobById(ctx: AppContext, id: string, actor: Actor): JobDetail {
  assertMayControlJob(ctx, actor, id);
  retryJob(ctx, id);
  return getJobDetail(ctx, id);
}
