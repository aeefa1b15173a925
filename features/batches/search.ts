import type Database from "better-sqlite3";

/**
 * `q` as an FTS5 query. Each space-separated word becomes a phrase of its parts in order, the last
 * part matching as a prefix: `PL_DXB_2025-11-05_batch-1` finds that batch (and batch-1x), `dxb front`
 * finds batches with both words anywhere in the name, description or file names. Only letters and
 * digits reach FTS5, so user input can never be FTS syntax.
 */
export function ftsQuery(q: string): string | null {
  const phrases = q
    .split(/\s+/)
    .map((word) => word.split(/[^\p{L}\p{N}]+/u).filter(Boolean))
    .filter((parts) => parts.length > 0)
    .slice(0, 12);
  if (phrases.length === 0) return null;
  return phrases.map((parts) => `"${parts.join(" ")}"*`).join(" ");
}

/** How many batches a search matches (FTS doclists only, no table access). */
export function countSearchMatches(sqlite: Database.Database, match: string): number {
  return (sqlite.prepare("SELECT count(*) AS n FROM batch_search WHERE batch_search MATCH ?").get(match) as { n: number }).n;
}

/**
 * Rebuilds the search documents from the tables. The index is keyed by batch rowid, which VACUUM
 * may renumber for tables without an INTEGER PRIMARY KEY: run this after a VACUUM.
 */
export function rebuildSearchIndex(sqlite: Database.Database): void {
  sqlite
    .transaction(() => {
      sqlite.exec("DELETE FROM batch_search");
      sqlite.exec(`INSERT INTO batch_search(rowid, name, description, file_names)
        SELECT b.rowid, b.base_directory_name, b.description,
               coalesce((SELECT group_concat(f.original_name, ' ') FROM files f WHERE f.batch_id = b.id), '')
        FROM batches b`);
    })
    .immediate();
}
