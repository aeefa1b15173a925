/**
 * The downloads feature's SQL: one snapshot of a batch for its ZIP; see docs/ARCHITECTURE.md for
 * the data-access rule.
 */
import type { AppDb } from "@/db/client";
import { statement } from "@/db/statements";

/** One job of the batch as the archive and its manifest need it. */
export interface JobLine {
  id: string;
  status: string;
  output_key: string | null;
  output_name: string | null;
  output_size: number | null;
  output_width: number | null;
  output_height: number | null;
  error_message: string | null;
  completed_at: number | null;
  original_name: string;
  safe_name: string;
  /** The file's place in a dropped folder (`shoot/day1/a.png`); null without one. */
  relative_path: string | null;
  input_size: number;
  pipeline_id: string;
  pipeline_name: string;
  pipeline_slug: string;
}

export interface BatchSnapshot {
  baseName: string;
  jobs: JobLine[];
}

/**
 * The batch's directory name and every job, in archive order, read in one (deferred) transaction
 * so both come from the same committed state; undefined when there is no such batch. Everything is
 * read into memory: no statement stays open while the client downloads.
 */
export function readBatchSnapshot(db: AppDb, batchId: string): BatchSnapshot | undefined {
  const sqlite = db.$client;
  return sqlite
    .transaction(() => {
      const batch = statement(sqlite, "SELECT base_directory_name AS name FROM batches WHERE id = ?").get(batchId) as
        | { name: string }
        | undefined;
      if (!batch) return undefined;
      const jobs = statement(
        sqlite,
        `SELECT j.id, j.status, j.output_key, j.output_name, j.output_size, j.output_width, j.output_height,
                j.error_message, j.completed_at, f.original_name, f.safe_name, f.relative_path, f.size AS input_size,
                j.pipeline_id, p.name AS pipeline_name, p.slug AS pipeline_slug
           FROM jobs j JOIN files f ON f.id = j.file_id JOIN pipelines p ON p.id = j.pipeline_id
          WHERE j.batch_id = ?
          ORDER BY p.name, p.id, coalesce(f.relative_path, f.safe_name), f.id`,
      ).all(batchId) as JobLine[];
      return { baseName: batch.name, jobs };
    })
    .deferred();
}
