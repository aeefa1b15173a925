import type { AppDb } from "@/db/client";
import type { PipelineRow } from "@/db/schema";
import type { AppContext } from "@/features/shared/context";
import { AppError, notFound } from "@/features/shared/errors";
import { parseWith } from "@/features/shared/http";
import { assertLiveAsset } from "@/features/assets/service";
import { assertSpecOutputPixels } from "./output-size";
import {
  archivePipeline,
  deletePipelineRow,
  findDefaultPipeline,
  findLiveNameClash,
  findLivePipeline,
  findPipelineRow,
  insertPipeline,
  isPipelineUsed,
  pipelineIdFor,
  selectPipelines,
  setDefaultPipeline,
  toPipeline,
  unarchivePipeline,
  uniqueSlug,
  updatePipelineRow,
  type BatchPipeline,
  type Pipeline,
} from "./queries";
import {
  pipelineSpecSchema,
  type CreatePipelineInput,
  type PipelineSpec,
  type UpdatePipelineInput,
} from "./schemas";

/**
 * Pipeline rules: names unique among live (non-archived) pipelines, exactly one default while any
 * live pipeline exists, and a pipeline some job used is archived on delete, never removed, so old
 * batches keep their names, slugs and downloads. Every rule runs inside one IMMEDIATE transaction.
 */

function immediate<T>(db: AppDb, fn: () => T): T {
  return db.$client.transaction(fn).immediate();
}

function specOf(row: PipelineRow): PipelineSpec {
  return pipelineSpecSchema.parse(JSON.parse(row.spec));
}

function assertNameFree(db: AppDb, name: string, exceptId?: string): void {
  if (findLiveNameClash(db, name, exceptId)) {
    throw new AppError("duplicate_name", `A pipeline named "${name}" already exists.`, {
      details: { field: "name", fields: [{ field: "name", message: "a pipeline with this name already exists" }] },
    });
  }
}

/** Keeps "exactly one default among live pipelines": promotes the oldest live one if none is default. */
function repairDefault(db: AppDb, now: number): void {
  const chosen = findDefaultPipeline(db);
  if (chosen && !chosen.isDefault) setDefaultPipeline(db, chosen.id, now);
}

function requireRow(db: AppDb, id: string): PipelineRow {
  const row = findPipelineRow(db, id);
  if (!row) throw notFound("pipeline", id);
  return row;
}

/** GET /api/pipelines: live pipelines, oldest first (every one with `includeArchived`). */
export function listPipelines(ctx: AppContext, options: { includeArchived?: boolean } = {}): Pipeline[] {
  return selectPipelines(ctx.db, options);
}

/** `ref` is a pipeline's id or its number, here and in every function that names a pipeline. */
export function getPipeline(ctx: AppContext, ref: string): Pipeline {
  return toPipeline(requireRow(ctx.db, pipelineIdFor(ctx.db, ref)));
}

export function createPipeline(ctx: AppContext, input: CreatePipelineInput): Pipeline {
  const { db } = ctx;
  const now = ctx.clock.now();
  const { is_default, ...spec } = input;
  assertSpecOutputPixels(spec, ctx.config.MAX_OUTPUT_PIXELS);
  if (spec.watermark) assertLiveAsset(ctx, spec.watermark.asset_id);
  const row = immediate(db, () => {
    assertNameFree(db, spec.name);
    const inserted = insertPipeline(db, spec, now);
    if (is_default) setDefaultPipeline(db, inserted.id, now);
    repairDefault(db, now);
    return requireRow(db, inserted.id);
  });
  ctx.log.info({ pipelineId: row.id, name: row.name }, "pipeline created");
  return toPipeline(row);
}

