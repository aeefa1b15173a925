/**
 * Every SQL statement of the settings feature: a key/value table whose values are JSON
 * (docs/ARCHITECTURE.md, the data-access rule). Prepared once per connection.
 */
import type Database from "better-sqlite3";
import { statement } from "@/db/statements";

export interface SettingRow {
  value: string;
  updatedAt: number;
}

export function selectSetting(sqlite: Database.Database, key: string): SettingRow | undefined {
  return statement(sqlite, `SELECT value, updated_at AS updatedAt FROM settings WHERE key = ?`).get(key) as SettingRow | undefined;
}

export function upsertSetting(sqlite: Database.Database, key: string, value: string, now: number): void {
  statement(
    sqlite,
    `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  ).run(key, value, now);
}

/** Writes the value only if the key has none yet; true when it did. */
export function insertSettingIfMissing(sqlite: Database.Database, key: string, value: string, now: number): boolean {
  return statement(sqlite, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING`).run(key, value, now).changes > 0;
}
