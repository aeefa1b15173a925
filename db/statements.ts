import type Database from "better-sqlite3";

const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * Prepares a statement once per connection and hands back the same one on every later call. Every
 * `queries.ts` and the queue reach SQLite through this: preparing a statement costs more than
 * running most of ours, and the queue runs a handful of them thousands of times a second.
 */
export function statement(sqlite: Database.Database, sql: string): Database.Statement {
  let byText = cache.get(sqlite);
  if (!byText) cache.set(sqlite, (byText = new Map()));
  let prepared = byText.get(sql);
  if (!prepared) byText.set(sql, (prepared = sqlite.prepare(sql)));
  return prepared;
}