export function updatePipeline(ctx: AppContext, ref: string, patch: UpdatePipelineInput): Pipeline {
  const { db } = ctx;
  const id = pipelineIdFor(db, ref);
  const now = ctx.clock.now();
  const { is_default, ...fields } = patch;
  const row = immediate(db, () => {
    const current = requireRow(db, id);
    if (current.archivedAt) {
      throw new AppError("conflict", "This pipeline is archived; create a new one instead of editing it.");
    }
    if (is_default === false && current.isDefault) {
      throw new AppError("conflict", "A default pipeline is required: make another pipeline the default instead.", {
        details: { field: "is_default" },
      });
    }
    // Merge, then validate the whole spec again so the stored spec is always complete and valid.
    const spec = parseWith(pipelineSpecSchema, { ...specOf(current), ...fields }, "pipeline");
    assertSpecOutputPixels(spec, ctx.config.MAX_OUTPUT_PIXELS);
    // A watermark it already had may since be archived; a newly chosen one must be live.
    const before = specOf(current).watermark?.asset_id;
    if (spec.watermark && spec.watermark.asset_id !== before) assertLiveAsset(ctx, spec.watermark.asset_id);
    if (spec.name.toLowerCase() !== current.name.toLowerCase()) assertNameFree(db, spec.name, id);
    const slug = spec.name === current.name ? current.slug : uniqueSlug(db, spec.name, id);
    updatePipelineRow(db, id, { name: spec.name, slug, spec: JSON.stringify(spec) }, now);
    if (is_default) setDefaultPipeline(db, id, now);
    return requireRow(db, id);
  });
  ctx.log.info({ pipelineId: id }, "pipeline updated");
  return toPipeline(row);
}

export type DeleteOutcome = { outcome: "deleted"; id: string } | { outcome: "archived"; pipeline: Pipeline };

/**
 * Archives a pipeline any job references (old batches keep working); removes an unused one. With
 * `newDefault` that live pipeline becomes the default in the same transaction (the pages ask which
 * one when the default goes); without it a deleted default passes to the oldest live pipeline.
 */
export function deletePipeline(ctx: AppContext, ref: string, options: { newDefault?: string } = {}): DeleteOutcome {
  const { db } = ctx;
  const id = pipelineIdFor(db, ref);
  const now = ctx.clock.now();
  const result = immediate(db, (): DeleteOutcome => {
    const current = requireRow(db, id);
    if (options.newDefault !== undefined) setNewDefault(db, id, options.newDefault, now);
    const used = isPipelineUsed(db, id);
    if (used) archivePipeline(db, id, now);
    else deletePipelineRow(db, id);
    if (current.isDefault) repairDefault(db, now);
    return used ? { outcome: "archived", pipeline: toPipeline(requireRow(db, id)) } : { outcome: "deleted", id };
  });
  ctx.log.info({ pipelineId: id, outcome: result.outcome }, "pipeline removed");
  return result;
}

function setNewDefault(db: AppDb, leavingId: string, ref: string, now: number): void {
  const nextId = pipelineIdFor(db, ref);
  if (nextId === leavingId || !findLivePipeline(db, nextId)) {
    throw new AppError("unknown_pipeline", `The new default must be another live pipeline; ${ref} is not one.`, {
      details: { field: "new_default" },
    });
  }
  setDefaultPipeline(db, nextId, now);
}

/**
 * Brings an archived pipeline back: listed and offered for uploads again, not the default (unless
 * no other live pipeline exists). Refused while a live pipeline has its name. Restoring a live one
 * changes nothing.
 */
export function restorePipeline(ctx: AppContext, ref: string): Pipeline {
  const { db } = ctx;
  const id = pipelineIdFor(db, ref);
  const now = ctx.clock.now();
  const row = immediate(db, () => {
    const current = requireRow(db, id);
    if (!current.archivedAt) return current;
    assertNameFree(db, current.name, id);
    unarchivePipeline(db, id, now);
    repairDefault(db, now);
    return requireRow(db, id);
  });
  ctx.log.info({ pipelineId: id }, "pipeline restored");
  return toPipeline(row);
}

/**
 * The live pipelines a batch runs: the chosen ids or numbers (duplicates dropped, order kept), or
 * the default pipeline when none is chosen. An unknown or archived one is refused with 400
 * unknown_pipeline. Synchronous, so the upload's transaction re-runs it under the write lock.
 */
export function resolveBatchPipelines(ctx: AppContext, refs: readonly string[]): BatchPipeline[] {
  if (refs.length === 0) {
    const fallback = findDefaultPipeline(ctx.db);
    if (!fallback) throw new AppError("unknown_pipeline", "There is no pipeline to run; create one on the Pipelines page first.");
    return [{ id: fallback.id, name: fallback.name }];
  }
  const unique = [...new Set(refs.map((ref) => pipelineIdFor(ctx.db, ref)))];
  const found = unique.map((id) => findLivePipeline(ctx.db, id));
  const missing = unique.filter((_, i) => !found[i]);
  if (missing.length > 0) {
    throw new AppError("unknown_pipeline", `Unknown or archived pipeline: ${missing.join(", ")}.`, {
      details: { pipeline_ids: missing },
    });
  }
  return found as BatchPipeline[];
}
