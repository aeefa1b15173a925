import type Database from "better-sqlite3";

/**
 * The SQL of the synthetic-data loader (`npm run seed`, the scale benchmarks' set-up). It writes
 * whole rows of every table at once, below the features, so it lives with the schema.
 */

/** `INSERT INTO <table> (<columns>) VALUES (@<column>…)` for rows of one shape. */
export function insertRowsStatement(sqlite: Database.Database, table: string, columns: string[]): Database.Statement {
  return sqlite.prepare(`INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`);
}

export function livePipelineRows(sqlite: Database.Database): { id: string; name: string; spec: string }[] {
  return sqlite.prepare("SELECT id, name, spec FROM pipelines WHERE archived_at IS NULL ORDER BY created_at, name").all() as {
    id: string;
    name: string;
    spec: string;
  }[];
}

export function lastBatchRowid(sqlite: Database.Database): number {
  return (sqlite.prepare("SELECT coalesce(max(rowid), 0) AS n FROM batches").get() as { n: number }).n;
}

/** The highest batch counter per `<prefix>|<date>`, so new names continue after existing ones. */
export function batchCounters(sqlite: Database.Database): Map<string, number> {
  const rows = sqlite
    .prepare("SELECT customer_prefix || '|' || batch_date AS key, max(batch_counter) AS n FROM batches GROUP BY customer_prefix, batch_date")
    .all() as { key: string; n: number }[];
  return new Map(rows.map((row) => [row.key, row.n]));
}

/**
 * Writes the search document of every batch after `afterRowid` with exactly the text the search
 * triggers of migration 0002 leave: the name, the description and " <file> <file>…" in upload order.
 */
export function indexBatchesForSearch(sqlite: Database.Database, afterRowid: number): void {
  sqlite
    .prepare(
      `INSERT INTO batch_search(rowid, name, description, file_names)
       SELECT b.rowid, b.base_directory_name, b.description,
              coalesce((SELECT ' ' || group_concat(f.original_name, ' ' ORDER BY f.rowid) FROM files f WHERE f.batch_id = b.id), '')
       FROM batches b WHERE b.rowid > ?`,
    )
    .run(afterRowid);
}

/** Fresh statistics let the planner choose between a filter's index and the sort's index. */
export const analyze = (sqlite: Database.Database): void => void sqlite.exec("ANALYZE");
