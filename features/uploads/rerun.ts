import type { Principal } from "@/features/auth/scopes";
import { assertMayControlBatch } from "@/features/batches/access";
import { getBatchDetail, type BatchDetail } from "@/features/batches/detail";
import { resolveBatchPipelines } from "@/features/pipelines/service";
import type { AppContext } from "@/features/shared/context";
import { AppError, isAppError, notFound } from "@/features/shared/errors";
import { findRerunSource } from "./queries";
import type { RerunInput } from "./schemas";
import { createBatchFromStoredFiles } from "./stored";

/**
 * "Process again" (POST /api/batches/:id/rerun): a new batch from the batch's stored originals,
 * all of them or the chosen ones, through other pipelines, without sending anything again. It is
 * named by the usual rules under the original's customer prefix, belongs to whoever asked and
 * counts against their upload allowance; its description says where it came from. The batch's
 * owner and admins may re-run it (the same rule as every other batch control).
 */
export function rerunBatch(ctx: AppContext, batchId: string, input: RerunInput, principal: Principal): BatchDetail {
  assertMayControlBatch(ctx, principal, batchId);
  const source = findRerunSource(ctx.db, batchId);
  if (!source) throw notFound("batch", batchId);
  const fileIds = input.file_ids ? [...new Set(input.file_ids)] : source.fileIds;
  const foreign = fileIds.filter((id) => !source.fileIds.includes(id));
  if (foreign.length > 0) {
    throw new AppError("validation_failed", `Not a file of ${source.baseName}: ${foreign.join(", ")}.`, {
      details: { fields: [{ field: "file_ids", message: "not a file of this batch" }], unknown_file_ids: foreign },
    });
  }
  const pipelines = resolveBatchPipelines(ctx, input.pipeline_ids);
  const files = `${fileIds.length} file${fileIds.length === 1 ? "" : "s"}`;
  try {
    const { batchId: created } = createBatchFromStoredFiles(ctx, {
      fileIds,
      pipelineIds: pipelines.map((p) => p.id),
      owner: principal.userId,
      customerPrefix: source.prefix,
      priority: input.priority ?? source.priority,
      description: input.description ?? `Re-run of ${source.baseName} · ${files} · ${pipelines.map((p) => p.name).join(", ")}`,
    });
    ctx.log.info({ batchId: created, from: batchId, files: fileIds.length }, "batch processed again");
    return getBatchDetail(ctx, created);
  } catch (error) {
    if (isAppError(error) && error.code === "conflict") throw originalsGone(source.baseName, error);
    throw error;
  }
}

function originalsGone(baseName: string, cause: AppError): AppError {
  return new AppError(
    "conflict",
    `${baseName} cannot be processed again: its originals are no longer stored (retention cleaned them up). ${cause.message} Upload the files again instead.`,
    { details: { reason: "originals_gone", ...cause.details }, cause },
  );
}
