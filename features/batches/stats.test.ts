import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedDatabase } from "@/scripts/seed";
import { createTestContext, type TestContext } from "@/test/fixtures";
import { getBatchStats, percentile } from "./stats";
import { LATEST_DURATIONS_SQL, PERCENTILE_SAMPLE } from "./stats-queries";

const HOUR = 3_600_000;
let ctx: TestContext;

beforeEach(() => {
  ctx = createTestContext({ QUEUE_CONCURRENCY: "4" });
  // History older than a day, so the last-24h numbers below come only from the attempts we add.
  seedDatabase(ctx.db, { batches: 120, filesPerBatch: 2, seed: 5, now: ctx.clock.now() - 30 * 24 * HOUR });
});
afterEach(() => ctx.cleanup());

function addAttempts(runs: { outcome: string; duration: number; agoMs: number }[]) {
  const sqlite = ctx.db.$client;
  const job = sqlite.prepare("SELECT id, batch_id FROM jobs LIMIT 1").get() as { id: string; batch_id: string };
  const insert = sqlite.prepare(
    `INSERT INTO attempts (job_id, batch_id, worker_id, attempt_number, started_at, finished_at, outcome, duration_ms)
     VALUES (?, ?, 'w', 1, ?, ?, ?, ?)`,
  );
  for (const r of runs) {
    const finished = ctx.clock.now() - r.agoMs;
    insert.run(job.id, job.batch_id, finished - r.duration, finished, r.outcome, r.duration);
  }
}

describe("getBatchStats", () => {
  it("reports the last 24 hours from the attempts: outcomes, crash rate, percentiles, files per minute", () => {
    const durations = Array.from({ length: 20 }, (_, i) => (i + 1) * 100); // 100 .. 2000 ms
    addAttempts([
      ...durations.map((duration) => ({ outcome: "completed", duration, agoMs: 2 * HOUR })),
      { outcome: "failed", duration: 50, agoMs: HOUR },
      { outcome: "timeout", duration: 50, agoMs: HOUR },
      { outcome: "crashed", duration: 50, agoMs: HOUR },
      { outcome: "retry", duration: 50, agoMs: HOUR },
      { outcome: "completed", duration: 100, agoMs: 60_000 },
      { outcome: "completed", duration: 100, agoMs: 120_000 },
      { outcome: "completed", duration: 9_999, agoMs: 25 * HOUR }, // outside the window
    ]);
    const stats = getBatchStats(ctx);
    expect(stats.last_24h).toMatchObject({ completed: 22, failed: 2, crashed: 1, retried: 1 });
    expect(stats.last_24h.crash_rate).toBeCloseTo(1 / 26, 4);
    expect(stats.last_24h.p50_ms).toBe(900); // 22 runs: 100, 100, 100, 200 .. 2000 -> the 11th
    expect(stats.last_24h.p95_ms).toBe(1900);
    expect(stats.last_24h.files_per_min).toBeCloseTo(22 / 1440, 2);
    expect(stats.current.files_per_min).toBe(0.2);
  });

  it("takes the run-time percentiles from the latest PERCENTILE_SAMPLE completed runs of the day", () => {
    addAttempts([
      ...Array.from({ length: 400 }, () => ({ outcome: "completed", duration: 50_000, agoMs: 20 * HOUR })), // older and slow: 7 % of the day, in p95 if counted
      ...Array.from({ length: PERCENTILE_SAMPLE }, (_, i) => ({ outcome: "completed", duration: 100 + (i % 10), agoMs: HOUR - i })),
    ]);
    const stats = getBatchStats(ctx);
    expect(stats.last_24h.completed).toBe(PERCENTILE_SAMPLE + 400); // counts still cover the whole day
    expect(stats.last_24h.p50_ms).toBe(104);
    expect(stats.last_24h.p95_ms).toBe(109);
    const plan = ctx.db.$client.prepare(`EXPLAIN QUERY PLAN ${LATEST_DURATIONS_SQL}`).all(0, PERCENTILE_SAMPLE) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(" / ")).toMatch(/COVERING INDEX attempts_outcome_finished_at_duration_ms_idx/);
  });

  it("counts batches by status, the queue and storage from the batch rows", () => {
    const sqlite = ctx.db.$client;
    const stats = getBatchStats(ctx);
    const byStatus = Object.fromEntries(
      (sqlite.prepare("SELECT status, count(*) AS n FROM batches GROUP BY status").all() as { status: string; n: number }[]).map((r) => [r.status, r.n]),
    );
    expect(stats.by_status).toMatchObject(byStatus);
    expect(stats.total_batches).toBe(120);
    const pending = sqlite.prepare("SELECT count(*) AS n FROM jobs WHERE status = 'pending'").get() as { n: number };
    expect(stats.queue).toMatchObject({ depth: pending.n, running: 0, concurrency: 4 });
    const bytes = sqlite.prepare("SELECT sum(size) AS inputs FROM files").get() as { inputs: number };
    const outputs = sqlite.prepare("SELECT sum(output_size) AS n FROM jobs WHERE status = 'completed'").get() as { n: number };
    expect(stats.storage).toEqual({ inputs_bytes: bytes.inputs, outputs_bytes: outputs.n });
    expect(stats.customer_prefixes.length).toBeGreaterThan(3);
    expect(stats.last_24h).toMatchObject({ completed: 0, crash_rate: 0, p50_ms: null, p95_ms: null });
  });

  it("uses nearest-rank percentiles", () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5], 95)).toBe(5);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 100)).toBe(4);
  });
});
