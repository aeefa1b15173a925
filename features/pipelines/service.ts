import type Database from "better-sqlite3";
import { eq } from "drizzle-orm";
import type { AppDb } from "@/db/client";
import { pipelines, type PipelineRow } from "@/db/schema";
import type { AppContext } from "@/features/shared/context";
import { AppError, notFound } from "@/features/shared/errors";
import { parseWith } from "@/features/shared/http";
import { findPipelineRow, insertPipeline, toPipeline, uniqueSlug, type Pipeline } from "./queries";
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

/** Drizzle and raw statements share the one connection, so both run inside this transaction. */
function immediate<T>(db: AppDb, fn: (tx: AppDb) => T): T {
  return db.$client.transaction(() => fn(db)).immediate();
}

function sqliteOf(db: AppDb): Database.Database {
  return db.$client;
}

function specOf(row: PipelineRow): PipelineSpec {
  return pipelineSpecSchema.parse(JSON.parse(row.spec));
}

function assertNameFree(db: AppDb, name: string, exceptId?: string): void {
  const clash = sqliteOf(db)
    .prepare("SELECT id FROM pipelines WHERE archived_at IS NULL AND lower(name) = lower(?) AND id IS NOT ?")
    .get(name, exceptId ?? null);
  if (clash) {
    throw new AppError("duplicate_name", `A pipeline named "${name}" already exists.`, {
      details: { field: "name", fields: [{ field: "name", message: "a pipeline with this name already exists" }] },
    });
  }
}

function makeDefault(db: AppDb, id: string, now: number): void {
  sqliteOf(db).prepare("UPDATE pipelines SET is_default = (id = ?), updated_at = ? WHERE is_default = 1 OR id = ?").run(id, now, id);
}

/** Keeps "exactly one default among live pipelines": promotes the oldest live one if none is default. */
function repairDefault(db: AppDb, now: number): void {
  const sqlite = sqliteOf(db);
  const hasDefault = sqlite.prepare("SELECT 1 FROM pipelines WHERE is_default = 1 AND archived_at IS NULL").get();
  if (hasDefault) return;
  const oldest = sqlite
    .prepare("SELECT id FROM pipelines WHERE archived_at IS NULL ORDER BY created_at, name LIMIT 1")
    .get() as { id: string } | undefined;
  if (oldest) makeDefault(db, oldest.id, now);
}

function requireRow(db: AppDb, id: string): PipelineRow {
  const row = findPipelineRow(db, id);
  if (!row) throw notFound("pipeline", id);
  return row;
}

export function getPipeline(ctx: AppContext, id: string): Pipeline {
  return toPipeline(requireRow(ctx.db, id));
}

export function createPipeline(ctx: AppContext, input: CreatePipelineInput): Pipeline {
  const now = ctx.clock.now();
  const { is_default, ...spec } = input;
  const row = immediate(ctx.db, (tx) => {
    assertNameFree(tx, spec.name);
    const inserted = insertPipeline(tx, spec, now);
    if (is_default) makeDefault(tx, inserted.id, now);
    repairDefault(tx, now);
    return requireRow(tx, inserted.id);
  });
  ctx.log.info({ pipelineId: row.id, name: row.name }, "pipeline created");
  return toPipeline(row);
}

export function updatePipeline(ctx: AppContext, id: string, patch: UpdatePipelineInput): Pipeline {
  const now = ctx.clock.now();
  const { is_default, ...fields } = patch;
  const row = immediate(ctx.db, (tx) => {
    const current = requireRow(tx, id);
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
    if (spec.name.toLowerCase() !== current.name.toLowerCase()) assertNameFree(tx, spec.name, id);
    tx.update(pipelines)
      .set({
        name: spec.name,
        slug: spec.name === current.name ? current.slug : uniqueSlug(tx, spec.name, id),
        spec: JSON.stringify(spec),
        updatedAt: now,
      })
      .where(eq(pipelines.id, id))
      .run();
    if (is_default) makeDefault(tx, id, now);
    return requireRow(tx, id);
  });
  ctx.log.info({ pipelineId: id }, "pipeline updated");
  return toPipeline(row);
}

export type DeleteOutcome = { outcome: "deleted"; id: string } | { outcome: "archived"; pipeline: Pipeline };

/** Archives a pipeline any job references (old batches keep working); removes an unused one. */
export function deletePipeline(ctx: AppContext, id: string): DeleteOutcome {
  const now = ctx.clock.now();
  const result = immediate(ctx.db, (tx): DeleteOutcome => {
    const current = requireRow(tx, id);
    const sqlite = sqliteOf(tx);
    const used = sqlite.prepare("SELECT 1 FROM jobs WHERE pipeline_id = ? LIMIT 1").get(id);
    if (used) {
      sqlite
        .prepare("UPDATE pipelines SET archived_at = coalesce(archived_at, ?), is_default = 0, updated_at = ? WHERE id = ?")
        .run(now, now, id);
    } else {
      sqlite.prepare("DELETE FROM pipelines WHERE id = ?").run(id);
    }
    if (current.isDefault) repairDefault(tx, now);
    return used ? { outcome: "archived", pipeline: toPipeline(requireRow(tx, id)) } : { outcome: "deleted", id };
  });
  ctx.log.info({ pipelineId: id, outcome: result.outcome }, "pipeline removed");
  return result;
}
