import { attempt, inChunks, type BulkResult } from "@/features/batches/bulk-chunks";
import type { Actor } from "@/features/batches/access";
import { dismissFailures, retryFailedJobsOf } from "@/features/batches/controls";
import { findBatchRefs } from "@/features/batches/queries";
import type { AppContext } from "@/features/shared/context";
import { AppError } from "@/features/shared/errors";
import { selectGroupJobs } from "./queries";
import { toFilter, type FailureGroupInput } from "./schemas";

/** Failures one request may act on; a larger group is acted on in parts (narrow the time range). */
export const MAX_GROUP_JOBS = 50_000;

export type FailureAction = "retry" | "dismiss";

export interface FailureActionReport {
  action: FailureAction;
  /** Failures of the group in the range when the action started, and how many it changed. */
  files: number;
  files_done: number;
  total: number;
  done: number;
  skipped: number;
  /** One per batch the group touches: done, or skipped with a reason (`forbidden` for a member on someone else's batch). */
  results: (BulkResult & { files: number })[];
}

/**
 * POST /api/failures/retry | dismiss: the group's open failures, batch by batch under the batch
 * access rule, in the same short chunked transactions as bulk actions (features/batches/bulk.ts).
 */
export async function actOnFailureGroup(ctx: AppContext, input: FailureGroupInput, action: FailureAction, actor: Actor): Promise<FailureActionReport> {
  const jobs = selectGroupJobs(ctx.db.$client, toFilter(input), { code: input.error_code, message: input.error_message }, MAX_GROUP_JOBS + 1);
  if (jobs.length > MAX_GROUP_JOBS) {
    throw new AppError("payload_too_large", `The group has more than ${MAX_GROUP_JOBS} failures; narrow the time range.`, { details: { max_failures: MAX_GROUP_JOBS } });
  }
  const byBatch = new Map<string, string[]>();
  for (const job of jobs) byBatch.set(job.batch_id, [...(byBatch.get(job.batch_id) ?? []), job.id]);
  const refs = findBatchRefs(ctx.db.$client, [...byBatch.keys()]);
  const op = action === "retry" ? retryFailedJobsOf : dismissFailures;

  const chunked = await inChunks(ctx, refs, (ref) => attempt(ctx, actor, ref, (c, id) => void op(c, id, byBatch.get(id)!)));
  const results = chunked.results.map((result) => ({ ...result, files: byBatch.get(result.id)!.length }));
  const done = results.filter((r) => r.outcome === "done");
  return {
    action,
    files: jobs.length,
    files_done: done.reduce((sum, r) => sum + r.files, 0),
    total: results.length,
    done: done.length,
    skipped: results.length - done.length,
    results,
  };
}
