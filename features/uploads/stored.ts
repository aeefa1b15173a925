import fs from "node:fs";
import type { BatchRow } from "@/db/schema";
import { wakeQueue } from "@/features/queue/runtime";
import type { AppContext } from "@/features/shared/context";
import { AppError } from "@/features/shared/errors";
import { parseWith } from "@/features/shared/http";
import { resolveKey } from "@/features/shared/paths";
import { createBatchRows, type BatchInputFile } from "./commit";
import { findStoredFile, type StoredFile } from "./queries";
import { assertWithinRateLimit, uploadAllowance } from "./rate-limit";
import { uploadOptionsSchema } from "./schemas";

export interface StoredBatchInput {
  /** Files Batchyard already stores (files.id of any batch); duplicates count once, order kept. */
  fileIds: string[];
  /** Pipeline ids or numbers; none runs the default pipeline. */
  pipelineIds: string[];
  /** The user the batch belongs to; it counts against their upload allowance. */
  owner: string;
  description?: string;
  priority?: BatchRow["priority"];
  externalRef?: string;
  customerPrefix?: string;
}

/**
 * A new batch from originals already in inputs/, without sending them again: the same naming,
 * allowance, pipelines and job rows as an upload (createBatchRows), in one IMMEDIATE transaction
 * that first checks every file still exists, in the database and on disk. Batch deletion is
 * synchronous, so no input can disappear between that check and the commit.
 */
export function createBatchFromStoredFiles(ctx: AppContext, input: StoredBatchInput): { batchId: string } {
  const ids = [...new Set(input.fileIds)];
  if (ids.length === 0) throw new AppError("no_files", "Name at least one stored file to start a batch from.");
  const max = ctx.config.MAX_FILES_PER_BATCH;
  if (ids.length > max) {
    throw new AppError("too_many_files", `Too many files: at most ${max} per batch.`, { details: { max_files: max, files: ids.length } });
  }
  const options = parseWith(
    uploadOptionsSchema,
    {
      pipeline_id: input.pipelineIds,
      priority: input.priority,
      description: input.description,
      customer_prefix: input.customerPrefix,
      external_ref: input.externalRef,
    },
    "batch",
  );
  const allowance = uploadAllowance(ctx, input.owner);
  assertWithinRateLimit(ctx, allowance, ctx.clock.now()); // fail fast; re-checked inside the transaction
  const result = ctx.db.$client
    .transaction(() => createBatchRows(ctx, { options, files: storedInputs(ctx, ids), owner: input.owner, allowance }))
    .immediate();
  wakeQueue();
  ctx.log.info({ batchId: result.batchId, files: ids.length, owner: input.owner }, "batch created from stored files");
  return { batchId: result.batchId };
}

/** The stored files, in order; refuses ids that are unknown (400) or whose original is gone (409). */
function storedInputs(ctx: AppContext, ids: string[]): BatchInputFile[] {
  const found = ids.map((id) => findStoredFile(ctx.db, id));
  const unknown = ids.filter((_, i) => !found[i]);
  if (unknown.length > 0) {
    throw new AppError("validation_failed", `No stored file with id ${unknown.join(", ")}.`, {
      details: { fields: [{ field: "file_ids", message: "not a stored file's id" }], unknown_file_ids: unknown },
    });
  }
  const files = found as StoredFile[];
  const arriving = files.filter((file) => file.receiving);
  if (arriving.length > 0) {
    throw new AppError("upload_in_progress", "Some of these files belong to an upload that is still arriving; process them again once it has finished.", {
      details: { receiving_file_ids: arriving.map((f) => f.id) },
    });
  }
  const gone = files.filter((file) => !fs.existsSync(resolveKey(ctx.paths, file.storageKey)));
  if (gone.length > 0) {
    throw new AppError("conflict", `The original of ${gone.map((f) => f.originalName).join(", ")} is no longer stored.`, {
      details: { missing_file_ids: gone.map((f) => f.id) },
    });
  }
  // The folder a file was dropped in comes along, so a batch made again keeps its tree.
  const folderOf = (path: string | null) => (path && path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "");
  return files.map(({ originalName, relativePath, mime, size, sha256, width, height }) => ({
    originalName, folder: folderOf(relativePath), mime, size, sha256, width, height,
  }));
}
