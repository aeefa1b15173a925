import { isAdmin, type Principal } from "@/features/auth/scopes";
import type { AppContext } from "@/features/shared/context";
import { AppError, notFound } from "@/features/shared/errors";
import { findBatchOwner, findJobState } from "./queries";

/** Who acts: a signed-in principal, or the server itself (maintenance, operator commands, tests). */
export type Actor = Principal | "system";
export const SYSTEM: Actor = "system";

/**
 * Who may act on a batch: everyone signed in sees every batch; pausing, resuming, cancelling,
 * retrying, editing and deleting are for its owner and for admins. Batches from before accounts
 * existed have no owner and are the admins' alone.
 */
export function assertMayControlBatch(ctx: AppContext, principal: Actor, batchId: string): void {
  const row = findBatchOwner(ctx.db.$client, batchId);
  if (!row) throw notFound("batch", batchId);
  if (principal === "system" || isAdmin(principal) || (row.owner !== null && row.owner === principal.userId)) return;
  throw new AppError("forbidden", "Only the person who uploaded this batch, or an admin, can change it.", {
    details: { batch_id: batchId },
  });
}

/** The same rule for a single job, through its batch. */
export function assertMayControlJob(ctx: AppContext, principal: Actor, jobId: string): void {
  const job = findJobState(ctx.db.$client, jobId);
  if (!job) throw notFound("job", jobId);
  assertMayControlBatch(ctx, principal, job.batchId);
}
