import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedDatabase } from "@/scripts/seed";
import { createTestContext, type TestContext } from "@/test/fixtures";
import { backupDatabase } from "./backup";

let ctx: TestContext;
let backupDir: string;

beforeEach(() => {
  ctx = createTestContext();
  backupDir = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-backup-"));
});
afterEach(() => {
  ctx.cleanup();
  fs.rmSync(backupDir, { recursive: true, force: true });
});

const count = (db: Database.Database, table: string) =>
  (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

/** Commits one small write per event-loop turn (as a busy server does) until stopped. */
function startWriter(sqlite: Database.Database) {
  const insert = sqlite.prepare("INSERT INTO rate_limit_events (key, created_at) VALUES (?, ?)");
  let running = true;
  let commits = 0;
  const tick = () => {
    if (!running) return;
    insert.run("writer", Date.now());
    commits += 1;
    setImmediate(tick);
  };
  tick();
  return {
    get commits() {
      return commits;
    },
    stop: () => {
      running = false;
    },
  };
}

describe("online database backup", () => {
  it("copies a consistent database while another connection keeps committing", async () => {
    seedDatabase(ctx.db, { batches: 300, filesPerBatch: 6, seed: 3 });
    const batches = count(ctx.db.$client, "batches");
    const jobs = count(ctx.db.$client, "jobs");
    const destination = path.join(backupDir, "nightly.sqlite");

    const writer = startWriter(ctx.db.$client);
    const commitsBefore = writer.commits;
    const result = await backupDatabase(ctx.paths.db, destination);
    const commitsDuring = writer.commits - commitsBefore;
    writer.stop();

    // The writer really ran while the backup was in progress (the backup yields between steps).
    expect(commitsDuring).toBeGreaterThan(0);
    expect(result.destination).toBe(destination);
    expect(result.bytes).toBe(fs.statSync(destination).size);
    expect(result.pages).toBeGreaterThan(100);
    expect(result.ms).toBeGreaterThanOrEqual(0);
    // Nothing but the backup itself is left in the folder (no temp file, no journal).
    expect(fs.readdirSync(backupDir)).toEqual(["nightly.sqlite"]);

    const copy = new Database(destination, { readonly: true });
    try {
      expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(copy.pragma("foreign_key_check")).toEqual([]);
      expect(count(copy, "batches")).toBe(batches);
      expect(count(copy, "jobs")).toBe(jobs);
      // A snapshot from some moment during the backup: no more writes than were ever committed.
      const copied = count(copy, "rate_limit_events");
      expect(copied).toBeGreaterThanOrEqual(commitsBefore);
      expect(copied).toBeLessThanOrEqual(writer.commits);
      // The schema and migration history come along, so the server starts on the copy as is.
      expect(count(copy, "__drizzle_migrations")).toBe(count(ctx.db.$client, "__drizzle_migrations"));
    } finally {
      copy.close();
    }
  });

  it("replaces an older backup at the same path only once the new copy is complete", async () => {
    const destination = path.join(backupDir, "db.sqlite");
    fs.writeFileSync(destination, "an older backup");
    seedDatabase(ctx.db, { batches: 5, filesPerBatch: 2, seed: 1 });
    await backupDatabase(ctx.paths.db, destination);
    const copy = new Database(destination, { readonly: true });
    expect(count(copy, "batches")).toBe(5);
    copy.close();
  });

  it("refuses destinations it cannot or must not write, with one clear line", async () => {
    const missing = path.join(backupDir, "no-such-folder", "db.sqlite");
    await expect(backupDatabase(ctx.paths.db, missing)).rejects.toThrow(
      `destination folder ${path.dirname(missing)} does not exist`,
    );
    await expect(backupDatabase(ctx.paths.db, backupDir)).rejects.toThrow(`destination ${backupDir} is a folder`);
    await expect(backupDatabase(ctx.paths.db, ctx.paths.db)).rejects.toThrow("is the live database");
    await expect(backupDatabase(path.join(backupDir, "nothing.sqlite"), path.join(backupDir, "x.sqlite"))).rejects.toThrow(
      "no database at",
    );
    expect(fs.readdirSync(backupDir)).toEqual([]);
  });

  it.skipIf(process.getuid?.() === 0)("refuses a folder it may not write to", async () => {
    fs.chmodSync(backupDir, 0o500);
    try {
      await expect(backupDatabase(ctx.paths.db, path.join(backupDir, "db.sqlite"))).rejects.toThrow("is not writable");
    } finally {
      fs.chmodSync(backupDir, 0o700);
    }
  });
});
