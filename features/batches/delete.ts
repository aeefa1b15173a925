import fs from "node:fs";
import path from "node:path";
import type { AppContext } from "@/features/shared/context";
import { appEvents } from "@/features/shared/events";
import { resolveKey } from "@/features/shared/paths";
import { deleteBatchRows, type RemovedBatchRows } from "./queries";

export interface DeletedBatch {
  batchId: string;
  freedBytes: number;
}

/**
 * Removes a batch's rows (files, jobs and attempts cascade) in one transaction, then its outputs,
 * thumbnails and any input no other batch still references. Files go after the commit: a crash in
 * between leaves only unreferenced files, which the next cleanup removes, never a row without its file.
 * The caller makes sure no job of the batch is running (cancel first).
 */
export function deleteBatchWithFiles(ctx: AppContext, batchId: string): DeletedBatch | undefined {
  const removed = deleteBatchRows(ctx.db.$client, batchId);
  if (!removed) return undefined;
  return removeBatchFiles(ctx, batchId, removed);
}

/**
 * The files of batch rows already deleted (and committed): outputs, thumbnails and inputs no other
 * batch references. Bulk deletes remove a chunk of rows in one transaction, then call this per batch.
 */
export function removeBatchFiles(ctx: AppContext, batchId: string, removed: RemovedBatchRows): DeletedBatch {
  let freedBytes = removed.outputBytes;
  fs.rmSync(path.join(ctx.paths.outputs, batchId), { recursive: true, force: true });
  for (const f of removed.files) fs.rmSync(path.join(ctx.paths.thumbs, `${f.id}.webp`), { force: true });
  for (const [key, size] of removed.orphanInputs) {
    try {
      fs.rmSync(resolveKey(ctx.paths, key), { force: true });
      freedBytes += size;
    } catch (error) {
      ctx.log.warn({ err: error, key }, "could not remove input file");
    }
  }
  ctx.log.info({ batchId, freedBytes }, "batch deleted");
  appEvents().emit("batch:deleted", { batchId });
  return { batchId, freedBytes };
}
