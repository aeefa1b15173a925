import type { AppContext } from "@/features/shared/context";
import { AppError } from "@/features/shared/errors";

export interface BatchPipeline {
  id: string;
  name: string;
}

/**
 * The live pipelines a batch runs: the chosen ids (duplicates dropped, order kept), or the default
 * pipeline when none is chosen. An unknown or archived id is refused with 400 unknown_pipeline.
 * Synchronous, so the upload's transaction re-runs it under the write lock.
 */
export function resolvePipelines(ctx: Pick<AppContext, "db">, ids: readonly string[]): BatchPipeline[] {
  const sqlite = ctx.db.$client;
  if (ids.length === 0) {
    const fallback = sqlite
      .prepare("SELECT id, name FROM pipelines WHERE archived_at IS NULL ORDER BY is_default DESC, created_at, name LIMIT 1")
      .get() as BatchPipeline | undefined;
    if (!fallback) throw new AppError("unknown_pipeline", "There is no pipeline to run; create one on the Pipelines page first.");
    return [fallback];
  }
  const find = sqlite.prepare("SELECT id, name FROM pipelines WHERE id = ? AND archived_at IS NULL");
  const unique = [...new Set(ids)];
  const found = unique.map((id) => find.get(id) as BatchPipeline | undefined);
  const missing = unique.filter((_, i) => !found[i]);
  if (missing.length > 0) {
    throw new AppError("unknown_pipeline", `Unknown or archived pipeline: ${missing.join(", ")}.`, {
      details: { pipeline_ids: missing },
    });
  }
  return found as BatchPipeline[];
}
