import type Database from "better-sqlite3";

/**
 * Page cache while loading (1 GiB, allocated only as used). The primary keys are random UUIDs,
 * so every row lands at a random place of its table's key index; with SQLite's default 2 MB cache
 * nearly every such insert reads a page back from disk once a table holds a few hundred thousand rows.
 */
const LOAD_CACHE_KIB = 1024 * 1024;

export interface BulkLoad<T> {
  /** Tables being filled: their secondary indexes are dropped for the load and built after it. */
  tables: string[];
  /** Triggers on those tables to take off for the load; `replay` must then do their work. */
  triggers: string[];
  load: () => T;
  /** Runs after the indexes are back and before the triggers are: does the dropped triggers' work for the new rows. */
  replay: () => void;
}

interface Definition {
  type: "index" | "trigger";
  name: string;
  sql: string;
}

/**
 * Loads many rows in time linear in their count: inserting them one by one keeps every index of
 * their tables up to date at random places (a cache miss per index per row at scale), while an
 * index built once over the finished table is one sort. The definitions are read from
 * sqlite_master and run again verbatim, so afterwards the schema is exactly the one the
 * migrations made. It all happens in one IMMEDIATE transaction: an error or a kill leaves the
 * database as it was, and a unique index the new rows break fails the load instead of going
 * missing. Readers on other connections keep their snapshot; writers wait until it commits.
 */
export function bulkLoad<T>(sqlite: Database.Database, job: BulkLoad<T>): T {
  const cacheBefore = sqlite.pragma("cache_size", { simple: true }) as number;
  sqlite.pragma(`cache_size = -${LOAD_CACHE_KIB}`);
  try {
    return sqlite.transaction(() => {
      const definitions = definitionsToDrop(sqlite, job);
      for (const { type, name } of definitions) sqlite.exec(`DROP ${type.toUpperCase()} "${name}"`);
      const result = job.load();
      for (const { sql } of definitions.filter((d) => d.type === "index")) sqlite.exec(sql);
      job.replay();
      for (const { sql } of definitions.filter((d) => d.type === "trigger")) sqlite.exec(sql);
      return result;
    }).immediate();
  } finally {
    sqlite.pragma(`cache_size = ${cacheBefore}`);
  }
}

/** The tables' own indexes (not the ones behind PRIMARY KEY/UNIQUE columns, which have no SQL) and the named triggers. */
function definitionsToDrop(sqlite: Database.Database, job: BulkLoad<unknown>): Definition[] {
  const tables = job.tables.map(() => "?").join(", ");
  const indexes = sqlite
    .prepare(`SELECT type, name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables}) ORDER BY rowid`)
    .all(...job.tables) as Definition[];
  const triggers = job.triggers.map((name) => {
    const found = sqlite.prepare("SELECT type, name, sql FROM sqlite_master WHERE type = 'trigger' AND name = ?").get(name) as Definition | undefined;
    if (!found) throw new Error(`bulk load: no trigger named ${name}`);
    return found;
  });
  return [...indexes, ...triggers];
}
