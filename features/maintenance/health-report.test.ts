import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addBatch, createTestContext, type TestContext } from "@/test/fixtures";
import { registerWorker } from "@/features/queue/workers";
import { getHealth } from "./health";
import { formatHealthReport, healthReport } from "./health-report";
import { measureDataDir } from "./storage";

let ctx: TestContext;
beforeEach(() => void (ctx = createTestContext()));
afterEach(() => ctx.cleanup());

function runs(jobIds: string[], list: [string, number, string | null][]): void {
  const insert = ctx.db.$client.prepare(
    `INSERT INTO attempts (job_id, batch_id, worker_id, attempt_number, started_at, finished_at, outcome, error, duration_ms)
     SELECT id, batch_id, 'w', 1, ?, ?, ?, ?, ? FROM jobs WHERE id = ?`,
  );
  const now = ctx.clock.now();
  list.forEach(([outcome, ms, error], i) => insert.run(now - 60_000 - ms, now - 60_000 + i, outcome, error, ms, jobIds[i]));
}

describe("npm run health's report", () => {
  it("counts the last 24 h of runs, lists the latest crashes with their files, and sizes the install", async () => {
    const { jobIds } = addBatch(ctx, { files: ["PL_front.png", "PL_side.png", "PL_back.png", "PL_top.png"] });
    runs(jobIds, [
      ["completed", 100, null],
      ["completed", 300, null],
      ["crashed", 50, "The worker stopped renewing its lease."],
      ["timeout", 900, "Processing timeout exceeded"],
    ]);
    fs.writeFileSync(path.join(ctx.paths.outputs, "x.bin"), Buffer.alloc(5000));
    registerWorker(ctx.db.$client, "engine", ctx.clock.now());

    const report = await healthReport(ctx);
    expect(report).toMatchObject({
      status: "ok",
      problems: [],
      runs: { total: 4, completed: 2, completed_percent: 50, failed: 0, timed_out: 1, crashed: 1, crash_rate: 0.25 },
      run_time: { avg_ms: 200, p95_ms: 300, max_ms: 300 },
      queue: { depth: 4, running: 0, workers_alive: 1 },
    });
    expect(report.recent_crashes).toEqual([
      { at: expect.any(String), job_id: jobIds[2], batch: expect.stringContaining("QUEUE_"), file: "PL_back.png", pipeline: expect.any(String), error: "The worker stopped renewing its lease." },
    ]);
    expect(report.storage.database_bytes).toBeGreaterThan(0);
    expect(report.storage.data_dir_bytes).toBeGreaterThanOrEqual(report.storage.database_bytes + 5000);
    expect(report.storage.free_bytes).toBeGreaterThan(0);

    const text = formatHealthReport(report);
    expect(text).toContain("Batchyard health (last 24 h): OK");
    expect(text).toContain("Completed:   2 (50%)");
    expect(text).toContain("Crashed:     1 (crash rate 25.00%)");
    expect(text).toMatch(/Recent crashes:\n {2}- .* PL_back\.png/);
  });

  it("is degraded, saying why, when no queue engine heartbeats anywhere", async () => {
    const report = await healthReport(ctx);
    expect(report.status).toBe("degraded");
    expect(report.problems).toEqual(["no queue engine is heartbeating (is the server or a worker running?)"]);
    expect(formatHealthReport(report)).toContain("Problems:\n  - no queue engine");
  });

  it("/api/health shows the database and data folder sizes next to free disk", async () => {
    await measureDataDir(ctx);
    const disk = getHealth(ctx).disk!;
    expect(disk.database_bytes).toBeGreaterThan(0);
    expect(disk.data_dir_bytes).toBeGreaterThanOrEqual(disk.database_bytes);
    expect(disk.data_dir_files).toBeGreaterThan(0);
    expect(Date.parse(disk.data_dir_measured_at!)).not.toBeNaN();
  });
});
