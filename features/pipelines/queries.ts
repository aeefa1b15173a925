/** Every SQL statement of the pipelines feature; see docs/ARCHITECTURE.md for the data-access rule. */
import { randomUUID } from "node:crypto";
import type { AppDb } from "@/db/client";
import type { FileRow, JobRow, PipelineRow } from "@/db/schema";
import { statement } from "@/db/statements";
import { metadataPolicy } from "./metadata";
import { pipelineSpecSchema, slugify, type PipelineSpec, type PipelineSpecInput } from "./schemas";

export interface Pipeline extends PipelineSpec {
  id: string;
  /** The stable integer alias of `id` (1, 2, 3…). */
  number: number;
  slug: string;
  is_default: boolean;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A live pipeline as a batch names it. */
export interface BatchPipeline {
  id: string;
  name: string;
}

export function toPipeline(row: PipelineRow): Pipeline {
  const spec = pipelineSpecSchema.parse(JSON.parse(row.spec));
  return {
    id: row.id,
    number: row.number,
    ...spec,
    metadata: metadataPolicy(spec),
    name: row.name,
    slug: row.slug,
    is_default: row.isDefault,
    archived_at: row.archivedAt ? new Date(row.archivedAt).toISOString() : null,
    created_at: new Date(row.createdAt).toISOString(),
    updated_at: new Date(row.updatedAt).toISOString(),
  };
}

const ROW_COLUMNS = `id, name, slug, number, spec, is_default AS isDefault, archived_at AS archivedAt,
  created_at AS createdAt, updated_at AS updatedAt`;

type StoredRow = Omit<PipelineRow, "isDefault"> & { isDefault: number };

const fromStored = (row: StoredRow): PipelineRow => ({ ...row, isDefault: row.isDefault === 1 });

/** Live pipelines (every one with `includeArchived`), oldest first. */
export function selectPipelines(db: AppDb, { includeArchived = false } = {}): Pipeline[] {
  const rows = statement(
    db.$client,
    `SELECT ${ROW_COLUMNS} FROM pipelines WHERE (? OR archived_at IS NULL) ORDER BY created_at, name`,
  ).all(includeArchived ? 1 : 0) as StoredRow[];
  return rows.map((row) => toPipeline(fromStored(row)));
}

export function findPipelineRow(db: AppDb, id: string): PipelineRow | undefined {
  const row = statement(db.$client, `SELECT ${ROW_COLUMNS} FROM pipelines WHERE id = ?`).get(id) as StoredRow | undefined;
  return row && fromStored(row);
}

/**
 * The pipeline a batch runs when none is chosen, and the one kept as the default: the live
 * default, else the oldest live pipeline. Undefined when no live pipeline exists.
 */
export function findDefaultPipeline(db: AppDb): (BatchPipeline & { isDefault: boolean }) | undefined {
  const row = statement(
    db.$client,
    `SELECT id, name, is_default AS isDefault FROM pipelines WHERE archived_at IS NULL
      ORDER BY is_default DESC, created_at, name LIMIT 1`,
  ).get() as (BatchPipeline & { isDefault: number }) | undefined;
  return row && { ...row, isDefault: row.isDefault === 1 };
}

/**
 * The id a client's pipeline reference stands for: a number (`3`, the seeds' integer pipeline_id)
 * is looked up; anything else is taken as the id itself. UUIDs are never all digits.
 */
export function pipelineIdFor(db: AppDb, ref: string): string {
  if (!/^\d{1,15}$/.test(ref)) return ref;
  const row = statement(db.$client, "SELECT id FROM pipelines WHERE number = ?").get(Number(ref)) as { id: string } | undefined;
  return row?.id ?? ref;
}

export function findLivePipeline(db: AppDb, id: string): BatchPipeline | undefined {
  return statement(db.$client, "SELECT id, name FROM pipelines WHERE id = ? AND archived_at IS NULL").get(id) as
    | BatchPipeline
    | undefined;
}

/** A live pipeline other than `exceptId` with this name, compared without case. */
export function findLiveNameClash(db: AppDb, name: string, exceptId?: string): string | undefined {
  const row = statement(
    db.$client,
    "SELECT id FROM pipelines WHERE archived_at IS NULL AND lower(name) = lower(?) AND id IS NOT ?",
  ).get(name, exceptId ?? null) as { id: string } | undefined;
  return row?.id;
}

/** A slug not yet taken, derived from the name (`web-jpeg`, `web-jpeg-2`, ...). */
export function uniqueSlug(db: AppDb, name: string, exceptId?: string): string {
  const base = slugify(name);
  const bySlug = statement(db.$client, "SELECT id FROM pipelines WHERE slug = ?");
  for (let n = 1; ; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    const taken = bySlug.get(slug) as { id: string } | undefined;
    if (!taken || taken.id === exceptId) return slug;
  }
}

/**
 * The next pipeline number from the `sequences` counter, so a deleted pipeline's number is never
 * handed out again. Runs inside the caller's transaction (every insert does).
 */
function nextPipelineNumber(db: AppDb): number {
  const row = statement(
    db.$client,
    `INSERT INTO sequences (name, value) VALUES ('pipeline_number', 1)
     ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`,
  ).get() as { value: number };
  return row.value;
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
    number: nextPipelineNumber(db),
    spec: JSON.stringify(spec),
    isDefault: options.isDefault ?? false,
    archivedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  statement(
    db.$client,
    `INSERT INTO pipelines (id, name, slug, number, spec, is_default, archived_at, created_at, updated_at)
     VALUES (@id, @name, @slug, @number, @spec, @isDefault, @archivedAt, @createdAt, @updatedAt)`,
  ).run({ ...row, isDefault: row.isDefault ? 1 : 0 });
  return row;
}

export function updatePipelineRow(db: AppDb, id: string, fields: { name: string; slug: string; spec: string }, now: number): void {
  statement(db.$client, "UPDATE pipelines SET name = ?, slug = ?, spec = ?, updated_at = ? WHERE id = ?").run(
    fields.name,
    fields.slug,
    fields.spec,
    now,
    id,
  );
}

/** Makes `id` the one default: clears the flag of the current default in the same statement. */
export function setDefaultPipeline(db: AppDb, id: string, now: number): void {
  statement(db.$client, "UPDATE pipelines SET is_default = (id = ?), updated_at = ? WHERE is_default = 1 OR id = ?").run(id, now, id);
}

export function isPipelineUsed(db: AppDb, id: string): boolean {
  return statement(db.$client, "SELECT 1 FROM jobs WHERE pipeline_id = ? LIMIT 1").get(id) !== undefined;
}

export function archivePipeline(db: AppDb, id: string, now: number): void {
  statement(
    db.$client,
    "UPDATE pipelines SET archived_at = coalesce(archived_at, ?), is_default = 0, updated_at = ? WHERE id = ?",
  ).run(now, now, id);
}

/** Back in the list and offered for uploads; the default is not changed by restoring. */
export function unarchivePipeline(db: AppDb, id: string, now: number): void {
  statement(db.$client, "UPDATE pipelines SET archived_at = NULL, updated_at = ? WHERE id = ?").run(now, id);
}

export function deletePipelineRow(db: AppDb, id: string): void {
  statement(db.$client, "DELETE FROM pipelines WHERE id = ?").run(id);
}

/** First start: create the default pipelines when the table is empty. The first one is the default. */
export function ensureDefaultPipelines(db: AppDb, defaults: PipelineSpecInput[], now: number): number {
  return db.$client
    .transaction(() => {
      const { n } = statement(db.$client, "SELECT count(*) AS n FROM pipelines").get() as { n: number };
      if (n > 0) return 0;
      defaults.forEach((spec, i) => insertPipeline(db, spec, now + i, { isDefault: i === 0 }));
      return defaults.length;
    })
    .immediate();
}

const FILE_COLUMNS = `id, batch_id AS batchId, original_name AS originalName, safe_name AS safeName,
  relative_path AS relativePath, mime, size, sha256, storage_key AS storageKey, width, height, created_at AS createdAt`;

/** An uploaded input file, the processor's and the thumbnail's source. */
export function findFileRow(db: AppDb, id: string): FileRow | undefined {
  return statement(db.$client, `SELECT ${FILE_COLUMNS} FROM files WHERE id = ?`).get(id) as FileRow | undefined;
}

export type JobOutput = Pick<JobRow, "status" | "outputKey" | "outputName">;

export function findJobOutput(db: AppDb, jobId: string): JobOutput | undefined {
  return statement(db.$client, "SELECT status, output_key AS outputKey, output_name AS outputName FROM jobs WHERE id = ?").get(
    jobId,
  ) as JobOutput | undefined;
}

/** What output names are made from: the batch's naming and its files in upload order. */
export interface NamingInputs {
  batch: { prefix: string; baseName: string; date: string };
  /** Every file of the batch in upload order (its `{index}`); `runs` when this pipeline processes it. */
  files: (Pick<FileRow, "id" | "safeName" | "mime" | "relativePath"> & { runs: boolean })[];
}

export function selectNamingInputs(db: AppDb, batchId: string, pipelineId: string): NamingInputs | undefined {
  const batch = statement(
    db.$client,
    "SELECT customer_prefix AS prefix, base_directory_name AS baseName, batch_date AS date FROM batches WHERE id = ?",
  ).get(batchId) as NamingInputs["batch"] | undefined;
  if (!batch) return undefined;
  const rows = statement(
    db.$client,
    `SELECT f.id, f.safe_name AS safeName, f.mime, f.relative_path AS relativePath,
            EXISTS (SELECT 1 FROM jobs j WHERE j.file_id = f.id AND j.pipeline_id = ?) AS runs
       FROM files f WHERE f.batch_id = ? ORDER BY f.rowid`,
  ).all(pipelineId, batchId) as (Pick<FileRow, "id" | "safeName" | "mime" | "relativePath"> & { runs: number })[];
  return { batch, files: rows.map((r) => ({ ...r, runs: r.runs === 1 })) };
}

export interface CompletedOutput {
  key: string;
  width: number;
  height: number;
  /** The stored spec of the pipeline that wrote it. */
  spec: string;
}

/** Completed outputs of one input file, smallest first. */
export function selectCompletedOutputs(db: AppDb, fileId: string): CompletedOutput[] {
  return statement(
    db.$client,
    `SELECT j.output_key AS key, j.output_width AS width, j.output_height AS height, p.spec
       FROM jobs j JOIN pipelines p ON p.id = j.pipeline_id
      WHERE j.file_id = ? AND j.status = 'completed' AND j.output_key IS NOT NULL
      ORDER BY j.output_width * j.output_height`,
  ).all(fileId) as CompletedOutput[];
}
