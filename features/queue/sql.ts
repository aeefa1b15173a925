import type Database from "better-sqlite3";
import { getTableColumns } from "drizzle-orm";
import { jobs } from "@/db/schema";

const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * Prepares a statement once per connection. The queue runs a handful of statements thousands of
 * times a second; preparing them each time costs more than running them.
 */
export function statement(sqlite: Database.Database, sql: string): Database.Statement {
  let byText = cache.get(sqlite);
  if (!byText) cache.set(sqlite, (byText = new Map()));
  let prepared = byText.get(sql);
  if (!prepared) byText.set(sql, (prepared = sqlite.prepare(sql)));
  return prepared;
}

/**
 * `"batch_id" AS "batchId", …` for every column of `jobs`, so a raw select returns a JobRow
 * without going through the query builder (derived from the schema, never written twice).
 */
export const JOB_ROW_COLUMNS = Object.entries(getTableColumns(jobs))
  .map(([key, column]) => `"${column.name}" AS "${key}"`)
  .join(", ");
