import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BATCH_STATUSES, PRIORITIES } from "@/db/schema";
import { deriveBatchStatus, type JobCounts } from "@/features/queue/batch-status";
import { createTestContext, type TestContext } from "@/test/fixtures";
import { SEED_PREFIXES } from "./seed-rows";
import { seedDatabase } from "./seed";

let ctx: TestContext;
beforeEach(() => {
  ctx = createTestContext();
});
afterEach(() => ctx.cleanup());

describe("npm run seed", () => {
  it("writes rows that satisfy the schema: foreign keys, integrity, unique names, counters == jobs", () => {
    const totals = seedDatabase(ctx.db, { batches: 600, filesPerBatch: 4, pipelines: 2, seed: 1, now: ctx.clock.now() });
    const sqlite = ctx.db.$client;
    expect(totals.batches).toBe(600);
    expect(totals.jobs).toBe(totals.files * 2);
    expect(sqlite.pragma("foreign_key_check")).toEqual([]);
    expect(sqlite.pragma("integrity_check", { simple: true })).toBe("ok");

    const mismatched = sqlite
      .prepare(
        `SELECT b.id FROM batches b LEFT JOIN (
           SELECT batch_id, count(*) AS total, sum(status = 'completed') AS completed, sum(status = 'failed') AS failed,
                  sum(status = 'cancelled') AS cancelled, sum(status = 'processing') AS running,
                  coalesce(sum(CASE WHEN status = 'completed' THEN output_size END), 0) AS output_size
           FROM jobs GROUP BY batch_id) j ON j.batch_id = b.id
         WHERE b.total_jobs != j.total OR b.completed_jobs != j.completed OR b.failed_jobs != j.failed
            OR b.cancelled_jobs != j.cancelled OR b.running_jobs != j.running OR b.output_size != j.output_size
            OR b.total_files != (SELECT count(*) FROM files f WHERE f.batch_id = b.id)
            OR b.total_size != (SELECT sum(size) FROM files f WHERE f.batch_id = b.id)`,
      )
      .all();
    expect(mismatched).toEqual([]);
  });

  it("gives every batch the status its jobs imply, and covers every status, priority and several prefixes", () => {
    seedDatabase(ctx.db, { batches: 800, filesPerBatch: 3, seed: 2, now: ctx.clock.now() });
    const sqlite = ctx.db.$client;
    const rows = sqlite
      .prepare(
        `SELECT b.status, b.priority, b.customer_prefix, b.base_directory_name, b.batch_date, b.batch_counter,
                b.completed_at, count(j.id) AS total, sum(j.status = 'pending') AS pending,
                sum(j.status = 'processing') AS processing, sum(j.status = 'completed') AS completed,
                sum(j.status = 'failed') AS failed, sum(j.status = 'cancelled') AS cancelled
         FROM batches b JOIN jobs j ON j.batch_id = b.id GROUP BY b.id`,
      )
      .all() as (JobCounts & { status: (typeof BATCH_STATUSES)[number]; priority: string; customer_prefix: string; base_directory_name: string; batch_date: string; batch_counter: number; completed_at: number | null })[];
    for (const row of rows) {
      expect(deriveBatchStatus(row.status, row)).toBe(row.status);
      expect(row.base_directory_name).toBe(`${row.customer_prefix}_${row.batch_date}_batch-${row.batch_counter}`);
      const terminal = ["completed", "failed", "cancelled"].includes(row.status);
      expect(row.completed_at != null).toBe(terminal);
    }
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(BATCH_STATUSES));
    expect(new Set(rows.map((r) => r.priority))).toEqual(new Set(PRIORITIES));
    expect(new Set(rows.map((r) => r.customer_prefix)).size).toBeGreaterThanOrEqual(Math.min(5, SEED_PREFIXES.length));

    // Dates spread over the past year, and the attempt history has crashes and retries.
    const span = sqlite.prepare("SELECT max(created_at) - min(created_at) AS ms FROM batches").get() as { ms: number };
    expect(span.ms).toBeGreaterThan(200 * 86_400_000);
    const outcomes = sqlite.prepare("SELECT DISTINCT outcome FROM attempts").all().map((r) => (r as { outcome: string }).outcome);
    expect(outcomes).toEqual(expect.arrayContaining(["completed", "failed", "retry", "crashed"]));
  });

  it("continues batch numbering when seeded twice into the same database", () => {
    seedDatabase(ctx.db, { batches: 300, filesPerBatch: 1, seed: 3, now: ctx.clock.now() });
    seedDatabase(ctx.db, { batches: 300, filesPerBatch: 1, seed: 3, now: ctx.clock.now() });
    const n = ctx.db.$client.prepare("SELECT count(*) AS n FROM batches").get() as { n: number };
    expect(n.n).toBe(600);
    expect(ctx.db.$client.pragma("foreign_key_check")).toEqual([]);
  });

  it("makes seeded batches findable by file name through the search index", () => {
    seedDatabase(ctx.db, { batches: 50, filesPerBatch: 2, seed: 4, now: ctx.clock.now() });
    const hits = ctx.db.$client.prepare("SELECT count(*) AS n FROM batch_search WHERE batch_search MATCH 'front'").get() as { n: number };
    const direct = ctx.db.$client
      .prepare("SELECT count(DISTINCT batch_id) AS n FROM files WHERE original_name LIKE '%\\_front\\_%' ESCAPE '\\'")
      .get() as { n: number };
    expect(hits.n).toBe(direct.n);
  });

  describe("bulk load", () => {
    const schema = () => ctx.db.$client.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").all();
    const count = (table: string) => (ctx.db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

    it("leaves the schema as the migrations made it and the search documents the triggers would have written", () => {
      const sqlite = ctx.db.$client;
      const before = schema();
      const now = ctx.clock.now();
      // Rows through the triggers, in bulk, then through the triggers again (they are back).
      seedDatabase(ctx.db, { batches: 100, filesPerBatch: 3, seed: 5, now });
      seedDatabase(ctx.db, { batches: 300, filesPerBatch: 3, pipelines: 2, seed: 6, now, bulk: true });
      seedDatabase(ctx.db, { batches: 100, filesPerBatch: 3, seed: 7, now });
      expect(schema()).toEqual(before);
      expect(count("batches")).toBe(500);
      expect(sqlite.pragma("foreign_key_check")).toEqual([]);
      expect(sqlite.pragma("integrity_check", { simple: true })).toBe("ok");

      const documents = sqlite
        .prepare(
          `SELECT count(*) AS n FROM batches b JOIN batch_search s ON s.rowid = b.rowid
           WHERE s.name = b.base_directory_name AND s.description = b.description
             AND s.file_names = coalesce((SELECT ' ' || group_concat(f.original_name, ' ' ORDER BY f.rowid) FROM files f WHERE f.batch_id = b.id), '')`,
        )
        .get() as { n: number };
      expect(documents.n).toBe(500);
      expect(count("batch_search")).toBe(500);
    });

    it("that fails part-way leaves the database as it was", () => {
      const before = schema();
      const interrupted = () =>
        seedDatabase(ctx.db, { batches: 3_000, filesPerBatch: 2, seed: 8, now: ctx.clock.now(), bulk: true, onProgress: (n) => {
          if (n >= 2_000) throw new Error("interrupted");
        } });
      expect(interrupted).toThrow("interrupted");
      expect(schema()).toEqual(before);
      expect([count("batches"), count("files"), count("jobs"), count("attempts"), count("batch_search")]).toEqual([0, 0, 0, 0, 0]);
    });
  });
});
