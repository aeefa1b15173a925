import type Database from "better-sqlite3";

/**
 * `q` as an FTS5 query: every word must appear (as a word prefix) in the batch name, description or
 * a file name. Words are quoted, so FTS syntax in user input stays plain text.
 */
export function ftsQuery(q: string): string | null {
  const words = q.split(/[^\p{L}\p{N}]+/u).filter(Boolean).slice(0, 12);
  if (words.length === 0) return null;
  return words.map((w) => `"${w.replaceAll('"', '""')}"*`).join(" ");
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
