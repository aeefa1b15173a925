import { randomUUID } from "node:crypto";
import { asc, count, eq, isNull } from "drizzle-orm";
import type { AppDb } from "@/db/client";
import { pipelines, type PipelineRow } from "@/db/schema";
import { pipelineSpecSchema, slugify, type PipelineSpec, type PipelineSpecInput } from "./schemas";

export interface Pipeline extends PipelineSpec {
  id: string;
  slug: string;
  is_default: boolean;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

export function toPipeline(row: PipelineRow): Pipeline {
  const spec = pipelineSpecSchema.parse(JSON.parse(row.spec));
  return {
    id: row.id,
    ...spec,
    name: row.name,
    slug: row.slug,
    is_default: row.isDefault,
    archived_at: row.archivedAt ? new Date(row.archivedAt).toISOString() : null,
    created_at: new Date(row.createdAt).toISOString(),
    updated_at: new Date(row.updatedAt).toISOString(),
  };
}

export function listPipelines(db: AppDb, { includeArchived = false } = {}): Pipeline[] {
  const rows = db
    .select()
    .from(pipelines)
    .where(includeArchived ? undefined : isNull(pipelines.archivedAt))
    .orderBy(asc(pipelines.createdAt), asc(pipelines.name))
    .all();
  return rows.map(toPipeline);
}

export function findPipelineRow(db: AppDb, id: string): PipelineRow | undefined {
  return db.select().from(pipelines).where(eq(pipelines.id, id)).get();
}

/** A slug not yet taken, derived from the name (`web-jpeg`, `web-jpeg-2`, ...). */
export function uniqueSlug(db: AppDb, name: string, exceptId?: string): string {
  const base = slugify(name);
  for (let n = 1; ; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    const taken = db.select({ id: pipelines.id }).from(pipelines).where(eq(pipelines.slug, slug)).get();
    if (!taken || taken.id === exceptId) return slug;
  }
}

export function insertPipeline(
  db: AppDb,
  input: PipelineSpecInput,
  now: number,
  options: { isDefault?: boolean } = {},
): PipelineRow {
  const spec = pipelineSpecSchema.parse(input);
  const row: PipelineRow = {
    id: randomUUID(),
    name: spec.name,
    slug: uniqueSlug(db, spec.name),
    spec: JSON.stringify(spec),
    isDefault: options.isDefault ?? false,
    archivedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  db.insert(pipelines).values(row).run();
  return row;
}

/** First start: create the default pipelines when the table is empty. The first one is the default. */
export function ensureDefaultPipelines(db: AppDb, defaults: PipelineSpecInput[], now: number): number {
  return db.transaction(
    (tx) => {
      const [{ n }] = tx.select({ n: count() }).from(pipelines).all() as [{ n: number }];
      if (n > 0) return 0;
      defaults.forEach((spec, i) => insertPipeline(tx as unknown as AppDb, spec, now + i, { isDefault: i === 0 }));
      return defaults.length;
    },
    { behavior: "immediate" },
  );
}
