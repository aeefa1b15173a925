import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema";

export type AppDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Committed drizzle-kit migrations; resolved from the project root (where `next start` runs). */
export const MIGRATIONS_DIR = path.join(process.cwd(), "db", "migrations");

/**
 * Opens (creating if needed) a database file with the pragmas the queue relies on and applies
 * any pending migrations. One connection per process: callers keep what this returns.
 */
export function openDatabase(file: string, options: { migrationsDir?: string } = {}): AppDb {
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  // 64 MB of page cache instead of the 16 MB better-sqlite3 builds SQLite with: on a database of a
  // million jobs the list and stats queries walk more index pages than 16 MB holds, and re-read them
  // from the OS on every request (docs/benchmarks.md). Pages are allocated only as they are used.
  sqlite.pragma("cache_size = -65536");
  // Keep the WAL from growing without bound between checkpoints of long reads.
  sqlite.pragma("journal_size_limit = 67108864");
  // Checkpoint every ~40 MB of WAL instead of SQLite's 4 MB: each checkpoint fsyncs twice and
  // copies every page the queue's indexes dirtied, and at the default it cost the queue about a
  // third of its throughput (bench/queue-vs-plainjob.ts). Still under journal_size_limit.
  sqlite.pragma("wal_autocheckpoint = 10000");
  const db = drizzle(sqlite, { schema }) as AppDb;
  migrate(db, { migrationsFolder: options.migrationsDir ?? MIGRATIONS_DIR });
  refreshPlannerStatistics(sqlite);
  return db;
}

/**
 * Statistics for the query planner (sqlite_stat1 and sqlite_stat4): a full ANALYZE of the tables
 * never analyzed or grown tenfold since (0x10002 = analyze where useful, checking every table).
 * Without them an unselective filter (status=completed on most of the table) is served from its
 * index and sorted; with them SQLite walks the sort's index instead (see features/batches/list.ts
 * and docs/benchmarks.md). Deliberately without the 0x10 bit that plain `PRAGMA optimize` sets:
 * that caps the analysis, and a capped ANALYZE writes no sqlite_stat4 at all. Costs one ANALYZE
 * of the grown tables when it runs (docs/benchmarks.md); nothing when nothing grew. Run at open and
 * by every retention cleanup.
 */
export function refreshPlannerStatistics(sqlite: Database.Database): void {
  sqlite.pragma("optimize = 0x10002");
}
