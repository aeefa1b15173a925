import { afterEach, describe, expect, it } from "vitest";
import { addBatch, createTestContext, type TestContext } from "@/test/fixtures";
import { getChartHistory } from "./chart";
import { chartQuerySchema } from "./schemas";

let ctx: TestContext;
afterEach(() => ctx?.cleanup());

const HOUR = 3_600_000;

/** One finished run of the job, `ago` ms before now. */
function run(jobId: string, batchId: string, outcome: string, ago: number, durationMs = 100) {
  const at = ctx.clock.now() - ago;
  ctx.db.$client
    .prepare("INSERT INTO attempts (job_id, batch_id, worker_id, attempt_number, started_at, finished_at, outcome, duration_ms) VALUES (?, ?, 'w', 1, ?, ?, ?, ?)")
    .run(jobId, batchId, at - durationMs, at, outcome, durationMs);
}

const chart = (query: Record<string, string>) => getChartHistory(ctx, chartQuerySchema.parse(query));

describe("history charts", () => {
  it("24 hours by hour: outcomes, run-time percentiles, throughput and crash rate per bucket", () => {
    ctx = createTestContext();
    ctx.clock.set(Date.UTC(2025, 10, 5, 9, 30));
    const { batchId, jobIds } = addBatch(ctx, { files: 1, pipelines: 2 });
    for (const ms of [100, 200, 300, 400]) run(jobIds[0]!, batchId, "completed", 5 * 60_000, ms);
    run(jobIds[0]!, batchId, "failed", 5 * 60_000);
    run(jobIds[1]!, batchId, "crashed", 2 * HOUR);
    run(jobIds[1]!, batchId, "completed", 30 * HOUR);

    const { data } = chart({ range: "24h" });

    expect(data).toHaveLength(24);
    const current = data.at(-1)!;
    expect(current).toMatchObject({ runs: 5, completed: 4, failed: 1, crashed: 0, p50_ms: 200, p95_ms: 400, partial: true });
    expect(current.files_per_min).toBeGreaterThan(0);
    expect(data.find((b) => b.crashed === 1)).toMatchObject({ runs: 1, crash_rate: 1, partial: false });
    expect(data.reduce((sum, b) => sum + b.runs, 0)).toBe(6);
  });

  it("days, and one pipeline's runs only", () => {
    ctx = createTestContext();
    const { batchId, jobIds } = addBatch(ctx, { files: 1, pipelines: 2 });
    run(jobIds[0]!, batchId, "completed", HOUR);
    run(jobIds[1]!, batchId, "completed", 3 * 24 * HOUR);
    const pipelineOf = (id: string) => (ctx.db.$client.prepare("SELECT pipeline_id AS p FROM jobs WHERE id = ?").get(id) as { p: string }).p;

    expect(chart({ range: "7d" }).data).toHaveLength(7);
    expect(chart({ range: "30d" }).data.reduce((sum, b) => sum + b.completed, 0)).toBe(2);
    const second = chart({ range: "7d", pipeline_id: pipelineOf(jobIds[1]!) });
    expect(second.data.reduce((sum, b) => sum + b.completed, 0)).toBe(1);
    expect(second.data.at(-1)!.completed).toBe(0);
    expect(() => chart({ range: "90d" })).toThrow();
  });
});
