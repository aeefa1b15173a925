import type { AppContext } from "@/features/shared/context";
import { runningJobIds } from "@/features/queue/batch-actions";
import type { Actor } from "./access";
import { attempt, chunksOf, timedWrite, yieldToEventLoop, type BatchRef, type BulkResult } from "./bulk-chunks";
import { cancelBatch } from "./controls";
import { removeBatchFiles } from "./delete";
import { deleteBatchRows, findBatchState, type RemovedBatchRows } from "./queries";

const ACTIVE = new Set(["pending", "processing", "paused"]);
/** Deleting a batch removes its files, jobs and attempts and updates the search index: smaller chunks keep each transaction short. */
const DELETE_CHUNK = 50;
const ABORT_WAIT_MS = 10_000;

/**
 * Bulk delete, per chunk as DELETE /api/batches/:id does per batch: cancel what is active (one
 * transaction), wait (bounded) for its running jobs to stop in whichever process runs them, delete
 * the rows (a second transaction), and remove the files after that commit.
 */
export async function bulkDelete(ctx: AppContext, targets: BatchRef[], actor: Actor) {
  const results: BulkResult[] = [];
  const lockMs: number[] = [];
  const sqlite = ctx.db.$client;
  for (const chunk of chunksOf(targets, DELETE_CHUNK)) {
    const cancelled = timedWrite(ctx, () => chunk.map((ref) => attempt(ctx, actor, ref, cancelIfActive)));
    lockMs.push(cancelled.ms);
    const allowed = chunk.filter((_, i) => cancelled.value[i]!.outcome === "done");
    await waitForRunsToStop(ctx, allowed);
    const deleted = timedWrite(ctx, () => allowed.map((ref) => ({ ref, removed: deleteBatchRows(sqlite, ref.id) })));
    lockMs.push(deleted.ms);
    const removed = new Map<string, RemovedBatchRows | undefined>(deleted.value.map(({ ref, removed }) => [ref.id, removed]));
    for (const [i, ref] of chunk.entries()) {
      const result = cancelled.value[i]!;
      if (result.outcome === "done" && !removed.get(ref.id)) {
        results.push({ ...ref, outcome: "skipped", reason: "not_found", message: `No batch with id ${ref.id}.` });
        continue;
      }
      if (result.outcome === "done") removeBatchFiles(ctx, ref.id, removed.get(ref.id)!);
      results.push(result);
    }
    await yieldToEventLoop();
  }
  return { results, lockMs };
}

function cancelIfActive(ctx: AppContext, id: string): void {
  const state = findBatchState(ctx.db.$client, id);
  if (state && ACTIVE.has(state.status)) cancelBatch(ctx, id);
}

async function waitForRunsToStop(ctx: AppContext, refs: BatchRef[]): Promise<void> {
  const deadline = Date.now() + ABORT_WAIT_MS;
  const running = () => refs.some((ref) => runningJobIds(ctx.db.$client, ref.id).length > 0);
  while (running() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}
