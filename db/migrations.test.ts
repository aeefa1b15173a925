import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, openDatabase } from "./client";

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-migrations-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const journal = () =>
  JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, "meta", "_journal.json"), "utf8")) as {
    entries: { tag: string }[];
  };

const tables = (file: string) =>
  new Database(file, { readonly: true })
    .prepare("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_\\_%' ESCAPE '\\' ORDER BY name")
    .all()
    .map((r) => (r as { name: string }).name);

describe("migrations", () => {
  it("build every table on an empty database, with WAL and foreign keys on", () => {
    const file = path.join(tempDir(), "db.sqlite");
    const db = openDatabase(file);
    expect(db.$client.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.$client.pragma("foreign_keys", { simple: true })).toBe(1);
    db.$client.close();
    expect(tables(file)).toEqual(
      expect.arrayContaining(["attempts", "batches", "files", "jobs", "pipelines", "rate_limit_events", "workers"]),
    );
  });

  it("upgrade a database that stands at the previous migration", () => {
    const entries = journal().entries;
    const dir = tempDir();
    // A migrations folder holding all but the newest migration stands for the previous release.
    const previous = path.join(dir, "previous");
    fs.mkdirSync(path.join(previous, "meta"), { recursive: true });
    for (const entry of entries.slice(0, -1)) {
      fs.copyFileSync(path.join(MIGRATIONS_DIR, `${entry.tag}.sql`), path.join(previous, `${entry.tag}.sql`));
    }
    fs.writeFileSync(
      path.join(previous, "meta", "_journal.json"),
      JSON.stringify({ ...journal(), entries: entries.slice(0, -1) }),
    );
    const file = path.join(dir, "db.sqlite");
    openDatabase(file, { migrationsDir: previous }).$client.close();
    const db = openDatabase(file);
    const applied = db.$client.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number };
    expect(applied.n).toBe(entries.length);
    expect(db.$client.pragma("integrity_check", { simple: true })).toBe("ok");
    db.$client.close();
  });

  it("match db/schema.ts (no drift between the schema and the committed migrations)", () => {
    const out = tempDir();
    fs.cpSync(MIGRATIONS_DIR, out, { recursive: true });
    execFileSync("npx", ["drizzle-kit", "generate", "--name", "drift"], {
      env: { ...process.env, DRIZZLE_OUT: out },
      stdio: "pipe",
    });
    const added = fs.readdirSync(out).filter((f) => f.endsWith(".sql") && f.includes("drift"));
    expect(added, "run `npm run db:generate` and commit the new migration").toEqual([]);
  }, 60_000);
});
